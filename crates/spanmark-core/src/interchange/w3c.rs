//! W3C Web Annotation, JSON-LD (docs/formats/w3c.md): an `AnnotationCollection`
//! whose one page holds one `Annotation` per span. The label is a `TextualBody` with purpose `tagging`; the
//! target names the document and carries a `TextQuoteSelector` (exact, prefix,
//! suffix) and a `TextPositionSelector` in code points.
//!
//! Import reads an array, one annotation, an `AnnotationPage` or an
//! `AnnotationCollection`, attaches spans to the open document the target names
//! (or to a `.txt` given with the file), and accepts positions counted in UTF-16
//! (as Recogito writes them) when the quotes say so. Selectors are found wherever
//! the model allows them (a target as an IRI, an object or a list; a selector as an
//! object or a list; `refinedBy` to any depth). An annotation without a tagging
//! body (a plain highlight, a comment) is imported with the label `UNLABELLED`, its
//! commenting bodies as the span's note, and exported again without a tagging body.
//!
//! A relation is an annotation with motivation `linking` whose two targets are the
//! IRIs of the span annotations it links, source first, with its type as a tagging
//! body and its note as a commenting body.

/// Where a Wikidata item's IRI starts.
const WIKIDATA_IRI: &str = "http://www.wikidata.org/entity/";

use serde_json::{json, Value};

use super::{Codec, DocIn, Export, ExportFile, ExportOptions, Format, ImportOptions, InputFile, Interchange, RelationCarry, RelationIn, SpanIn, Target};
use crate::annotation::{AnnotationExtra, EntityRef};
use crate::report::{Diagnostic, ImportError, Severity};
use crate::document::Document;
use crate::schema::LabelSchema;

/// The W3C Web Annotation codec.
pub struct W3c;

/// How many code points of context the quote selector carries on each side.
const CONTEXT_CHARS: usize = 32;
const SPANMARK_DOCUMENT: &str = "urn:x-spanmark:document:";
const SPANMARK_ANNOTATION: &str = "urn:x-spanmark:annotation:";
const SPANMARK_RELATION: &str = "urn:x-spanmark:relation:";

/// The IRI of an annotation in Spanmark's export.
fn annotation_iri(doc: &Document, id: &str) -> String {
    format!("{SPANMARK_ANNOTATION}{}:{}", pct(doc.id()), pct(id))
}

fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn unpct(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The IRI Spanmark writes for a document: its name, percent-encoded.
pub fn document_iri(doc: &Document) -> String {
    format!("{SPANMARK_DOCUMENT}{}", pct(doc.name()))
}

/// The document name (or id) an IRI or name in a file refers to.
pub(crate) fn source_key(source: &str) -> String {
    if let Some(rest) = source.strip_prefix(SPANMARK_DOCUMENT) {
        return unpct(rest);
    }
    if source.contains("://") {
        let path = source.split(['?', '#']).next().unwrap_or(source);
        return unpct(path.trim_end_matches('/').rsplit('/').next().unwrap_or(path));
    }
    source.to_owned()
}

impl Codec for W3c {
    const FORMAT: Format = Format::W3c;

    fn export(_: &LabelSchema, docs: &[&Document], _: &ExportOptions) -> Export {
        let mut items = Vec::new();
        let mut relations = Vec::new();
        let mut relations_written = 0;
        let mut losses = Vec::new();
        for doc in docs {
            let text = doc.text();
            let source = document_iri(doc);
            for a in doc.annotations().iter() {
                super::extra_losses(Format::W3c, doc, a, true, true, false, &mut losses);
                let (start, end) = super::cp_span(doc, a);
                let before = &text[..a.start_byte];
                let prefix: String = {
                    let mut chars: Vec<char> = before.chars().rev().take(CONTEXT_CHARS).collect();
                    chars.reverse();
                    chars.into_iter().collect()
                };
                let suffix: String = text[a.end_byte..].chars().take(CONTEXT_CHARS).collect();
                let extra = a.extra();
                // An unlabelled span (a plain highlight or a comment) has no tagging body.
                let unlabelled = a.label == UNLABELLED;
                let mut body = if unlabelled { Vec::new() } else { vec![json!({"type": "TextualBody", "purpose": "tagging", "value": a.label})] };
                let motivation = match (unlabelled, &extra.note) {
                    (false, _) => "tagging",
                    (true, Some(_)) => "commenting",
                    (true, None) => "highlighting",
                };
                if let Some(note) = &extra.note {
                    body.push(json!({"type": "TextualBody", "purpose": "commenting", "value": note}));
                }
                for r in &extra.refs {
                    if !r.text.is_empty() {
                        losses.push(Diagnostic::new(Severity::Warning, "not-carried", Some(doc.id()), Some(&a.id), format!("the name {:?} of reference {}:{} is not carried (W3C identifying bodies hold only the reference)", r.text, r.resource, r.id)));
                    }
                    // A Wikidata item has an IRI: the body is that resource; others keep "Resource:id".
                    if r.resource.eq_ignore_ascii_case("wikidata") && r.id.starts_with('Q') && r.id[1..].bytes().all(|b| b.is_ascii_digit()) && r.id.len() > 1 {
                        body.push(json!({"type": "SpecificResource", "purpose": "identifying", "source": format!("{WIKIDATA_IRI}{}", r.id)}));
                    } else {
                        body.push(json!({"type": "TextualBody", "purpose": "identifying", "value": format!("{}:{}", r.resource, r.id)}));
                    }
                }
                let mut item = json!({
                    "@context": "http://www.w3.org/ns/anno.jsonld",
                    "id": annotation_iri(doc, &a.id),
                    "type": "Annotation",
                    "motivation": motivation,
                    "body": body,
                    "target": {
                        "source": source,
                        "selector": [
                            {"type": "TextQuoteSelector", "exact": a.quote(text), "prefix": prefix, "suffix": suffix},
                            {"type": "TextPositionSelector", "start": start, "end": end},
                        ],
                    },
                });
                if item["body"].as_array().is_some_and(Vec::is_empty) {
                    // An annotation may have no body; an empty list says nothing.
                    item.as_object_mut().expect("an object").remove("body");
                }
                items.push(item);
            }
            let carry = RelationCarry { relations: true, note: true, attributes: false };
            relations_written += super::relation_losses(Format::W3c, doc, carry, &|id| doc.annotations().get(id).is_some(), &mut losses);
            for r in doc.relations().iter() {
                let mut body = vec![json!({"type": "TextualBody", "purpose": "tagging", "value": r.kind})];
                if let Some(note) = &r.extra().note {
                    body.push(json!({"type": "TextualBody", "purpose": "commenting", "value": note}));
                }
                relations.push(json!({
                    "@context": "http://www.w3.org/ns/anno.jsonld",
                    "id": format!("{SPANMARK_RELATION}{}:{}", pct(doc.id()), pct(&r.id)),
                    "type": "Annotation",
                    "motivation": "linking",
                    "body": body,
                    "target": [annotation_iri(doc, &r.from), annotation_iri(doc, &r.to)],
                }));
            }
        }
        let written = items.len();
        items.extend(relations);
        let name = super::export_name(docs, "w3c.jsonld");
        let names: Vec<String> = docs.iter().map(|d| pct(d.name())).collect();
        let collection = format!("urn:x-spanmark:collection:{}", names.join(","));
        let file = json!({
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": collection,
            "type": "AnnotationCollection",
            "label": "Spanmark export",
            "total": items.len(),
            "first": {"id": format!("{collection}:page1"), "type": "AnnotationPage", "startIndex": 0, "items": items},
        });
        let bytes = serde_json::to_vec_pretty(&file).expect("plain data always serialises");
        Export { file: ExportFile { name, mime: "application/ld+json", bytes }, losses, annotations_written: written, relations_written }
    }

    fn read(files: &[InputFile], options: &ImportOptions) -> Result<Interchange, ImportError> {
        let mut out = Interchange::new(Self::FORMAT);
        let texts: Vec<&InputFile> = files.iter().filter(|f| f.extension() == "txt").collect();
        for file in files.iter().filter(|f| f.extension() != "txt") {
            let value: Value = serde_json::from_str(file.text()?).map_err(|e| ImportError::Malformed { format: "W3C Web Annotation JSON", message: format!("{}: {e}", file.name) })?;
            let annotations = annotation_list(&value).ok_or_else(|| ImportError::Malformed {
                format: "W3C Web Annotation JSON",
                message: format!("{} holds no Annotation, AnnotationPage or AnnotationCollection", file.name),
            })?;
            let mut unlabelled = 0usize;
            let mut links: Vec<(String, RelationIn)> = Vec::new();
            for (k, anno) in annotations.iter().enumerate() {
                let anno_ref = anno.get("id").and_then(Value::as_str).map_or_else(|| format!("item {}", k + 1), str::to_owned);
                if anno.get("motivation").and_then(Value::as_str) == Some("linking") {
                    match read_link(anno, &anno_ref) {
                        Ok(r) => links.push((anno_ref, r)),
                        Err(why) => out.diagnostics.push(Diagnostic::new(Severity::Error, "bad-annotation", Some(&file.name), Some(&anno_ref), format!("{why}, so it was left out"))),
                    }
                    continue;
                }
                match read_annotation(anno) {
                    Ok((source, spans)) => {
                        unlabelled += spans.iter().filter(|s| s.label == UNLABELLED).count();
                        let doc = match out.documents.iter_mut().find(|d| matches!(&d.target, Target::Existing { source: s } if *s == source) || d.file_ref == source) {
                            Some(doc) => doc,
                            None => {
                                let key = source_key(&source);
                                let txt = texts.iter().find(|t| {
                                    let base = t.base_name();
                                    base == key || t.stem() == key || t.stem() == super::strip_extension(&key)
                                });
                                let target = match txt.map(|t| t.exact_text().map(|text| (t, text))) {
                                    Some(Ok((t, text))) => Target::New { id: None, name: t.base_name().to_owned(), text: text.to_owned() },
                                    Some(Err(e)) => return Err(e),
                                    None => Target::Existing { source: source.clone() },
                                };
                                out.documents.push(DocIn { file_ref: source.clone(), target, unit: options.unit, spans: Vec::new(), relations: Vec::new() });
                                out.documents.last_mut().expect("just pushed")
                            }
                        };
                        doc.spans.extend(spans.into_iter().map(|mut s| {
                            s.id = Some(s.id.take().unwrap_or_else(|| anno_ref.clone()));
                            s
                        }));
                    }
                    Err(why) => out.diagnostics.push(Diagnostic::new(Severity::Error, "bad-annotation", Some(&file.name), Some(&anno_ref), format!("{why}, so it was left out"))),
                }
            }
            // A relation goes to the document that holds the span it starts from.
            for (anno_ref, relation) in links {
                let holder = out.documents.iter_mut().find(|d| d.spans.iter().any(|s| s.id.as_deref() == Some(relation.from.as_str())));
                match holder {
                    Some(doc) => doc.relations.push(relation),
                    None => out.diagnostics.push(Diagnostic::new(
                        Severity::Error,
                        "relation-end-missing",
                        Some(&file.name),
                        Some(&anno_ref),
                        format!("the linking annotation's source {:?} is no span annotation of the file, so the relation was left out", relation.from),
                    )),
                }
            }
            if unlabelled > 0 {
                out.diagnostics.push(Diagnostic::new(Severity::Info, "w3c-unlabelled", Some(&file.name), None, format!("{unlabelled} annotation(s) have no tagging body (a TextualBody with purpose \"tagging\"): plain highlights or comments, imported with the label {UNLABELLED} (a commenting body is the span's note)")));
            }
        }
        Ok(out)
    }

    fn sniff(file: &InputFile) -> bool {
        let head = String::from_utf8_lossy(&file.bytes[..file.bytes.len().min(4096)]);
        let t = head.trim_start_matches('\u{feff}').trim_start();
        (t.starts_with('{') || t.starts_with('['))
            && (head.contains("anno.jsonld") || head.contains("\"Annotation\"") || head.contains("\"AnnotationCollection\"") || head.contains("\"AnnotationPage\""))
    }
}

/// A linking annotation: a relation from its first target to its second, of the type its
/// tagging body names, with its commenting bodies as the note.
fn read_link(anno: &Value, anno_ref: &str) -> Result<RelationIn, String> {
    let targets: Vec<String> = as_list(anno.get("target"))
        .into_iter()
        .filter_map(|t| t.as_str().or_else(|| t.get("id").and_then(Value::as_str)).or_else(|| t.get("source").and_then(Value::as_str)))
        .map(str::to_owned)
        .collect();
    let [from, to] = targets.as_slice() else {
        return Err(format!("it links {} target(s); a relation links two annotations, given by their IRIs", targets.len()));
    };
    let mut kinds = Vec::new();
    let mut note: Option<String> = None;
    for body in as_list(anno.get("body")) {
        let value = body.as_str().or_else(|| body.get("value").and_then(Value::as_str));
        match (body.get("purpose").and_then(Value::as_str).unwrap_or("tagging"), value) {
            ("tagging" | "classifying", Some(v)) => kinds.push(v.to_owned()),
            ("commenting" | "describing", Some(v)) => {
                let n = note.get_or_insert_with(String::new);
                if !n.is_empty() {
                    n.push('\n');
                }
                n.push_str(v);
            }
            _ => {}
        }
    }
    let kind = match kinds.as_slice() {
        [one] => one.clone(),
        [] => return Err("it has no tagging body naming the relation's type".to_owned()),
        _ => return Err(format!("it has {} tagging bodies; a relation has one type", kinds.len())),
    };
    let id = anno_ref.strip_prefix(SPANMARK_RELATION).map_or_else(|| anno_ref.to_owned(), |rest| unpct(rest.rsplit(':').next().unwrap_or(rest)));
    Ok(RelationIn { id: Some(id), kind, from: from.clone(), to: to.clone(), extra: AnnotationExtra { note, ..AnnotationExtra::default() } })
}

fn is_type(v: &Value, name: &str) -> bool {
    match v.get("type").or_else(|| v.get("@type")) {
        Some(Value::String(s)) => s == name,
        Some(Value::Array(a)) => a.iter().any(|t| t.as_str() == Some(name)),
        _ => false,
    }
}

fn annotation_list(value: &Value) -> Option<Vec<&Value>> {
    match value {
        Value::Array(items) => Some(items.iter().collect()),
        v if is_type(v, "Annotation") => Some(vec![v]),
        v if is_type(v, "AnnotationPage") => v.get("items").and_then(Value::as_array).map(|a| a.iter().collect()),
        v if is_type(v, "AnnotationCollection") => v.get("first").and_then(annotation_list),
        _ => None,
    }
}

fn as_list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(other) => vec![other],
        None => Vec::new(),
    }
}

/// The label an annotation without a tagging body is imported with (a plain
/// highlight, or a comment), and that Spanmark's export writes as no tagging body.
pub const UNLABELLED: &str = "UNLABELLED";

/// What the selectors of a target say: the quote with its context, and the position
/// in the document (or `None` when no TextPositionSelector holds one that is counted
/// from the document's start).
#[derive(Default)]
struct Selected {
    quote: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
    position: Option<(i64, i64)>,
    /// A TextPositionSelector that refines another kind of selector: its offsets count
    /// from the start of what that selector chose, not of the document.
    relative_position: bool,
    /// The selector types that were seen, for the message when none is usable.
    seen: Vec<String>,
}

/// Reads a selector and the selectors that refine it (`refinedBy`, followed to any
/// depth). `base` is where the selection it refines starts, in the document's
/// unit, when that is known (0 for a selector on the whole document).
fn walk_selector(sel: &Value, base: Option<i64>, depth: usize, out: &mut Selected) -> Result<(), String> {
    if depth > 32 {
        return Err("its selectors refine each other more than 32 deep".to_owned());
    }
    let kind = sel.get("type").or_else(|| sel.get("@type")).and_then(Value::as_str).unwrap_or("(no type)");
    out.seen.push(kind.to_owned());
    let mut inner_base = None;
    if is_type(sel, "TextQuoteSelector") {
        // A quote refined by a position: the position counts within the quote,
        // which is found in the text, so its start is not known here.
        if out.quote.is_none() || depth > 0 {
            out.quote = sel.get("exact").and_then(Value::as_str).map(str::to_owned);
            out.prefix = sel.get("prefix").and_then(Value::as_str).map(str::to_owned);
            out.suffix = sel.get("suffix").and_then(Value::as_str).map(str::to_owned);
        }
    } else if is_type(sel, "TextPositionSelector") {
        let int = |k| sel.get(k).and_then(Value::as_i64);
        let start = int("start").ok_or("its TextPositionSelector has no whole-number start")?;
        let end = int("end").ok_or("its TextPositionSelector has no whole-number end")?;
        match base {
            Some(b) => {
                out.position = Some((b + start, b + end));
                inner_base = Some(b + start);
            }
            None => out.relative_position = true,
        }
    }
    for inner in as_list(sel.get("refinedBy")) {
        walk_selector(inner, inner_base, depth + 1, out)?;
    }
    Ok(())
}

/// One annotation: the source it targets and one span per tag (one span labelled
/// [`UNLABELLED`] when it has no tagging body).
fn read_annotation(anno: &Value) -> Result<(String, Vec<SpanIn>), String> {
    if !is_type(anno, "Annotation") {
        return Err("it is not of type Annotation".to_owned());
    }
    let targets = as_list(anno.get("target"));
    if targets.is_empty() {
        return Err("it has no target".to_owned());
    }
    // The target may be an IRI alone (no span), an object, or a list of either.
    let Some(target) = targets.iter().copied().find(|t| t.get("selector").is_some()) else {
        return Err(if targets.iter().all(|t| t.is_string()) {
            "its target is only an IRI, with no selector, so there is no span to read".to_owned()
        } else {
            "its target has no selector, so there is no span to read".to_owned()
        });
    };
    let source = target.get("source").and_then(Value::as_str).ok_or("its target has no source")?.to_owned();
    let mut selected = Selected::default();
    for sel in as_list(target.get("selector")) {
        // A selector of another kind (a FragmentSelector, an XPath or CSS selector, a
        // RangeSelector) chooses part of the document, so a position that refines it
        // does not count from the document's start.
        let base = (is_type(sel, "TextPositionSelector") || is_type(sel, "TextQuoteSelector")).then_some(0);
        walk_selector(sel, base, 0, &mut selected)?;
    }
    let Selected { quote, prefix, suffix, position, relative_position, seen } = selected;
    if quote.is_none() && position.is_none() {
        let seen = if seen.is_empty() { "no selector".to_owned() } else { format!("selector(s) of type {}", seen.join(", ")) };
        let why = if relative_position {
            "its only TextPositionSelector refines a selector of another kind, so it does not count from the document's start, and it has no TextQuoteSelector".to_owned()
        } else {
            format!("its target has {seen} (refinedBy included), and none is a TextQuoteSelector or a TextPositionSelector")
        };
        return Err(why);
    }
    let mut labels = Vec::new();
    let mut extra = AnnotationExtra::default();
    // A body without a purpose serves the annotation's motivation when that is a
    // comment or a description, and tags otherwise.
    let default_purpose = anno.get("motivation").and_then(Value::as_str).filter(|m| matches!(*m, "commenting" | "describing")).unwrap_or("tagging");
    for body in as_list(anno.get("body")) {
        let value = body.get("value").and_then(Value::as_str);
        let purpose = body.get("purpose").and_then(Value::as_str).unwrap_or(default_purpose);
        match (purpose, value) {
            ("tagging" | "classifying", Some(v)) => labels.push(v.to_owned()),
            ("commenting" | "describing", Some(v)) => {
                // Several comments (a thread of replies) make one note, a line each.
                let note = extra.note.get_or_insert_with(String::new);
                if !note.is_empty() {
                    note.push('\n');
                }
                note.push_str(v);
            }
            ("identifying", None) => {
                let source = body.get("source").and_then(Value::as_str).or_else(|| body.get("id").and_then(Value::as_str));
                if let Some(q) = source.and_then(|s| s.strip_prefix(WIKIDATA_IRI).or_else(|| s.strip_prefix("https://www.wikidata.org/entity/"))) {
                    extra.refs.push(EntityRef { resource: "Wikidata".to_owned(), id: q.to_owned(), text: String::new() });
                } else if let Some(s) = source {
                    extra.refs.push(EntityRef { resource: "IRI".to_owned(), id: s.to_owned(), text: String::new() });
                }
            }
            ("identifying", Some(v)) => {
                let (resource, id) = v.split_once(':').unwrap_or(("", v));
                extra.refs.push(EntityRef { resource: resource.to_owned(), id: id.to_owned(), text: String::new() });
            }
            _ => {}
        }
    }
    if labels.is_empty() {
        // A plain highlight or a comment (as Recogito writes them): kept, unlabelled.
        labels.push(UNLABELLED.to_owned());
    }
    let (start, end) = position.unwrap_or((-1, -1));
    let spans = labels
        .into_iter()
        .map(|label| SpanIn {
            id: None,
            start,
            end,
            quote: quote.clone(),
            prefix: prefix.clone(),
            suffix: suffix.clone(),
            label,
            extra: extra.clone(),
        })
        .collect();
    Ok((source, spans))
}
