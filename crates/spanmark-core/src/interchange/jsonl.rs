//! JSON Lines, doccano / spaCy style (docs/formats/jsonl.md): one document per line,
//! `{"id", "name", "text", "label": [[start, end, "LABEL"], ...]}` in code points; a
//! document with relations is written in doccano's relation shape instead, `entities`
//! (`{id, label, start_offset, end_offset}`) and `relations` (`{id, from_id, to_id,
//! type}`). Import reads both shapes, records in a JSON array or pretty-printed over
//! many lines, text and spans under other keys (doccano's `column_data`/`column_label`),
//! and spans counted in UTF-16 when asked to.

use serde::Serialize;
use serde_json::Value;

use std::collections::HashMap;

use super::{Codec, DocIn, Export, ExportFile, ExportOptions, Format, ImportOptions, InputFile, Interchange, RelationCarry, RelationIn, SpanIn, Target};
use crate::annotation::AnnotationExtra;
use crate::report::{short, Diagnostic, ImportError, Severity};
use crate::document::Document;
use crate::schema::LabelSchema;

/// The JSONL codec.
pub struct Jsonl;

#[derive(Serialize)]
struct LineOut<'a> {
    id: &'a str,
    name: &'a str,
    text: &'a str,
    label: Vec<(usize, usize, &'a str)>,
}

/// A document with relations, in doccano's relation-extraction shape.
#[derive(Serialize)]
struct RelationLineOut<'a> {
    id: &'a str,
    name: &'a str,
    text: &'a str,
    entities: Vec<EntityOut<'a>>,
    relations: Vec<RelationOut<'a>>,
}

#[derive(Serialize)]
struct EntityOut<'a> {
    id: usize,
    label: &'a str,
    start_offset: usize,
    end_offset: usize,
}

#[derive(Serialize)]
struct RelationOut<'a> {
    id: usize,
    from_id: usize,
    to_id: usize,
    #[serde(rename = "type")]
    kind: &'a str,
}

impl Codec for Jsonl {
    const FORMAT: Format = Format::Jsonl;

    fn export(_: &LabelSchema, docs: &[&Document], _: &ExportOptions) -> Export {
        let mut out = String::new();
        let mut losses = Vec::new();
        let mut written = 0;
        let mut relations_written = 0;
        for doc in docs {
            let mut kb_ids: Vec<(usize, usize, String)> = Vec::new();
            let label = doc
                .annotations()
                .iter()
                .map(|a| {
                    // The first reference travels as the span's kb_id (spaCy's Span.kb_id_).
                    super::extra_losses(Format::Jsonl, doc, a, false, a.extra().refs.len() <= 1, false, &mut losses);
                    let (s, e) = super::cp_span(doc, a);
                    if let Some(r) = a.extra().refs.first() {
                        kb_ids.push((s, e, format!("{}:{}", r.resource, r.id)));
                    }
                    (s, e, a.label.as_str())
                })
                .collect::<Vec<_>>();
            written += label.len();
            let json = if doc.relations().is_empty() {
                serde_json::to_string(&LineOut { id: doc.id(), name: doc.name(), text: doc.text(), label })
            } else {
                // doccano numbers entities and relations within the record.
                let number: HashMap<&str, usize> = doc.annotations().iter().enumerate().map(|(k, a)| (a.id.as_str(), k + 1)).collect();
                let entities = doc.annotations().iter().zip(&label).map(|(a, &(s, e, l))| EntityOut { id: number[a.id.as_str()], label: l, start_offset: s, end_offset: e }).collect();
                let carry = RelationCarry { relations: true, note: false, attributes: false };
                relations_written += super::relation_losses(Format::Jsonl, doc, carry, &|id| number.contains_key(id), &mut losses);
                let relations = doc
                    .relations()
                    .iter()
                    .enumerate()
                    .map(|(k, r)| RelationOut { id: k + 1, from_id: number[r.from.as_str()], to_id: number[r.to.as_str()], kind: &r.kind })
                    .collect();
                serde_json::to_string(&RelationLineOut { id: doc.id(), name: doc.name(), text: doc.text(), entities, relations })
            };
            let mut json = json.expect("plain data always serialises");
            if !kb_ids.is_empty() {
                // `kb_ids`: [[start, end, "Resource:id"]], beside doccano's own keys.
                json.pop();
                json.push_str(",\"kb_ids\":");
                json.push_str(&serde_json::to_string(&kb_ids).expect("plain data always serialises"));
                json.push('}');
            }
            out.push_str(&json);
            out.push('\n');
        }
        let name = super::export_name(docs, "jsonl");
        Export { file: ExportFile { name, mime: "application/jsonl", bytes: out.into_bytes() }, losses, annotations_written: written, relations_written }
    }

    fn read(files: &[InputFile], options: &ImportOptions) -> Result<Interchange, ImportError> {
        let mut out = Interchange::new(Self::FORMAT);
        for file in files.iter().filter(|f| f.extension() != "txt") {
            let text = file.text()?;
            let mut keys_read: Vec<(String, String)> = Vec::new();
            // One record a line; or, when the first line is not a record, one JSON value
            // or several over many lines (a pretty-printed object, or an array of records,
            // as doccano's relation export and its import examples are written).
            let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            let whole: Option<Vec<Value>> = if serde_json::from_str::<Value>(first_line).is_ok() {
                None
            } else {
                serde_json::Deserializer::from_str(text).into_iter::<Value>().collect::<Result<Vec<_>, _>>().ok()
            };
            if let Some(values) = whole {
                let records: Vec<&Value> = values.iter().flat_map(|v| match v {
                    Value::Array(items) => items.iter().collect::<Vec<_>>(),
                    other => vec![other],
                }).collect();
                if records.is_empty() {
                    return Err(ImportError::Malformed { format: "JSONL", message: format!("{} holds no record", file.name) });
                }
                out.diagnostics.push(Diagnostic::new(Severity::Info, "jsonl-json", Some(&file.name), None, format!("{} holds JSON over several lines, not one record a line: its {} record(s) were read as JSONL records", file.name, records.len())));
                for (k, value) in records.into_iter().enumerate() {
                    let record_ref = format!("{} record {}", file.name, k + 1);
                    if let Some(doc) = read_line(value, &record_ref, options, &mut keys_read, &mut out) {
                        out.documents.push(doc);
                    }
                }
            } else {
                let mut parsed_any = false;
                let mut first_error: Option<String> = None;
                for (n, line) in text.split('\n').enumerate() {
                    let line = line.strip_suffix('\r').unwrap_or(line);
                    if line.trim().is_empty() {
                        continue;
                    }
                    let line_ref = format!("{} line {}", file.name, n + 1);
                    let value: Value = match serde_json::from_str(line) {
                        Ok(v) => v,
                        Err(e) => {
                            let why = json_error(&e);
                            first_error.get_or_insert_with(|| format!("line {}: {why}", n + 1));
                            out.diagnostics.push(Diagnostic::new(Severity::Error, "bad-line", Some(&line_ref), None, format!("the line is not JSON ({why}), so it was left out")));
                            continue;
                        }
                    };
                    parsed_any = true;
                    // A line may hold an array of records (a JSON array on one line).
                    let records: Vec<(String, &Value)> = match &value {
                        Value::Array(items) => items.iter().enumerate().map(|(k, v)| (format!("{line_ref} record {}", k + 1), v)).collect(),
                        other => vec![(line_ref.clone(), other)],
                    };
                    for (record_ref, record) in records {
                        if let Some(doc) = read_line(record, &record_ref, options, &mut keys_read, &mut out) {
                            out.documents.push(doc);
                        }
                    }
                }
                if !parsed_any {
                    let why = first_error.map_or_else(String::new, |e| format!(" ({e})"));
                    return Err(ImportError::Malformed { format: "JSONL", message: format!("{} has no line that is a JSON object{why}", file.name) });
                }
            }
            // doccano's own shapes (`label`, or `entities` in its relation export) go without saying.
            let asked = options.text_key.is_some() || options.label_key.is_some();
            let unusual: Vec<String> = keys_read.iter().filter(|(t, l)| asked || t != "text" || !matches!(l.as_str(), "label" | "entities")).map(|(t, l)| format!("text from {t:?} and spans from {l:?}")).collect();
            if !unusual.is_empty() {
                out.diagnostics.push(Diagnostic::new(Severity::Info, "jsonl-keys", Some(&file.name), None, format!("read {} (the options text_key and label_key name other keys)", unusual.join("; "))));
            }
        }
        Ok(out)
    }

    fn sniff(file: &InputFile) -> bool {
        let Ok(text) = std::str::from_utf8(&file.bytes[..file.bytes.len().min(1 << 20)]).or_else(|e| std::str::from_utf8(&file.bytes[..e.valid_up_to()])) else {
            return false;
        };
        let text = text.trim_start_matches('\u{feff}');
        let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else { return false };
        let is_record = |v: &Value| TEXT_KEYS.iter().any(|k| v.get(*k).is_some_and(Value::is_string));
        match serde_json::from_str::<Value>(first) {
            Ok(Value::Object(o)) => TEXT_KEYS.iter().any(|k| o.get(*k).is_some_and(Value::is_string)),
            // A record pretty-printed over several lines (or an array of them): judge by
            // the first whole value.
            Err(_) if matches!(first.trim(), "{" | "[") => match serde_json::Deserializer::from_str(text).into_iter::<Value>().next() {
                Some(Ok(Value::Array(items))) => items.first().is_some_and(is_record),
                Some(Ok(v)) => is_record(&v),
                _ => file.extension() == "jsonl",
            },
            // A first line longer than the sniffed prefix: judge by its start.
            _ => (first.trim_start().starts_with('{') && first.contains("\"text\"")) || file.extension() == "jsonl",
        }
    }
}

/// The keys a record's text is read from when no key is given, in order (doccano's
/// `column_data` is `text` by default; its examples also use `data` and `content`).
pub(crate) const TEXT_KEYS: [&str; 3] = ["text", "data", "content"];

/// The keys a record's spans are read from when no key is given (doccano's
/// `column_label` is `label`; its relation export writes `entities`).
const LABEL_KEYS: [&str; 4] = ["label", "labels", "entities", "spans"];

fn read_line(value: &Value, line_ref: &str, options: &ImportOptions, keys_read: &mut Vec<(String, String)>, out: &mut Interchange) -> Option<DocIn> {
    let error = |out: &mut Interchange, message: String| {
        out.diagnostics.push(Diagnostic::new(Severity::Error, "bad-line", Some(line_ref), None, message));
    };
    let Value::Object(obj) = value else {
        error(out, "the record is JSON but not an object, so it was left out".to_owned());
        return None;
    };
    let text_keys: Vec<&str> = match &options.text_key {
        Some(k) => vec![k.as_str()],
        None => TEXT_KEYS.to_vec(),
    };
    let Some((text_key, text)) = text_keys.iter().find_map(|k| obj.get(*k).and_then(Value::as_str).map(|t| (*k, t))) else {
        let keys: Vec<String> = text_keys.iter().map(|k| format!("{k:?}")).collect();
        error(out, format!("the record has no text string under {}, so it was left out", keys.join(" or ")));
        return None;
    };
    let id = obj.get("id").and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let name = obj
        .get("name")
        .or_else(|| obj.get("meta").and_then(|m| m.get("name")))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| id.clone())
        .unwrap_or_else(|| line_ref.to_owned());
    let file_ref = id.clone().map_or_else(|| line_ref.to_owned(), |i| format!("{line_ref} (id {i})"));
    let label_keys: Vec<&str> = match &options.label_key {
        Some(k) => vec![k.as_str()],
        None => LABEL_KEYS.to_vec(),
    };
    let mut spans = Vec::new();
    let mut label_key_read = None;
    for key in label_keys {
        let Some(list) = obj.get(key) else { continue };
        label_key_read.get_or_insert(key);
        let Value::Array(items) = list else {
            error(out, format!("\"{key}\" is not a list, so the record's spans were left out"));
            continue;
        };
        for (k, item) in items.iter().enumerate() {
            match read_span(item) {
                Ok(span) => spans.push(span),
                Err(why) => out.diagnostics.push(Diagnostic::new(Severity::Error, "bad-span", Some(&file_ref), Some(&format!("{key}[{k}]")), format!("{why}, so it was left out"))),
            }
        }
    }
    let pair = (text_key.to_owned(), label_key_read.unwrap_or("label").to_owned());
    if !keys_read.contains(&pair) {
        keys_read.push(pair);
    }
    let mut relations = Vec::new();
    match obj.get("relations") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (k, item) in items.iter().enumerate() {
                match read_relation(item) {
                    Ok(r) => relations.push(r),
                    Err(why) => out.diagnostics.push(Diagnostic::new(Severity::Error, "bad-relation", Some(&file_ref), Some(&format!("relations[{k}]")), format!("{why}, so it was left out"))),
                }
            }
        }
        Some(_) => error(out, "\"relations\" is not a list, so the record's relations were left out".to_owned()),
    }
    Some(DocIn { file_ref, target: Target::New { id: None, name, text: text.to_owned() }, unit: options.unit, spans, relations })
}

/// One of doccano's relations: `{id, from_id, to_id, type}`, its ends the ids of the
/// record's entities.
fn read_relation(item: &Value) -> Result<RelationIn, String> {
    let Value::Object(o) = item else { return Err(format!("{} is not a relation object", short(&item.to_string(), 40))) };
    let id_of = |k: &str| match o.get(k) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(other) => Err(format!("its {k} {} is not an id", short(&other.to_string(), 40))),
        None => Err(format!("it has no {k}")),
    };
    let kind = match o.get("type").or_else(|| o.get("label")) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("it has no type".to_owned()),
    };
    Ok(RelationIn { id: id_of("id").ok(), kind, from: id_of("from_id")?, to: id_of("to_id")?, extra: AnnotationExtra::default() })
}

fn read_span(item: &Value) -> Result<SpanIn, String> {
    let int = |v: Option<&Value>, what: &str| -> Result<i64, String> {
        match v {
            Some(Value::Number(n)) => n.as_i64().ok_or_else(|| format!("its {what} {n} is not a whole number")),
            Some(other) => Err(format!("its {what} {other} is not a number")),
            None => Err(format!("it has no {what}")),
        }
    };
    let label_of = |v: Option<&Value>| -> Result<String, String> {
        match v {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            Some(other) => Err(format!("its label {other} is not a string")),
            None => Err("it has no label".to_owned()),
        }
    };
    match item {
        Value::Array(parts) if parts.len() >= 3 => Ok(SpanIn {
            start: int(parts.first(), "start")?,
            end: int(parts.get(1), "end")?,
            label: label_of(parts.get(2))?,
            ..SpanIn::default()
        }),
        Value::Array(_) => Err("it is not a [start, end, label] triple".to_owned()),
        Value::Object(o) => Ok(SpanIn {
            id: o.get("id").map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
            start: int(o.get("start_offset").or_else(|| o.get("start")), "start")?,
            end: int(o.get("end_offset").or_else(|| o.get("end")), "end")?,
            label: label_of(o.get("label"))?,
            quote: o.get("text").and_then(Value::as_str).map(str::to_owned),
            ..SpanIn::default()
        }),
        Value::String(s) => Err(format!("{s:?} is a document-level label, not a span")),
        other => Err(format!("{other} is not a span")),
    }
}

/// What is wrong with a line that is not JSON, in the analyst's words where serde's
/// are obscure: nesting deeper than the parser follows, a number out of range.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("recursion limit exceeded") {
        format!("it nests arrays or objects more than 128 deep, which Spanmark does not follow (column {})", e.column())
    } else if text.starts_with("number out of range") {
        format!("it holds a number too large for a 64-bit float, such as 1e309 (column {})", e.column())
    } else {
        text
    }
}

/// The keys of the first record of the first JSONL (or JSON array) file among `files`
/// whose values are text or lists: what the analyst can choose the text and the spans from.
pub fn record_keys(files: &[InputFile]) -> Vec<String> {
    for file in files.iter().filter(|f| f.extension() != "txt") {
        let Ok(text) = file.text() else { continue };
        let first: Option<Value> = match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => items.into_iter().next(),
            Ok(v @ Value::Object(_)) => Some(v),
            _ => text.lines().find(|l| !l.trim().is_empty()).and_then(|l| serde_json::from_str(l).ok()),
        };
        if let Some(Value::Object(o)) = first {
            return o.iter().filter(|(_, v)| v.is_string() || v.is_array()).map(|(k, _)| k.clone()).collect();
        }
    }
    Vec::new()
}
