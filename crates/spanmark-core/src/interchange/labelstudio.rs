//! Label Studio JSON (docs/formats/label-studio.md): a list of tasks with
//! `data.text` and `annotations[].result[]` regions of type `labels`
//! (`value.start`, `value.end`, `value.text`, `value.labels`, `from_name`,
//! `to_name`), offsets in code points, and results of type `relation` (`from_id`,
//! `to_id`, `direction`, `labels`) between them. Import also reads `predictions` as
//! suggestions: they become annotations with the attribute `origin=prediction`;
//! tasks with their fields at the top level (no `data` object); and Label Studio
//! 0.x `completions`, whose inclusive ends are detected by their quotes and made
//! exclusive with one info diagnostic per file.

use serde_json::{json, Value};

use super::schema_conf::{labelstudio_config_with, ls_attribute_name, LS_FROM_NAME, LS_TO_NAME};
use super::{Codec, DocIn, Export, ExportFile, ExportOptions, Format, ImportOptions, InputFile, Interchange, RelationCarry, RelationIn, SpanIn, Target};
use crate::annotation::AnnotationExtra;
use crate::report::{Diagnostic, ImportError, Severity};
use crate::document::Document;
use crate::offsets::Unit;
use crate::schema::{AttributeKind, LabelSchema};

/// The Label Studio codec.
pub struct LabelStudio;

/// The control and object names Spanmark's export uses.
pub const FROM_NAME: &str = LS_FROM_NAME;
/// The name of the `Text` object in the labelling config.
pub const TO_NAME: &str = LS_TO_NAME;

/// The Label Studio labelling config that matches an export: one `Labels` control
/// with every label, the relation types as `Relations`, and the attributes as
/// per-region controls, over one `Text` object.
pub fn labeling_config(schema: &LabelSchema, extra_labels: &[&str]) -> String {
    labelstudio_config_with(schema, extra_labels, &[])
}

impl Codec for LabelStudio {
    const FORMAT: Format = Format::LabelStudio;

    fn export(schema: &LabelSchema, docs: &[&Document], _: &ExportOptions) -> Export {
        let mut losses = Vec::new();
        let mut written = 0;
        let mut relations_written = 0;
        let tasks: Vec<Value> = docs
            .iter()
            .enumerate()
            .map(|(k, doc)| {
                let mut result: Vec<Value> = doc
                    .annotations()
                    .iter()
                    .flat_map(|a| {
                        // Attributes the schema defines have a per-region control in the config.
                        let defined = |name: &str| schema.attribute(name).is_some();
                        super::extra_losses_except(Format::LabelStudio, doc, a, false, false, &defined, &mut losses);
                        let (start, end) = super::cp_span(doc, a);
                        let quote = a.quote(doc.text());
                        let mut results = vec![json!({
                            "id": a.id,
                            "type": "labels",
                            "from_name": FROM_NAME,
                            "to_name": TO_NAME,
                            "origin": "manual",
                            "value": {"start": start, "end": end, "text": quote, "labels": [a.label]},
                        })];
                        for (name, value) in &a.extra().attributes {
                            let Some(def) = schema.attribute(name) else { continue };
                            let (kind, value) = match def.kind {
                                AttributeKind::Text => ("textarea", json!({"start": start, "end": end, "text": [value]})),
                                _ => ("choices", json!({"start": start, "end": end, "text": quote, "choices": [value]})),
                            };
                            results.push(json!({"id": a.id, "type": kind, "from_name": ls_attribute_name(name), "to_name": TO_NAME, "origin": "manual", "value": value}));
                        }
                        results
                    })
                    .collect();
                written += doc.annotations().len();
                let carry = RelationCarry { relations: true, note: false, attributes: false };
                relations_written += super::relation_losses(Format::LabelStudio, doc, carry, &|id| doc.annotations().get(id).is_some(), &mut losses);
                for r in doc.relations().iter() {
                    let directed = schema.relation_type(&r.kind).is_none_or(|t| t.directed);
                    result.push(json!({
                        "id": r.id,
                        "type": "relation",
                        "from_id": r.from,
                        "to_id": r.to,
                        "direction": if directed { "right" } else { "bi" },
                        "labels": [r.kind],
                    }));
                }
                json!({
                    "id": k + 1,
                    "data": {"text": doc.text(), "name": doc.name(), "spanmark_id": doc.id()},
                    "annotations": [{"id": k + 1, "result": result, "was_cancelled": false}],
                    "predictions": [],
                })
            })
            .collect();
        let name = super::export_name(docs, "label-studio.json");
        let bytes = serde_json::to_vec_pretty(&Value::Array(tasks)).expect("plain data always serialises");
        Export { file: ExportFile { name, mime: "application/json", bytes }, losses, annotations_written: written, relations_written }
    }

    fn read(files: &[InputFile], _: &ImportOptions) -> Result<Interchange, ImportError> {
        let mut out = Interchange::new(Self::FORMAT);
        for file in files.iter().filter(|f| f.extension() != "txt") {
            let malformed = |message: String| ImportError::Malformed { format: "Label Studio JSON", message: format!("{}: {message}", file.name) };
            let value: Value = serde_json::from_str(file.text()?).map_err(|e| malformed(e.to_string()))?;
            let tasks: Vec<&Value> = match &value {
                Value::Array(items) => items.iter().collect(),
                Value::Object(_) => vec![&value],
                _ => return Err(malformed("it is not a list of tasks".to_owned())),
            };
            let mut inclusive = (0usize, 0usize);
            let mut top_level = 0usize;
            for (k, task) in tasks.into_iter().enumerate() {
                let task_ref = task.get("id").map_or_else(|| format!("task {}", k + 1), |id| format!("task {}", id.as_str().map_or_else(|| id.to_string(), str::to_owned)));
                if task.get("data").is_none() && task.get(TO_NAME).is_some_and(Value::is_string) {
                    top_level += 1;
                }
                if let Some((doc, repaired, symmetric)) = read_task(task, &task_ref, &mut out) {
                    for kind in symmetric {
                        out.add_symmetric_type(&kind, "Added on import (Label Studio relations with direction \"bi\")");
                    }
                    if repaired > 0 {
                        inclusive = (inclusive.0 + 1, inclusive.1 + repaired);
                    }
                    out.documents.push(doc);
                }
            }
            if top_level > 0 {
                out.diagnostics.push(Diagnostic::new(Severity::Info, "label-studio-top-level", Some(&file.name), None, format!("{top_level} task(s) hold their fields at the top level, without a \"data\" object (a shape Label Studio imports): their \"text\" was read as the document")));
            }
            if inclusive.1 > 0 {
                out.diagnostics.push(Diagnostic::new(Severity::Info, "label-studio-inclusive-end", Some(&file.name), None, format!("the completions of {} task(s) count their end inclusively (Label Studio 0.x: the quote is text[start..end+1]), so 1 was added to the end of their {} span(s)", inclusive.0, inclusive.1)));
            }
        }
        Ok(out)
    }

    fn sniff(file: &InputFile) -> bool {
        let head = String::from_utf8_lossy(&file.bytes[..file.bytes.len().min(4096)]);
        let t = head.trim_start_matches('\u{feff}').trim_start();
        let holds_work = head.contains("\"annotations\"") || head.contains("\"completions\"") || head.contains("\"predictions\"");
        (t.starts_with('[') || t.starts_with('{'))
            && ((head.contains("\"data\"") && (holds_work || head.contains("\"text\""))) || (head.contains("\"text\"") && holds_work && head.contains("\"result\"")))
            && !head.contains("anno.jsonld")
    }
}

/// One task: its document, how many of its completions' spans had an inclusive end
/// (Label Studio 0.x) that was made exclusive, and the relation types it uses only
/// without a direction (`"bi"`).
fn read_task(task: &Value, task_ref: &str, out: &mut Interchange) -> Option<(DocIn, usize, Vec<String>)> {
    let error = |out: &mut Interchange, message: String| out.diagnostics.push(Diagnostic::new(Severity::Error, "bad-task", Some(task_ref), None, message));
    // The task's fields are in `data`, or at the top level beside its annotations.
    let data = match task.get("data") {
        Some(Value::Object(data)) => data,
        Some(_) => {
            error(out, "the task's \"data\" is not an object, so it was left out".to_owned());
            return None;
        }
        None => match task.as_object() {
            Some(fields) if fields.get(TO_NAME).is_some_and(Value::is_string) => fields,
            _ => {
                error(out, "the task has neither a \"data\" object nor a \"text\" string at its top level, so it was left out".to_owned());
                return None;
            }
        },
    };
    let text = match data.get(TO_NAME).and_then(Value::as_str) {
        Some(t) => t,
        None => {
            let strings: Vec<&str> = data.values().filter_map(Value::as_str).collect();
            match strings.as_slice() {
                [only] => *only,
                _ => {
                    error(out, "the task's data has no \"text\" field, so it was left out".to_owned());
                    return None;
                }
            }
        }
    };
    let name = data.get("name").and_then(Value::as_str).map_or_else(|| task_ref.to_owned(), str::to_owned);
    let mut spans = Vec::new();
    let mut relations: Vec<RelationIn> = Vec::new();
    // Per-region choices and text areas: the region's id, the control's name, its value.
    let mut pending: Vec<(String, String, Value)> = Vec::new();
    // Relation types by whether some relation of the type has a direction.
    let mut directions: Vec<(String, bool)> = Vec::new();
    // The spans read from `completions`, by index into `spans`.
    let mut completed: Vec<usize> = Vec::new();
    let mut predicted = 0;
    let mut skipped: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (key, is_prediction) in [("annotations", false), ("completions", false), ("predictions", true)] {
        for entry in task.get(key).and_then(Value::as_array).into_iter().flatten() {
            if entry.get("was_cancelled").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let model = entry.get("model_version").and_then(Value::as_str).unwrap_or("");
            for (r, region) in entry.get("result").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let region_ref = region.get("id").and_then(Value::as_str).map_or_else(|| format!("{key} result {}", r + 1), str::to_owned);
                if region.get("type").and_then(Value::as_str) == Some("relation") {
                    match read_relation(region) {
                        Ok(read) => {
                            for (relation, directed) in read {
                                match directions.iter_mut().find(|(k, _)| *k == relation.kind) {
                                    Some((_, d)) => *d |= directed,
                                    None => directions.push((relation.kind.clone(), directed)),
                                }
                                relations.push(relation);
                            }
                        }
                        Err(why) => out.diagnostics.push(Diagnostic::new(Severity::Error, "bad-relation", Some(task_ref), Some(&region_ref), format!("{why}, so it was left out"))),
                    }
                    continue;
                }
                let kind = region.get("type").and_then(Value::as_str).unwrap_or("");
                if matches!(kind, "choices" | "textarea") && region.get("id").is_some_and(Value::is_string) {
                    // A per-region control: an attribute of the span with the same id, if any.
                    if let Some(name) = region.get("from_name").and_then(Value::as_str) {
                        pending.push((region_ref.clone(), name.to_owned(), region.get("value").cloned().unwrap_or(Value::Null)));
                        continue;
                    }
                }
                match read_region(region) {
                    Ok(None) => *skipped.entry(kind.to_owned()).or_default() += 1,
                    Ok(Some((start, end, quote, labels))) => {
                        for label in labels {
                            let mut extra = AnnotationExtra::default();
                            if is_prediction {
                                predicted += 1;
                                let origin = if model.is_empty() { "prediction".to_owned() } else { format!("prediction:{model}") };
                                extra.attributes.insert("origin".to_owned(), origin);
                            }
                            if key == "completions" {
                                completed.push(spans.len());
                            }
                            spans.push(SpanIn { id: Some(region_ref.clone()), start, end, quote: quote.clone(), label, extra, ..SpanIn::default() });
                        }
                    }
                    Err(why) => out.diagnostics.push(Diagnostic::new(Severity::Error, "bad-region", Some(task_ref), Some(&region_ref), format!("{why}, so it was left out"))),
                }
            }
        }
    }
    for (region_id, name, value) in pending {
        let id = name.strip_prefix("attribute_").filter(|rest| *rest == FROM_NAME || *rest == TO_NAME).unwrap_or(&name).to_owned();
        let values: Vec<&str> = value.get("choices").or_else(|| value.get("text")).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let of_span: Vec<&mut SpanIn> = spans.iter_mut().filter(|s| s.id.as_deref() == Some(region_id.as_str())).collect();
        let kind = if value.get("choices").is_some() { "choices" } else { "textarea" };
        if of_span.is_empty() || values.is_empty() {
            *skipped.entry(kind.to_owned()).or_default() += 1;
            continue;
        }
        for span in of_span {
            span.extra.attributes.insert(id.clone(), values.join("\n"));
        }
    }
    if !skipped.is_empty() {
        let kinds: Vec<String> = skipped.iter().map(|(k, n)| format!("{n} of type {k:?}")).collect();
        out.diagnostics.push(Diagnostic::new(Severity::Warning, "not-imported", Some(task_ref), None, format!("results that are not text spans, relations or attributes of a span were not imported ({}): Spanmark holds labelled spans, relations and per-region choices and text areas, not ones about the whole task", kinds.join(", "))));
    }
    if predicted > 0 {
        out.diagnostics.push(Diagnostic::new(Severity::Info, "predictions", Some(task_ref), None, format!("{predicted} predicted span(s) were imported as suggestions, marked with the attribute origin=prediction")));
    }
    let repaired = if inclusive_ends(text, completed.iter().map(|&i| &spans[i])) {
        for &i in &completed {
            spans[i].end += 1;
        }
        completed.len()
    } else {
        0
    };
    let symmetric = directions.into_iter().filter(|(_, directed)| !directed).map(|(k, _)| k).collect();
    Some((DocIn { file_ref: task_ref.to_owned(), target: Target::New { id: None, name, text: text.to_owned() }, unit: Unit::CodePoint, spans, relations }, repaired, symmetric))
}

/// The type Spanmark gives a Label Studio relation without labels.
pub const UNLABELLED_RELATION: &str = "RELATED";

/// A `relation` result: one relation per label (or one of type [`UNLABELLED_RELATION`]),
/// each with whether it has a direction. `"left"` points from `to_id` to `from_id`.
fn read_relation(region: &Value) -> Result<Vec<(RelationIn, bool)>, String> {
    let id_of = |k: &str| match region.get(k) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(format!("it has no {k}")),
    };
    let (from, to) = (id_of("from_id")?, id_of("to_id")?);
    let (from, to, directed) = match region.get("direction").and_then(Value::as_str).unwrap_or("right") {
        "right" => (from, to, true),
        "left" => (to, from, true),
        "bi" => (from, to, false),
        other => return Err(format!("its direction {other:?} is not right, left or bi")),
    };
    let mut labels: Vec<String> = region.get("labels").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect();
    if labels.is_empty() {
        labels.push(UNLABELLED_RELATION.to_owned());
    }
    let id = region.get("id").and_then(Value::as_str).map(str::to_owned);
    Ok(labels
        .into_iter()
        .enumerate()
        .map(|(k, kind)| {
            let id = id.as_ref().map(|i| if k == 0 { i.clone() } else { format!("{i}.{}", k + 1) });
            (RelationIn { id, kind, from: from.clone(), to: to.clone(), extra: AnnotationExtra::default() }, directed)
        })
        .collect())
}

/// Whether these spans (a task's completions, in code points) count their end
/// inclusively, as Label Studio 0.x did: some quote is `text[start..end+1]` and none
/// is `text[start..end]`.
fn inclusive_ends<'a>(text: &str, spans: impl Iterator<Item = &'a SpanIn>) -> bool {
    let mut spans = spans.filter(|s| s.quote.is_some()).peekable();
    if spans.peek().is_none() {
        return false;
    }
    let chars: Vec<char> = text.chars().collect();
    let slice = |s: i64, e: i64| -> Option<String> {
        let (s, e) = (usize::try_from(s).ok()?, usize::try_from(e).ok()?);
        (s <= e && e <= chars.len()).then(|| chars[s..e].iter().collect())
    };
    let (mut exclusive, mut inclusive) = (0, 0);
    for span in spans {
        let quote = span.quote.as_deref();
        if slice(span.start, span.end).as_deref() == quote {
            exclusive += 1;
        } else if slice(span.start, span.end + 1).as_deref() == quote {
            inclusive += 1;
        }
    }
    inclusive > 0 && exclusive == 0
}

type Region = (i64, i64, Option<String>, Vec<String>);

fn read_region(region: &Value) -> Result<Option<Region>, String> {
    let kind = region.get("type").and_then(Value::as_str).unwrap_or("");
    if !matches!(kind, "labels" | "hypertextlabels") {
        return if kind.is_empty() { Err("it has no type".to_owned()) } else { Ok(None) };
    }
    let value = region.get("value").ok_or("it has no value")?;
    let int = |k: &str| match value.get(k) {
        Some(Value::Number(n)) => n.as_i64().ok_or(format!("its {k} {n} is not a whole number")),
        Some(other) => Err(format!("its {k} {other} is not a number")),
        None => Err(format!("it has no {k}")),
    };
    let labels: Vec<String> = value
        .get("labels")
        .or_else(|| value.get("hypertextlabels"))
        .and_then(Value::as_array)
        .ok_or("it has no labels list")?
        .iter()
        .map(|l| l.as_str().map(str::to_owned).ok_or(format!("its label {l} is not a string")))
        .collect::<Result<_, _>>()?;
    if labels.is_empty() {
        return Err("its labels list is empty".to_owned());
    }
    Ok(Some((int("start")?, int("end")?, value.get("text").and_then(Value::as_str).map(str::to_owned), labels)))
}
