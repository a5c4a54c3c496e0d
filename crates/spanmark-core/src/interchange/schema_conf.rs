//! Schemas in other tools' words (docs/formats/brat.md, docs/formats/label-studio.md):
//! brat's `annotation.conf` with the colours and names of its `visual.conf`, and Label
//! Studio's labeling config. Reading gives a [`SchemaDraft`] (what could be read, with a
//! diagnostic for everything that could not) that the page shows before applying it;
//! writing gives the files, with what they cannot express.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::document::Document;
use crate::ops::{EditError, Op};
use crate::workspace::Workspace;
use crate::report::{short, Diagnostic, ImportError, Severity};
use crate::schema::{check_hotkey, is_hex_color, AttributeDef, AttributeKind, Label, LabelSchema, RelationType};

/// A schema read from another tool's configuration, checked as Spanmark's schema checks
/// it, not yet applied: labels, relation types and attributes in the file's order, and
/// a diagnostic for each part that was changed or left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaDraft {
    /// The labels (entity types).
    pub labels: Vec<Label>,
    /// The relation types.
    pub relation_types: Vec<RelationType>,
    /// The attribute definitions.
    pub attributes: Vec<AttributeDef>,
    /// What was changed or left out, and why.
    pub diagnostics: Vec<Diagnostic>,
}

impl SchemaDraft {
    /// The draft as a schema of its own.
    pub fn to_schema(&self) -> LabelSchema {
        let mut schema = LabelSchema::empty();
        for label in &self.labels {
            // The draft was built by these same checks, so each part fits.
            let _ = schema.add(label.clone());
        }
        for rt in &self.relation_types {
            let _ = schema.add_relation_type(usize::MAX, rt.clone());
        }
        for a in &self.attributes {
            let _ = schema.add_attribute(usize::MAX, a.clone());
        }
        schema
    }

    fn from_schema(schema: LabelSchema, diagnostics: Vec<Diagnostic>) -> Self {
        SchemaDraft { labels: schema.labels().to_vec(), relation_types: schema.relation_types().to_vec(), attributes: schema.attributes().to_vec(), diagnostics }
    }
}

/// A brat name (type, attribute, value) with whitespace and colons replaced, which brat's
/// files cannot hold.
pub(crate) fn brat_name(name: &str) -> String {
    name.chars().map(|c| if c.is_whitespace() || c == ':' || c == '|' || c == ',' { '_' } else { c }).collect()
}

/// A display name for visual.conf's `[labels]`, where `|` separates names.
fn visual_name(name: &str) -> String {
    name.chars().map(|c| if c == '|' || c == '\t' || c == '\n' || c == '\r' { '/' } else { c }).collect::<String>().trim().to_owned()
}

fn diag(severity: Severity, code: &'static str, message: String) -> Diagnostic {
    Diagnostic::new(severity, code, None, None, message)
}

// ---- brat ----------------------------------------------------------------------------

/// brat's configuration files for a schema, and what they cannot say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BratConf {
    /// `annotation.conf`: entity types, relation types and attributes.
    pub annotation_conf: String,
    /// `visual.conf`: display names and colours.
    pub visual_conf: String,
    /// What the files do not carry (hotkeys, descriptions, free-text attributes…).
    pub losses: Vec<Diagnostic>,
}

/// Writes brat's `annotation.conf` and `visual.conf` for a schema.
pub fn write_brat_conf(schema: &LabelSchema) -> BratConf {
    brat_conf_for(schema, &[])
}

/// The configuration for an export: the schema, and the labels, relation types and
/// attribute values the documents use that it lacks.
pub(crate) fn brat_conf_for(schema: &LabelSchema, docs: &[&Document]) -> BratConf {
    let mut losses = Vec::new();
    let mut entities: Vec<(String, String, Option<String>)> = schema.labels().iter().map(|l| (brat_name(&l.id), l.name.clone(), Some(l.color.clone()))).collect();
    let relations: Vec<(String, &RelationType)> = schema.relation_types().iter().map(|t| (brat_name(&t.id), t)).collect();
    let mut unknown_relations: Vec<String> = Vec::new();
    // Attribute values used, by attribute, and what each is used on.
    let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut used_on: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for doc in docs {
        for a in doc.annotations().iter() {
            let l = brat_name(&a.label);
            if !entities.iter().any(|e| e.0 == l) {
                entities.push((l.clone(), a.label.clone(), None));
            }
            for (name, value) in &a.extra().attributes {
                used.entry(name.clone()).or_default().insert(value.clone());
                used_on.entry(name.clone()).or_default().insert("<ENTITY>".to_owned());
            }
        }
        for r in doc.relations().iter() {
            let t = brat_name(&r.kind);
            if !relations.iter().any(|(n, _)| *n == t) && !unknown_relations.contains(&t) {
                unknown_relations.push(t);
            }
            for (name, value) in &r.extra().attributes {
                used.entry(name.clone()).or_default().insert(value.clone());
                used_on.entry(name.clone()).or_default().insert("<RELATION>".to_owned());
            }
        }
    }
    let side = |labels: &[String]| if labels.is_empty() { "<ENTITY>".to_owned() } else { labels.iter().map(|l| brat_name(l)).collect::<Vec<_>>().join("|") };
    let mut out = String::from("# Written by Spanmark.\n[entities]\n");
    for (id, _, _) in &entities {
        out.push_str(id);
        out.push('\n');
    }
    out.push_str("\n[relations]\n");
    for (id, t) in &relations {
        out.push_str(&format!("{id}\tArg1:{}, Arg2:{}", side(&t.from_labels), side(&t.to_labels)));
        if !t.directed {
            out.push_str(", <REL-TYPE>:symmetric");
        }
        out.push('\n');
    }
    for id in &unknown_relations {
        out.push_str(&format!("{id}\tArg1:<ENTITY>, Arg2:<ENTITY>\n"));
    }
    out.push_str("# brat requires this when there are no relations\n<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n[events]\n\n[attributes]\n");
    let mut attribute_names: Vec<(String, String)> = Vec::new();
    let arg_of = |applies_to: &[String]| -> String {
        if applies_to.is_empty() {
            "<ENTITY>|<RELATION>".to_owned()
        } else {
            applies_to.iter().map(|t| brat_name(t)).collect::<Vec<_>>().join("|")
        }
    };
    for def in schema.attributes() {
        let id = brat_name(&def.id);
        let values: Vec<String> = match &def.kind {
            AttributeKind::Boolean => Vec::new(),
            AttributeKind::OneOf { values } => values.iter().map(|v| brat_name(v)).collect(),
            AttributeKind::Text => {
                let values: Vec<String> = used.get(&def.id).into_iter().flatten().map(|v| brat_name(v)).collect::<BTreeSet<_>>().into_iter().collect();
                if values.is_empty() {
                    losses.push(diag(Severity::Info, "brat-conf-text-attribute", format!("brat attributes take listed values, not free text, and no document uses attribute {:?}, so it is not declared in annotation.conf", def.id)));
                    continue;
                }
                losses.push(diag(Severity::Info, "brat-conf-text-attribute", format!("brat attributes take listed values, not free text, so attribute {:?} is declared with the {} value(s) the documents use", def.id, values.len())));
                values
            }
        };
        attribute_names.push((id.clone(), def.name.clone()));
        out.push_str(&attribute_line(&id, &arg_of(&def.applies_to), &values));
    }
    for (name, values) in &used {
        if schema.attribute(name).is_some() {
            continue;
        }
        let id = brat_name(name);
        let values: Vec<String> = values.iter().filter(|v| *v != "true").map(|v| brat_name(v)).collect::<BTreeSet<_>>().into_iter().collect();
        let on: Vec<&str> = used_on.get(name).into_iter().flatten().map(String::as_str).collect();
        out.push_str(&attribute_line(&id, &on.join("|"), &values));
    }
    let mut visual = String::from("# Written by Spanmark.\n[labels]\n");
    for (id, name, _) in &entities {
        visual.push_str(&format!("{id} | {}\n", visual_name(name)));
    }
    for (id, t) in &relations {
        visual.push_str(&format!("{id} | {}\n", visual_name(&t.name)));
    }
    for (id, name) in &attribute_names {
        visual.push_str(&format!("{id} | {}\n", visual_name(name)));
    }
    visual.push_str("\n[drawing]\nSPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken\nARC_DEFAULT\tcolor:black, arrowHead:triangle-5\n");
    for (id, _, color) in &entities {
        if let Some(color) = color {
            visual.push_str(&format!("{id}\tbgColor:{color}\n"));
        }
    }
    for (id, t) in &relations {
        visual.push_str(&format!("{id}\tcolor:{}\n", t.color));
    }
    let hotkeys = schema.labels().iter().filter(|l| l.hotkey.is_some()).count() + schema.relation_types().iter().filter(|t| t.hotkey.is_some()).count();
    if hotkeys > 0 {
        losses.push(diag(Severity::Info, "brat-conf-hotkeys", format!("{hotkeys} hotkey(s) are not written: brat keeps its keyboard shortcuts in kb_shortcuts.conf, with keys of its own")));
    }
    let renamed: Vec<String> = schema
        .labels()
        .iter()
        .map(|l| &l.id)
        .chain(schema.relation_types().iter().map(|t| &t.id))
        .chain(schema.attributes().iter().map(|a| &a.id))
        .filter(|id| brat_name(id) != **id)
        .map(|id| format!("{id:?} as {:?}", brat_name(id)))
        .collect();
    let renamed: Vec<String> = renamed
        .into_iter()
        .chain(schema.attributes().iter().flat_map(|a| match &a.kind {
            AttributeKind::OneOf { values } => values.iter().filter(|v| brat_name(v) != **v).map(|v| format!("value {v:?} of {:?} as {:?}", a.id, brat_name(v))).collect(),
            _ => Vec::new(),
        }))
        .collect();
    if !renamed.is_empty() {
        // The schema's own names: a span or relation that uses one says so itself.
        losses.push(diag(Severity::Info, "brat-conf-changed", format!("brat names hold no spaces, colons, commas or bars, so annotation.conf writes {}", renamed.join(", "))));
    }
    let described = schema.labels().iter().map(|l| &l.description).chain(schema.relation_types().iter().map(|t| &t.description)).filter(|d| !d.is_empty()).count();
    if described > 0 {
        losses.push(diag(Severity::Info, "brat-conf-descriptions", format!("{described} description(s) are not written: brat's configuration has no place for them")));
    }
    BratConf { annotation_conf: out, visual_conf: visual, losses }
}

fn attribute_line(id: &str, arg: &str, values: &[String]) -> String {
    if values.is_empty() {
        format!("{id}\tArg:{arg}\n")
    } else {
        format!("{id}\tArg:{arg}, Value:{}\n", values.join("|"))
    }
}

/// One line of a brat configuration section: its terms (`ID | other names`) and its
/// `key:value` arguments, after the file's macros are expanded.
struct ConfLine {
    line: usize,
    unused: bool,
    terms: Vec<String>,
    args: Vec<(String, Vec<String>)>,
}

/// The sections of a brat configuration file, each a list of its lines.
fn conf_sections(text: &str, tab_sections: &[&str]) -> BTreeMap<String, Vec<ConfLine>> {
    let mut out: BTreeMap<String, Vec<ConfLine>> = BTreeMap::new();
    let mut section: Option<String> = None;
    let mut macros: Vec<(String, String)> = Vec::new();
    for (n, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.chars().all(|c| c == '-') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            section = Some(name.trim().to_ascii_lowercase());
            macros.clear();
            continue;
        }
        let Some(name) = &section else { continue };
        if let Some((key, value)) = trimmed.split_once('=') {
            if key.starts_with('<') && key.ends_with('>') && !key.contains(char::is_whitespace) {
                macros.push((key.to_owned(), value.trim().to_owned()));
                continue;
            }
        }
        let mut line = trimmed.to_owned();
        for (key, value) in &macros {
            line = line.replace(key.as_str(), value);
        }
        let (terms, args) = if tab_sections.contains(&name.as_str()) {
            line.split_once('\t').map_or((line.as_str(), ""), |(t, a)| (t, a))
        } else {
            line.split_once(char::is_whitespace).map_or((line.as_str(), ""), |(t, a)| (t, a))
        };
        let mut terms: Vec<String> = terms.split('|').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
        let unused = terms.first().is_some_and(|t| t.starts_with('!'));
        if let Some(first) = terms.first_mut().filter(|_| unused) {
            first.remove(0);
        }
        if terms.first().is_none_or(String::is_empty) {
            continue;
        }
        let args = args
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                let (k, v) = a.split_once(':').unwrap_or((a, ""));
                (k.trim().to_owned(), v.split('|').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect())
            })
            .collect();
        out.entry(name.clone()).or_default().push(ConfLine { line: n + 1, unused, terms, args });
    }
    out
}

/// Reads brat's `annotation.conf`, with the display names and colours of its
/// `visual.conf` when given. Entity types become labels, relation types relation types
/// (`<REL-TYPE>:symmetric…` makes one symmetric), attributes attribute definitions
/// (`Value:a|b` a choice, none a flag); events, and anything Spanmark's schema refuses,
/// become diagnostics. An error means the text is no brat configuration at all.
pub fn parse_brat_conf(annotation_conf: &str, visual_conf: Option<&str>) -> Result<SchemaDraft, ImportError> {
    let sections = conf_sections(annotation_conf, &[]);
    if !["entities", "relations", "attributes", "events"].iter().any(|s| sections.contains_key(*s)) {
        return Err(ImportError::Malformed { format: "brat annotation.conf", message: "it has no [entities], [relations], [events] or [attributes] section".to_owned() });
    }
    let visual = visual_conf.map(|v| conf_sections(v, &["labels"])).unwrap_or_default();
    let mut names: HashMap<String, String> = HashMap::new();
    for l in visual.get("labels").into_iter().flatten() {
        if let Some(name) = l.terms.get(1) {
            names.insert(l.terms[0].clone(), name.clone());
        }
    }
    let mut colors: HashMap<String, (Option<String>, Option<String>)> = HashMap::new();
    let mut diagnostics = Vec::new();
    for l in visual.get("drawing").into_iter().flatten().filter(|l| !l.terms[0].ends_with("_DEFAULT")) {
        let entry = colors.entry(l.terms[0].clone()).or_default();
        for (k, v) in &l.args {
            let Some(value) = v.first() else { continue };
            let hex = hex_color(value);
            if hex.is_none() && matches!(k.as_str(), "bgColor" | "color") {
                diagnostics.push(diag(Severity::Info, "brat-conf-color", format!("visual.conf line {}: colour {value:?} of {} is not #rrggbb, so a colour of Spanmark's is used", l.line, l.terms[0])));
            }
            match k.as_str() {
                "bgColor" => entry.0 = hex,
                "color" => entry.1 = hex,
                _ => {}
            }
        }
    }
    let mut schema = LabelSchema::empty();
    for l in sections.get("entities").into_iter().flatten().filter(|l| !l.unused) {
        let id = l.terms[0].clone();
        if schema.get(&id).is_some() {
            continue;
        }
        let mut label = schema.label_for_unknown_id(&id);
        label.description = String::new();
        if let Some(name) = names.get(&id) {
            label.name = name.clone();
        }
        if let Some(color) = colors.get(&id).and_then(|c| c.0.clone()) {
            label.color = color;
        }
        let (label, changes) = label.fitted();
        diagnostics.extend(changes.into_iter().map(|c| diag(Severity::Warning, "label-changed", c)));
        if let Err(why) = schema.add(label) {
            diagnostics.push(diag(Severity::Warning, "label-refused", format!("annotation.conf line {}: entity type {:?} cannot be a label ({why}), so it was left out", l.line, short(&id, 40))));
        }
    }
    // Relation types, merged when brat declares one several times (a line per pair of argument types).
    let mut relation_types: Vec<(RelationType, usize)> = Vec::new();
    for l in sections.get("relations").into_iter().flatten().filter(|l| !l.unused) {
        let id = l.terms[0].clone();
        if id.starts_with('<') {
            continue;
        }
        let rel_type: Vec<&str> = l.args.iter().filter(|(k, _)| k == "<REL-TYPE>").flat_map(|(_, v)| v.iter().flat_map(|t| t.split('-'))).collect();
        let roles: Vec<&Vec<String>> = l.args.iter().filter(|(k, _)| !k.starts_with('<')).map(|(_, v)| v).collect();
        if roles.len() != 2 {
            diagnostics.push(diag(Severity::Warning, "brat-conf-relation", format!("annotation.conf line {}: relation type {:?} has {} arguments; Spanmark's relations have two, so the first two are read", l.line, short(&id, 40), roles.len())));
        }
        let mut side = |types: Option<&&Vec<String>>| -> Vec<String> {
            let types: Vec<String> = types.map(|t| t.to_vec()).unwrap_or_default();
            if types.iter().any(|t| matches!(t.as_str(), "<ENTITY>" | "<ANY>")) {
                return Vec::new();
            }
            let missing: Vec<&String> = types.iter().filter(|t| schema.get(t).is_none()).collect();
            if !missing.is_empty() {
                let missing: Vec<String> = missing.iter().map(|m| short(m, 40)).collect();
                diagnostics.push(diag(Severity::Warning, "brat-conf-relation", format!("annotation.conf line {}: relation type {:?} names {}, which is no entity type here, so that argument takes any label", l.line, short(&id, 40), missing.join(", "))));
                return Vec::new();
            }
            types
        };
        let from_labels = side(roles.first());
        let to_labels = side(roles.get(1));
        let directed = !rel_type.contains(&"symmetric");
        if let Some((existing, _)) = relation_types.iter_mut().find(|(t, _)| t.id == id) {
            // Several lines widen the type: any of the pairs fits (an empty side takes any label).
            for (have, add) in [(&mut existing.from_labels, from_labels), (&mut existing.to_labels, to_labels)] {
                if have.is_empty() || add.is_empty() {
                    have.clear();
                } else {
                    for a in add {
                        if !have.contains(&a) {
                            have.push(a);
                        }
                    }
                }
            }
            diagnostics.push(diag(Severity::Info, "brat-conf-relation", format!("annotation.conf line {}: relation type {:?} is declared again; Spanmark joins its argument types", l.line, short(&id, 40))));
            continue;
        }
        let color = colors.get(&id).and_then(|c| c.1.clone().or(c.0.clone())).unwrap_or_else(|| schema.label_for_unknown_id(&id).color);
        let name = names.get(&id).cloned().unwrap_or_else(|| id.clone());
        relation_types.push((RelationType { id, name, color, hotkey: None, directed, from_labels, to_labels, description: String::new() }, l.line));
    }
    for (rt, line) in relation_types {
        let id = rt.id.clone();
        if let Err(why) = schema.add_relation_type(usize::MAX, rt) {
            diagnostics.push(diag(Severity::Warning, "relation-type-refused", format!("annotation.conf line {line}: relation type {:?} cannot be added ({why}), so it was left out", short(&id, 40))));
        }
    }
    let events = sections.get("events").map_or(0, |e| e.iter().filter(|l| !l.unused).count());
    if events > 0 {
        diagnostics.push(diag(Severity::Warning, "brat-conf-events", format!("{events} event type(s) were not read: Spanmark holds no events")));
    }
    for l in sections.get("attributes").into_iter().flatten().filter(|l| !l.unused) {
        let id = l.terms[0].clone();
        let mut applies_to: Vec<String> = Vec::new();
        let (mut entities, mut relations, mut events) = (false, false, false);
        let mut values: Vec<String> = Vec::new();
        for (k, v) in &l.args {
            match k.as_str() {
                "Arg" => {
                    for t in v {
                        match t.as_str() {
                            "<ENTITY>" => entities = true,
                            "<RELATION>" => relations = true,
                            "<EVENT>" => events = true,
                            "<ANY>" => (entities, relations) = (true, true),
                            t if schema.get(t).is_some() || schema.relation_type(t).is_some() => applies_to.push(t.to_owned()),
                            t => diagnostics.push(diag(Severity::Warning, "brat-conf-attribute", format!("annotation.conf line {}: attribute {:?} applies to {:?}, which is no entity or relation type here, so that was left out", l.line, short(&id, 40), short(t, 40)))),
                        }
                    }
                }
                "Value" => values.extend(v.iter().cloned()),
                _ => {}
            }
        }
        if entities && relations {
            applies_to.clear();
        } else if entities || relations {
            let all: Vec<String> = if entities { schema.labels().iter().map(|l| l.id.clone()).collect() } else { schema.relation_types().iter().map(|t| t.id.clone()).collect() };
            for t in all {
                if !applies_to.contains(&t) {
                    applies_to.push(t);
                }
            }
            if applies_to.is_empty() {
                diagnostics.push(diag(Severity::Warning, "brat-conf-attribute", format!("annotation.conf line {}: attribute {:?} applies to no entity or relation type here, so it was left out", l.line, short(&id, 40))));
                continue;
            }
        } else if applies_to.is_empty() {
            let why = if events { "applies only to events, which Spanmark does not hold" } else { "applies to nothing Spanmark holds" };
            diagnostics.push(diag(Severity::Warning, "brat-conf-attribute", format!("annotation.conf line {}: attribute {:?} {why}, so it was left out", l.line, short(&id, 40))));
            continue;
        }
        let kind = if values.is_empty() { AttributeKind::Boolean } else { AttributeKind::OneOf { values } };
        let name = names.get(&id).cloned().unwrap_or_else(|| id.clone());
        if let Err(why) = schema.add_attribute(usize::MAX, AttributeDef { id: id.clone(), name, kind, applies_to }) {
            diagnostics.push(diag(Severity::Warning, "attribute-refused", format!("annotation.conf line {}: attribute {:?} cannot be added ({why}), so it was left out", l.line, short(&id, 40))));
        }
    }
    Ok(SchemaDraft::from_schema(schema, diagnostics))
}

/// `#rrggbb` (or `#rgb`, widened) in lower case, or `None` for a colour name.
fn hex_color(value: &str) -> Option<String> {
    let v = value.trim().to_ascii_lowercase();
    if is_hex_color(&v) {
        return Some(v);
    }
    let short = v.strip_prefix('#').filter(|h| h.len() == 3 && h.bytes().all(|b| b.is_ascii_hexdigit()))?;
    Some(format!("#{}", short.chars().flat_map(|c| [c, c]).collect::<String>()))
}

// ---- Label Studio ---------------------------------------------------------------------

/// The `name` of the `Labels` control Spanmark writes.
pub const LS_FROM_NAME: &str = "label";
/// The `name` of the `Text` object Spanmark writes.
pub const LS_TO_NAME: &str = "text";

pub(crate) fn xml_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;").replace('\n', "&#10;").replace('\r', "&#13;").replace('\t', "&#9;")
}

/// The control name an attribute is written under: its id, unless that is a name the
/// config already uses.
pub(crate) fn ls_attribute_name(id: &str) -> String {
    if id == LS_FROM_NAME || id == LS_TO_NAME {
        format!("attribute_{id}")
    } else {
        id.to_owned()
    }
}

/// Writes a Label Studio labeling config for a schema: one `Labels` control with every
/// label (colour and hotkey), the relation types as `Relations`, and each attribute as a
/// per-region control (`Choices` for a flag or a choice, `TextArea` for free text),
/// over one `Text` object.
pub fn write_labelstudio_config(schema: &LabelSchema) -> String {
    labelstudio_config_with(schema, &[], &[])
}

/// [`write_labelstudio_config`] with the labels and relation types documents use that
/// the schema lacks.
pub(crate) fn labelstudio_config_with(schema: &LabelSchema, extra_labels: &[&str], extra_relation_types: &[&str]) -> String {
    let mut out = format!("<View>\n  <Labels name=\"{LS_FROM_NAME}\" toName=\"{LS_TO_NAME}\">\n");
    for l in schema.labels() {
        let hotkey = l.hotkey.as_deref().map_or_else(String::new, |h| format!(" hotkey=\"{}\"", xml_attr(h)));
        out.push_str(&format!("    <Label value=\"{}\" background=\"{}\"{hotkey}/>\n", xml_attr(&l.id), xml_attr(&l.color)));
    }
    for l in extra_labels.iter().filter(|l| schema.get(l).is_none()) {
        out.push_str(&format!("    <Label value=\"{}\"/>\n", xml_attr(l)));
    }
    out.push_str("  </Labels>\n");
    let extra: Vec<&&str> = extra_relation_types.iter().filter(|t| schema.relation_type(t).is_none()).collect();
    if !schema.relation_types().is_empty() || !extra.is_empty() {
        out.push_str("  <Relations>\n");
        for t in schema.relation_types() {
            out.push_str(&format!("    <Relation value=\"{}\" background=\"{}\"/>\n", xml_attr(&t.id), xml_attr(&t.color)));
        }
        for t in extra {
            out.push_str(&format!("    <Relation value=\"{}\"/>\n", xml_attr(t)));
        }
        out.push_str("  </Relations>\n");
    }
    for a in schema.attributes() {
        let name = xml_attr(&ls_attribute_name(&a.id));
        // Which labels it shows for: Label Studio narrows a per-region control by label only.
        let when = if !a.applies_to.is_empty() && a.applies_to.iter().all(|t| schema.get(t).is_some()) {
            format!(" whenLabelValue=\"{}\"", xml_attr(&a.applies_to.join(",")))
        } else {
            String::new()
        };
        match &a.kind {
            AttributeKind::Boolean => out.push_str(&format!("  <Choices name=\"{name}\" toName=\"{LS_TO_NAME}\" perRegion=\"true\" choice=\"single\"{when}>\n    <Choice value=\"true\"/>\n  </Choices>\n")),
            AttributeKind::OneOf { values } => {
                out.push_str(&format!("  <Choices name=\"{name}\" toName=\"{LS_TO_NAME}\" perRegion=\"true\" choice=\"single\"{when}>\n"));
                for v in values {
                    out.push_str(&format!("    <Choice value=\"{}\"/>\n", xml_attr(v)));
                }
                out.push_str("  </Choices>\n");
            }
            AttributeKind::Text => out.push_str(&format!("  <TextArea name=\"{name}\" toName=\"{LS_TO_NAME}\" perRegion=\"true\"{when}/>\n")),
        }
    }
    out.push_str(&format!("  <Text name=\"{LS_TO_NAME}\" value=\"$text\"/>\n</View>\n"));
    out
}

/// Reads a Label Studio labeling config: the `Label`s of its `Labels` controls (value,
/// `background`, `hotkey`), the `Relation`s of its `Relations` (as directed types: Label
/// Studio gives each relation its own direction), and its per-region `Choices` (a single
/// `true` choice is a flag) and `TextArea`s as attributes (`whenLabelValue` says which
/// labels they apply to). An error means the text is not XML, or not a labeling config.
pub fn parse_labelstudio_config(xml: &str) -> Result<SchemaDraft, ImportError> {
    let malformed = |message: String| ImportError::Malformed { format: "Label Studio labeling config", message };
    let doc = roxmltree::Document::parse(xml.trim_start_matches('\u{feff}')).map_err(|e| malformed(e.to_string()))?;
    let root = doc.root_element();
    if !root.tag_name().name().eq_ignore_ascii_case("View") {
        return Err(malformed(format!("its root element is <{}>, not <View>", short(root.tag_name().name(), 40))));
    }
    let mut schema = LabelSchema::empty();
    let mut diagnostics = Vec::new();
    let mut controls = 0;
    for labels in root.descendants().filter(|n| n.is_element() && matches!(n.tag_name().name(), "Labels" | "HyperTextLabels" | "ParagraphLabels")) {
        controls += 1;
        for l in labels.children().filter(|n| n.is_element() && n.tag_name().name() == "Label") {
            let Some(id) = l.attribute("value").map(str::to_owned) else {
                diagnostics.push(diag(Severity::Warning, "ls-config-label", "a <Label> without a value was left out".to_owned()));
                continue;
            };
            if schema.get(&id).is_some() {
                continue;
            }
            let mut label = schema.label_for_unknown_id(&id);
            label.description = String::new();
            if let Some(alias) = l.attribute("alias").filter(|a| !a.trim().is_empty()) {
                label.description = format!("Label Studio alias {alias}");
            }
            match l.attribute("background").map(hex_color) {
                Some(Some(c)) => label.color = c,
                Some(None) => diagnostics.push(diag(Severity::Info, "ls-config-color", format!("the colour of label {:?} is not #rrggbb, so a colour of Spanmark's is used", short(&id, 40)))),
                None => {}
            }
            if let Some(h) = l.attribute("hotkey") {
                match check_hotkey(h) {
                    Ok(()) if schema.by_hotkey(h).is_none() && schema.relation_type_by_hotkey(h).is_none() => label.hotkey = Some(h.to_owned()),
                    Ok(()) => diagnostics.push(diag(Severity::Info, "ls-config-hotkey", format!("hotkey {h:?} of label {:?} is taken, so it was left out", short(&id, 40)))),
                    Err(why) => diagnostics.push(diag(Severity::Info, "ls-config-hotkey", format!("hotkey {h:?} of label {:?} was left out: {why}", short(&id, 40)))),
                }
            }
            let (label, changes) = label.fitted();
            diagnostics.extend(changes.into_iter().map(|c| diag(Severity::Warning, "label-changed", c)));
            if let Err(why) = schema.add(label) {
                diagnostics.push(diag(Severity::Warning, "label-refused", format!("label {:?} cannot be added ({why}), so it was left out", short(&id, 40))));
            }
        }
    }
    if controls > 1 {
        diagnostics.push(diag(Severity::Info, "ls-config-controls", format!("the config has {controls} Labels controls; their labels were joined into one schema")));
    }
    for rels in root.descendants().filter(|n| n.is_element() && n.tag_name().name() == "Relations") {
        for r in rels.children().filter(|n| n.is_element() && n.tag_name().name() == "Relation") {
            let Some(id) = r.attribute("value").map(str::to_owned) else { continue };
            if schema.relation_type(&id).is_some() {
                continue;
            }
            let color = r.attribute("background").and_then(hex_color).unwrap_or_else(|| schema.label_for_unknown_id(&id).color);
            let rt = RelationType { id: id.clone(), name: id.clone(), color, hotkey: None, directed: true, from_labels: Vec::new(), to_labels: Vec::new(), description: String::new() };
            if let Err(why) = schema.add_relation_type(usize::MAX, rt) {
                diagnostics.push(diag(Severity::Warning, "relation-type-refused", format!("relation type {:?} cannot be added ({why}), so it was left out", short(&id, 40))));
            }
        }
    }
    for control in root.descendants().filter(|n| n.is_element() && matches!(n.tag_name().name(), "Choices" | "TextArea")) {
        let Some(name) = control.attribute("name") else { continue };
        if control.attribute("perRegion") != Some("true") {
            diagnostics.push(diag(Severity::Info, "ls-config-not-per-region", format!("<{} name={:?}> classifies the whole task, not a region: Spanmark holds no document labels, so it was left out", control.tag_name().name(), short(name, 40))));
            continue;
        }
        let kind = if control.tag_name().name() == "TextArea" {
            AttributeKind::Text
        } else {
            let values: Vec<String> = control.descendants().filter(|n| n.is_element() && n.tag_name().name() == "Choice").filter_map(|c| c.attribute("value").or_else(|| c.attribute("alias")).map(str::to_owned)).collect();
            if values == ["true"] {
                AttributeKind::Boolean
            } else {
                AttributeKind::OneOf { values }
            }
        };
        let mut applies_to: Vec<String> = control.attribute("whenLabelValue").map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()).unwrap_or_default();
        let unknown: Vec<String> = applies_to.iter().filter(|l| schema.get(l).is_none()).map(|l| short(l, 40)).collect();
        if !unknown.is_empty() {
            diagnostics.push(diag(Severity::Warning, "ls-config-attribute", format!("<{} name={:?}> shows for {}, which is no label of the config, so that was left out", control.tag_name().name(), short(name, 40), unknown.join(", "))));
            applies_to.retain(|l| schema.get(l).is_some());
        }
        let id = name.strip_prefix("attribute_").filter(|rest| *rest == LS_FROM_NAME || *rest == LS_TO_NAME).unwrap_or(name).to_owned();
        let def = AttributeDef { id: id.clone(), name: id.clone(), kind, applies_to };
        if let Err(why) = schema.add_attribute(usize::MAX, def) {
            diagnostics.push(diag(Severity::Warning, "attribute-refused", format!("attribute {:?} cannot be added ({why}), so it was left out", short(&id, 40))));
        }
    }
    if schema.labels().is_empty() && schema.relation_types().is_empty() {
        diagnostics.push(diag(Severity::Warning, "ls-config-empty", "the config has no Labels control with a Label, and no Relations: there is nothing to read".to_owned()));
    }
    Ok(SchemaDraft::from_schema(schema, diagnostics))
}

impl Workspace {
    /// Adds what a schema file defines and the schema lacks (labels, then relation types,
    /// then attributes; ids already there are kept as they are) as one undoable step.
    /// A hotkey another label or type has is dropped, and one that cannot be added at all
    /// is reported. Returns what was added and every diagnostic.
    pub fn merge_schema(&mut self, draft: SchemaDraft) -> Result<(usize, Vec<Diagnostic>), EditError> {
        let SchemaDraft { labels, relation_types, attributes, mut diagnostics } = draft;
        let mut trial = self.schema().clone();
        let mut ops = Vec::new();
        let note = |what: &str, id: &str, why: String| Diagnostic::new(Severity::Warning, "schema-part-refused", None, None, format!("{what} {:?} was not added: {why}", short(id, 40)));
        let taken_key = |s: &LabelSchema, key: &Option<String>| key.as_deref().is_some_and(|k| s.by_hotkey(k).is_some() || s.relation_type_by_hotkey(k).is_some());
        for mut label in labels {
            if trial.get(&label.id).is_some() {
                continue;
            }
            if taken_key(&trial, &label.hotkey) {
                label.hotkey = None;
            }
            match trial.add(label.clone()) {
                Ok(()) => ops.push(Op::InsertLabel { index: usize::MAX, label }),
                Err(e) => diagnostics.push(note("label", &label.id, e.to_string())),
            }
        }
        for mut rt in relation_types {
            if trial.relation_type(&rt.id).is_some() {
                continue;
            }
            if taken_key(&trial, &rt.hotkey) {
                rt.hotkey = None;
            }
            match trial.add_relation_type(usize::MAX, rt.clone()) {
                Ok(()) => ops.push(Op::InsertRelationType { index: usize::MAX, relation_type: rt }),
                Err(e) => diagnostics.push(note("relation type", &rt.id, e.to_string())),
            }
        }
        for def in attributes {
            if trial.attribute(&def.id).is_some() {
                continue;
            }
            match trial.add_attribute(usize::MAX, def.clone()) {
                Ok(()) => ops.push(Op::InsertAttribute { index: usize::MAX, attribute: def }),
                Err(e) => diagnostics.push(note("attribute", &def.id, e.to_string())),
            }
        }
        let added = ops.len();
        if added > 0 {
            self.commit(format!("Import schema ({added} entries)"), ops)?;
        }
        Ok((added, diagnostics))
    }
}

/// The schema in a tool's own form, as one file: `labelstudio` (the labeling config XML) or
/// `brat` (a zip of `annotation.conf` and `visual.conf`), with what it cannot carry.
pub fn schema_file(schema: &LabelSchema, kind: &str) -> Option<(super::ExportFile, Vec<Diagnostic>)> {
    match kind {
        "labelstudio" => Some((super::ExportFile { name: "labeling-config.xml".to_owned(), mime: "application/xml", bytes: write_labelstudio_config(schema).into_bytes() }, Vec::new())),
        "brat" => {
            let conf = write_brat_conf(schema);
            let bytes = super::zipfile::write(&[("annotation.conf".to_owned(), conf.annotation_conf.into_bytes()), ("visual.conf".to_owned(), conf.visual_conf.into_bytes())]);
            Some((super::ExportFile { name: "brat-schema.zip".to_owned(), mime: "application/zip", bytes }, conf.losses))
        }
        _ => None,
    }
}
