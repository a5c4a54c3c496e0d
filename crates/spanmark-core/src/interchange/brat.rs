//! brat standoff (docs/formats/brat.md): a `.txt` with the exact text and an `.ann`
//! beside it, offsets in code points. `T` lines hold spans (a span that crosses a
//! line break is written as fragments, as brat does), `R` lines relations, `#` lines
//! notes, `N` lines entity references and `A` lines attributes (of spans and of
//! relations). Export is a zip of the pairs plus an `annotation.conf` and a
//! `visual.conf`; import takes pairs, a zip of them (with its configuration, whose
//! relation types and attributes are read), or an `.ann` for a document that is
//! already open. `*` equivalence lines are read as relations of a symmetric type.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::schema_conf::{brat_conf_for, brat_name, parse_brat_conf};
use super::{zipfile, Codec, DocIn, Export, ExportFile, ExportOptions, Format, ImportOptions, InputFile, Interchange, LabelDef, RelationIn, SpanIn, Target};
use crate::annotation::{Annotation, AnnotationExtra, EntityRef};
use crate::report::{short, Diagnostic, ImportError, Severity};
use crate::document::Document;
use crate::offsets::Unit;
use crate::schema::LabelSchema;

/// The brat codec.
pub struct Brat;

/// The fragments of a span: its parts between line breaks, as brat writes them.
fn fragments(text: &str, a: &Annotation) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = a.start_byte;
    for (i, c) in text[a.range()].char_indices() {
        let at = a.start_byte + i;
        if c == '\n' || c == '\r' {
            if at > start {
                out.push((start, at));
            }
            start = at + c.len_utf8();
        }
    }
    if a.end_byte > start {
        out.push((start, a.end_byte));
    }
    out
}

fn one_line(s: &str) -> String {
    s.chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }).collect()
}

/// The `.ann` of one document, with its losses; also returns how many relations it holds.
pub(crate) fn ann_file(doc: &Document, losses: &mut Vec<Diagnostic>) -> (String, usize) {
    let text = doc.text();
    let index = doc.offsets();
    let mut out = String::new();
    let (mut t, mut n, mut note_no, mut attr_no) = (0, 0, 0, 0);
    let mut t_of: HashMap<&str, String> = HashMap::new();
    let lossy = |losses: &mut Vec<Diagnostic>, id: &str, message: String| {
        losses.push(Diagnostic::new(Severity::Warning, "brat-changed", Some(doc.id()), Some(id), message));
    };
    // Notes and attributes, on a span or a relation, by its brat id.
    let mut extras = |out: &mut String, losses: &mut Vec<Diagnostic>, item: &str, brat_id: &str, extra: &AnnotationExtra| {
        if let Some(note) = &extra.note {
            note_no += 1;
            let line = one_line(note);
            if &line != note {
                lossy(losses, item, "brat notes are one line, so the note's line breaks and tabs became spaces".to_owned());
            }
            out.push_str(&format!("#{note_no}\tAnnotatorNotes {brat_id}\t{line}\n"));
        }
        for (name, value) in &extra.attributes {
            attr_no += 1;
            let (bname, bvalue) = (brat_name(name), brat_name(value));
            if bname != *name || bvalue != *value {
                lossy(losses, item, format!("brat attribute names and values hold no spaces, colons, commas or bars, so {name}={value:?} is written as {bname}={bvalue:?}"));
            }
            if value == "true" {
                out.push_str(&format!("A{attr_no}\t{bname} {brat_id}\n"));
            } else {
                out.push_str(&format!("A{attr_no}\t{bname} {brat_id} {bvalue}\n"));
            }
        }
    };
    for a in doc.annotations().iter() {
        let frags = fragments(text, a);
        if frags.is_empty() {
            losses.push(Diagnostic::new(Severity::Error, "brat-line-breaks-only", Some(doc.id()), Some(&a.id), format!("{} covers only line breaks, which brat cannot hold, so it is not in the .ann", a.label)));
            continue;
        }
        t += 1;
        let label = brat_name(&a.label);
        if label != a.label {
            lossy(losses, &a.id, format!("brat types hold no spaces, colons, commas or bars, so label {:?} is written as {label:?}", a.label));
        }
        let cp = |b| index.try_byte_to_cp(b).expect("stored spans lie on boundaries");
        let offsets: Vec<String> = frags.iter().map(|&(s, e)| format!("{} {}", cp(s), cp(e))).collect();
        let quote: Vec<&str> = frags.iter().map(|&(s, e)| &text[s..e]).collect();
        if frags.len() > 1 {
            losses.push(Diagnostic::new(Severity::Info, "brat-fragments", Some(doc.id()), Some(&a.id), format!("the span crosses {} line break(s), so it is written as {} fragments (the line breaks are not part of it in brat)", frags.len() - 1, frags.len())));
        }
        let brat_id = format!("T{t}");
        out.push_str(&format!("{brat_id}\t{label} {}\t{}\n", offsets.join(";"), quote.join(" ")));
        let extra = a.extra();
        extras(&mut out, losses, &a.id, &brat_id, extra);
        for r in &extra.refs {
            n += 1;
            out.push_str(&format!("N{n}\tReference {brat_id} {}:{}\t{}\n", brat_name(&r.resource), brat_name(&r.id), one_line(&r.text)));
        }
        t_of.insert(&a.id, brat_id);
    }
    let carry = super::RelationCarry { relations: true, note: true, attributes: true };
    let written = super::relation_losses(Format::Brat, doc, carry, &|id| t_of.contains_key(id), losses);
    let mut r_no = 0;
    for r in doc.relations().iter() {
        let (Some(from), Some(to)) = (t_of.get(r.from.as_str()), t_of.get(r.to.as_str())) else { continue };
        r_no += 1;
        let kind = brat_name(&r.kind);
        if kind != r.kind {
            lossy(losses, &r.id, format!("brat types hold no spaces, colons, commas or bars, so relation type {:?} is written as {kind:?}", r.kind));
        }
        let brat_id = format!("R{r_no}");
        out.push_str(&format!("{brat_id}\t{kind} Arg1:{from} Arg2:{to}\n"));
        extras(&mut out, losses, &r.id, &brat_id, r.extra());
    }
    (out, written)
}

impl Codec for Brat {
    const FORMAT: Format = Format::Brat;

    fn export(schema: &LabelSchema, docs: &[&Document], _: &ExportOptions) -> Export {
        let mut losses: Vec<Diagnostic> = Vec::new();
        let mut used = HashSet::new();
        let mut files = Vec::new();
        let mut written = 0;
        let mut relations_written = 0;
        for doc in docs {
            let stem = super::file_stem(doc, &mut used);
            files.push((format!("{stem}.txt"), doc.text().as_bytes().to_vec()));
            let before = losses.iter().filter(|l| l.code == "brat-line-breaks-only").count();
            let (ann, relations) = ann_file(doc, &mut losses);
            files.push((format!("{stem}.ann"), ann.into_bytes()));
            relations_written += relations;
            written += doc.annotations().len() - (losses.iter().filter(|l| l.code == "brat-line-breaks-only").count() - before);
        }
        let conf = brat_conf_for(schema, docs);
        losses.extend(conf.losses);
        files.push(("annotation.conf".to_owned(), conf.annotation_conf.into_bytes()));
        files.push(("visual.conf".to_owned(), conf.visual_conf.into_bytes()));
        let name = super::export_name(docs, "brat.zip");
        Export { file: ExportFile { name, mime: "application/zip", bytes: zipfile::write(&files) }, losses, annotations_written: written, relations_written }
    }

    fn read(files: &[InputFile], _: &ImportOptions) -> Result<Interchange, ImportError> {
        let mut flat = Vec::new();
        for f in files {
            if zipfile::is_zip(&f.bytes) {
                flat.extend(zipfile::read(f)?);
            } else {
                flat.push(f.clone());
            }
        }
        let mut out = Interchange::new(Self::FORMAT);
        let mut texts: HashMap<String, &InputFile> = HashMap::new();
        let mut anns: Vec<&InputFile> = Vec::new();
        let mut confs: Vec<&InputFile> = Vec::new();
        for f in &flat {
            let base = f.base_name();
            if base.starts_with("._") || f.name.contains("__MACOSX") {
                continue;
            }
            match f.extension().as_str() {
                "txt" => {
                    texts.insert(path_stem(&f.name), f);
                }
                "ann" => anns.push(f),
                "conf" => confs.push(f),
                _ => out.diagnostics.push(Diagnostic::new(Severity::Info, "file-ignored", Some(&f.name), None, "not a .txt or .ann file, so it was ignored".to_owned())),
            }
        }
        if anns.is_empty() {
            return Err(ImportError::Malformed { format: "brat standoff", message: "there is no .ann file".to_owned() });
        }
        read_conf(&confs, &mut out);
        anns.sort_by(|a, b| a.name.cmp(&b.name));
        for ann in anns {
            let stem = path_stem(&ann.name);
            let (spans, relations, equivalences) = read_ann(ann.text()?, &ann.name, &mut out.diagnostics);
            for kind in equivalences {
                out.add_symmetric_type(&kind, "brat equivalence (* lines)");
            }
            let target = match texts.remove(&stem) {
                Some(txt) => {
                    let text = match std::str::from_utf8(&txt.bytes) {
                        Ok(t) => t.to_owned(),
                        Err(e) => {
                            out.diagnostics.push(Diagnostic::new(Severity::Error, "encoding", Some(&txt.name), None, format!("{} is not UTF-8 (invalid bytes at offset {}), so the document was left out", txt.name, e.valid_up_to())));
                            continue;
                        }
                    };
                    let base = txt.base_name().to_owned();
                    Target::New { id: None, name: base, text }
                }
                None => Target::Existing { source: format!("{}.txt", super::base_name(&stem)) },
            };
            out.documents.push(DocIn { file_ref: ann.name.clone(), target, unit: Unit::CodePoint, spans, relations });
        }
        for (_, txt) in texts {
            out.diagnostics.push(Diagnostic::new(Severity::Info, "no-ann", Some(&txt.name), None, "has no .ann beside it, so it was not imported; open it as a document if you want it".to_owned()));
        }
        Ok(out)
    }

    fn sniff(file: &InputFile) -> bool {
        if zipfile::is_zip(&file.bytes) {
            // The directory says what is inside: nothing is unpacked to sniff.
            return zipfile::names(file).is_ok_and(|names| names.iter().any(|n| n.to_ascii_lowercase().ends_with(".ann")));
        }
        if file.extension() == "ann" {
            return true;
        }
        let head = String::from_utf8_lossy(&file.bytes[..file.bytes.len().min(4096)]);
        let mut lines = head.lines().filter(|l| !l.trim().is_empty()).peekable();
        lines.peek().is_some() && lines.take(5).all(|l| {
            let mut parts = l.split('\t');
            let id = parts.next().unwrap_or("");
            let kind = id.chars().next().unwrap_or(' ');
            "TRENAM#*".contains(kind) && id[kind.len_utf8()..].chars().all(|c| c.is_ascii_digit()) && parts.next().is_some()
        })
    }
}

/// Adds what a `#` (note), `N` (reference, when `refs` are held) or `A`/`M` (attribute)
/// line says to the extra fields of its target; `false` when they cannot hold it.
fn add_extra(extra: &mut AnnotationExtra, line_id: &str, words: &[&str], rest: &str, refs: bool) -> bool {
    match line_id.chars().next() {
        Some('#') => {
            let note = extra.note.get_or_insert_with(String::new);
            if !note.is_empty() {
                note.push('\n');
            }
            note.push_str(rest);
        }
        Some('N') if !refs => return false,
        Some('N') => {
            let reference = words.get(2).copied().unwrap_or("");
            let (resource, rid) = reference.split_once(':').unwrap_or(("", reference));
            extra.refs.push(EntityRef { resource: resource.to_owned(), id: rid.to_owned(), text: rest.to_owned() });
        }
        _ => {
            let value = words.get(2).copied().unwrap_or("true");
            extra.attributes.insert(words.first().copied().unwrap_or("").to_owned(), value.to_owned());
        }
    }
    true
}

fn path_stem(name: &str) -> String {
    super::strip_extension(name).to_owned()
}

/// Reads the `annotation.conf` (with the `visual.conf` beside it) of the files: its
/// labels, relation types and attributes go into the schema the import stages.
fn read_conf(confs: &[&InputFile], out: &mut Interchange) {
    let named = |n: &str| confs.iter().find(|f| f.base_name() == n);
    let Some(annotation) = named("annotation.conf") else { return };
    let Ok(text) = annotation.text() else {
        out.diagnostics.push(Diagnostic::new(Severity::Warning, "brat-conf", Some(&annotation.name), None, "annotation.conf is not UTF-8, so it was not read".to_owned()));
        return;
    };
    let visual = named("visual.conf").and_then(|v| v.text().ok());
    match parse_brat_conf(text, visual) {
        Ok(draft) => {
            out.diagnostics.extend(draft.diagnostics.into_iter().map(|mut d| {
                d.document.get_or_insert_with(|| annotation.name.clone());
                d
            }));
            out.labels.extend(draft.labels.into_iter().map(|l| LabelDef { id: l.id, name: Some(l.name), color: Some(l.color), hotkey: None, description: None }));
            out.relation_types.extend(draft.relation_types);
            out.attributes.extend(draft.attributes);
        }
        Err(e) => out.diagnostics.push(Diagnostic::new(Severity::Warning, "brat-conf", Some(&annotation.name), None, format!("{e}, so it was not read"))),
    }
}

/// What an `.ann` holds: spans with their notes, references and attributes; relations
/// (from `R` and `*` lines) with theirs; and the types of the `*` lines.
type Ann = (Vec<SpanIn>, Vec<RelationIn>, Vec<String>);

/// Reads the lines of an `.ann`.
fn read_ann(ann: &str, file: &str, diagnostics: &mut Vec<Diagnostic>) -> Ann {
    let mut spans: Vec<SpanIn> = Vec::new();
    let mut relations: Vec<RelationIn> = Vec::new();
    let mut relation_by_id: HashMap<String, usize> = HashMap::new();
    let mut equivalences: Vec<String> = Vec::new();
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    let mut extras: Vec<(usize, String, String)> = Vec::new();
    let mut dropped: BTreeMap<char, usize> = BTreeMap::new();
    // The ids of events, which are not imported, and how many notes, attributes and
    // modifications on them went with them.
    let mut dropped_ids: HashMap<String, char> = HashMap::new();
    let mut dropped_extras: BTreeMap<char, usize> = BTreeMap::new();
    let bad = |diagnostics: &mut Vec<Diagnostic>, n: usize, why: String| {
        diagnostics.push(Diagnostic::new(Severity::Error, "bad-line", Some(file), Some(&format!("line {}", n + 1)), format!("{why}, so the line was left out")));
    };
    for (n, line) in ann.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        let id = fields.next().unwrap_or("");
        let Some(body) = fields.next() else {
            bad(diagnostics, n, format!("{:?} has no tab after its id", short(line, 40)));
            continue;
        };
        let rest = fields.next();
        match id.chars().next() {
            Some('T') => {
                let Some((label, offsets)) = body.split_once(' ') else {
                    bad(diagnostics, n, format!("{id} has no offsets"));
                    continue;
                };
                let mut frags = Vec::new();
                for part in offsets.split(';') {
                    let nums: Vec<&str> = part.split_whitespace().collect();
                    match nums.as_slice() {
                        [s, e] => match (s.parse::<i64>(), e.parse::<i64>()) {
                            (Ok(s), Ok(e)) => frags.push((s, e)),
                            _ => {
                                bad(diagnostics, n, format!("{id}'s offsets {part:?} are not whole numbers"));
                                frags.clear();
                                break;
                            }
                        },
                        _ => {
                            bad(diagnostics, n, format!("{id}'s offsets {part:?} are not a start and an end"));
                            frags.clear();
                            break;
                        }
                    }
                }
                if frags.is_empty() {
                    continue;
                }
                let k = frags.len();
                if k > 1 {
                    diagnostics.push(Diagnostic::new(Severity::Warning, "discontinuous", Some(file), Some(id), format!("{id} is discontinuous ({k} fragments); Spanmark holds contiguous spans, so it became {k} spans {id}, {id}.2 …, each with its notes, references and attributes; a relation that names {id} links the first fragment, {id}")));
                }
                for (i, (s, e)) in frags.into_iter().enumerate() {
                    let span_id = if i == 0 { id.to_owned() } else { format!("{id}.{}", i + 1) };
                    by_id.entry(id.to_owned()).or_default().push(spans.len());
                    spans.push(SpanIn {
                        id: Some(span_id),
                        start: s,
                        end: e,
                        quote: if k == 1 { rest.map(str::to_owned) } else { None },
                        label: label.to_owned(),
                        ..SpanIn::default()
                    });
                }
            }
            Some('#') | Some('N') | Some('A') | Some('M') => extras.push((n, id.to_owned(), format!("{body}\t{}", rest.unwrap_or("")))),
            Some('R') => {
                let mut words = body.split_whitespace();
                let kind = words.next().unwrap_or("");
                let args: Vec<(&str, &str)> = words.map(|w| w.split_once(':').unwrap_or(("", w))).collect();
                match args.as_slice() {
                    [a, b] if !kind.is_empty() && a.0 != b.0 => {
                        // brat's roles are named: Arg1 is the source, whatever the order.
                        let (from, to) = if b.0 == "Arg1" { (b.1, a.1) } else { (a.1, b.1) };
                        relation_by_id.insert(id.to_owned(), relations.len());
                        relations.push(RelationIn { id: Some(id.to_owned()), kind: kind.to_owned(), from: from.to_owned(), to: to.to_owned(), extra: AnnotationExtra::default() });
                    }
                    _ => bad(diagnostics, n, format!("{id} is not a relation `TYPE Arg1:Tn Arg2:Tm` (two arguments with different roles)")),
                }
            }
            Some('*') => {
                let mut words = body.split_whitespace();
                let kind = words.next().unwrap_or("");
                let members: Vec<&str> = words.collect();
                if kind.is_empty() || members.len() < 2 {
                    bad(diagnostics, n, "the equivalence does not name a type and at least two spans".to_owned());
                    continue;
                }
                if !equivalences.iter().any(|e| e == kind) {
                    equivalences.push(kind.to_owned());
                }
                // A chain links every member: T1–T2, T2–T3 …
                for pair in members.windows(2) {
                    relations.push(RelationIn { id: None, kind: kind.to_owned(), from: pair[0].to_owned(), to: pair[1].to_owned(), extra: AnnotationExtra::default() });
                }
            }
            Some(c @ 'E') => {
                *dropped.entry(c).or_default() += 1;
                dropped_ids.insert(id.to_owned(), c);
            }
            _ => bad(diagnostics, n, format!("{:?} is not a brat annotation line", short(line, 40))),
        }
    }
    for (n, id, line) in extras {
        let (body, rest) = line.split_once('\t').unwrap_or((&line, ""));
        let words: Vec<&str> = body.split_whitespace().collect();
        let target = words.get(1).copied().unwrap_or("");
        if let Some(&kind) = dropped_ids.get(target) {
            // A note or attribute on an event is lost with it: part of that warning,
            // not an error of its own.
            *dropped_extras.entry(kind).or_default() += 1;
            continue;
        }
        if let Some(&r) = relation_by_id.get(target) {
            if !add_extra(&mut relations[r].extra, &id, &words, rest, false) {
                diagnostics.push(Diagnostic::new(Severity::Warning, "not-imported", Some(file), Some(&id), format!("line {}: {id} refers relation {target} to an entity; Spanmark's relations hold no entity references, so it was left out", n + 1)));
            }
            continue;
        }
        let Some(indices) = by_id.get(target) else {
            diagnostics.push(Diagnostic::new(Severity::Error, "bad-line", Some(file), Some(&id), format!("line {}: {id} refers to {target:?}, which is not a span in this file, so it was left out", n + 1)));
            continue;
        };
        for &i in indices {
            add_extra(&mut spans[i].extra, &id, &words, rest, true);
        }
    }
    for (kind, count) in dropped {
        let what = match kind {
            'E' => "event(s) (E lines)",
            _ => "annotation(s) of an unknown kind",
        };
        let with = match dropped_extras.get(&kind) {
            Some(k) => format!(", with the {k} note(s), attribute(s) and modification(s) on them,"),
            None => String::new(),
        };
        diagnostics.push(Diagnostic::new(Severity::Warning, "not-imported", Some(file), None, format!("{count} {what}{with} were not imported: Spanmark does not hold them yet")));
    }
    (spans, relations, equivalences)
}
