//! Reading stored records back: [`restore`] judges every record on its own, reports and
//! keeps what it cannot use, migrates older layouts, and says what must be written again.

use super::*;
use std::cmp::Reverse;
use std::collections::HashSet;

use smol_str::SmolStr;

use crate::annotation::AnnotationSet;

/// Rebuilds a workspace from stored records.
///
/// Damaged records are reported and skipped, never fatal, and never deleted: the
/// workspace holds everything that could be read. Only records from a newer
/// Spanmark, or a layout-1 record that cannot be read, refuse the whole restore.
///
/// Every record is judged on its own: a key of an unknown shape or a value of the wrong
/// type is reported and left as it is, and everything else is restored.
pub fn restore<V: Into<StoredValue>>(records: impl IntoIterator<Item = (String, V)>) -> Result<Restored, RestoreError> {
    let mut diagnostics = Vec::new();
    let mut meta: Option<Meta> = None;
    let mut legacy: Option<String> = None;
    let mut docs: BTreeMap<String, DocRecord> = BTreeMap::new();
    // Each with where it was read: a page, or (layouts 2 and 3) a record of its own.
    let mut anns: BTreeMap<String, Vec<(Annotation, Source)>> = BTreeMap::new();
    let mut rels: BTreeMap<String, Vec<(Relation, Source)>> = BTreeMap::new();
    let mut damaged: BTreeMap<Key, String> = BTreeMap::new();
    let mut entities: BTreeMap<String, Entity> = BTreeMap::new();
    let mut rejected: BTreeMap<String, BTreeSet<(usize, usize, String)>> = BTreeMap::new();
    let mut gazetteer: Option<String> = None;
    let mut layers: BTreeMap<String, BTreeMap<String, Vec<Annotation>>> = BTreeMap::new();
    let mut analyst = crate::workspace::DEFAULT_ANALYST.to_owned();
    let mut steps: BTreeMap<(Stack, usize), String> = BTreeMap::new();
    let mut ui_state: Option<String> = None;
    // The highest numbered document and annotation ids any key holds.
    let mut seen_ids = (0u64, 0u64);

    for (key, value) in records {
        let unreadable = |what: &str, e: &dyn std::fmt::Display| {
            Diagnostic::new(Severity::Error, "record-unreadable", None, None, format!("the saved {what} record {key} could not be read ({e}) and was left as it is"))
        };
        let decoded = Key::decode(&key);
        // Every numbered id a key holds counts, readable or not: a fresh id must never
        // overwrite a kept record.
        match &decoded {
            Some(Key::Doc(d)) => seen_ids.0 = seen_ids.0.max(id_number(d, 'd')),
            Some(Key::Ann(d, a)) => seen_ids = (seen_ids.0.max(id_number(d, 'd')), seen_ids.1.max(id_number(a, 'a'))),
            Some(Key::Rel(d, r)) => seen_ids = (seen_ids.0.max(id_number(d, 'd')), seen_ids.1.max(id_number(r, 'r'))),
            Some(Key::Page(_, d, _)) => seen_ids.0 = seen_ids.0.max(id_number(d, 'd')),
            Some(Key::Ent(e)) => seen_ids.1 = seen_ids.1.max(id_number(e, 'e')),
            _ => {}
        }
        // Team sync's record is the binding's to read (binary): nothing here to judge.
        if decoded == Some(Key::Replica) {
            continue;
        }
        let value = match value.into() {
            StoredValue::Text(text) => text,
            other => {
                let (what, json) = match other {
                    StoredValue::Foreign { what, json } => (what, Some(json)),
                    StoredValue::Other(what) => (what, None),
                    StoredValue::Text(_) => unreachable!("matched above"),
                };
                let kind = if decoded.is_some() { "record-unreadable" } else { "record-unknown" };
                diagnostics.push(Diagnostic::new(Severity::Error, kind, None, None, format!("the saved record {key} holds {what} where Spanmark keeps text, so it could not be read; it was left as it is")));
                if let Some(page @ Key::Page(..)) = decoded {
                    seen_ids.1 = seen_ids.1.max(json.as_deref().map_or(0, ids_in));
                    damaged.insert(page, json.unwrap_or_else(|| format!("({what}, which could not be copied)")));
                }
                continue;
            }
        };
        match decoded {
            Some(Key::Meta) => match serde_json::from_str::<Value>(&value) {
                Ok(v) => {
                    let layout = v.get("layout").and_then(Value::as_u64).unwrap_or(0);
                    if layout > LAYOUT_VERSION {
                        return Err(RestoreError::NewerLayout(layout));
                    }
                    match serde_json::from_value::<Meta>(v) {
                        Ok(m) => meta = Some(m),
                        Err(e) => diagnostics.push(unreadable("settings", &e)),
                    }
                }
                Err(e) => diagnostics.push(unreadable("settings", &e)),
            },
            Some(Key::Legacy) => legacy = Some(value),
            Some(Key::Doc(id)) => match serde_json::from_str::<DocRecord>(&value) {
                Ok(d) if d.id == id => {
                    docs.insert(id, d);
                }
                Ok(_) => diagnostics.push(unreadable("document", &"its id does not match its key")),
                Err(e) => diagnostics.push(unreadable("document", &e)),
            },
            Some(Key::Page(PageKind::Annotations, ref doc, page)) => match serde_json::from_str::<Vec<Annotation>>(&value) {
                Ok(list) => {
                    for a in list {
                        seen_ids.1 = seen_ids.1.max(id_number(&a.id, 'a'));
                        anns.entry(doc.clone()).or_default().push((a, Source::Page(page)));
                    }
                }
                Err(e) => {
                    diagnostics.push(unreadable("annotation page", &e));
                    // The ids it held still count: a fresh one must never repeat them.
                    seen_ids.1 = seen_ids.1.max(ids_in(&value));
                    damaged.insert(Key::Page(PageKind::Annotations, doc.clone(), page), value);
                }
            },
            Some(Key::Page(PageKind::Relations, ref doc, page)) => match serde_json::from_str::<Vec<Relation>>(&value) {
                Ok(list) => {
                    for r in list {
                        seen_ids.1 = seen_ids.1.max(id_number(&r.id, 'r'));
                        rels.entry(doc.clone()).or_default().push((r, Source::Page(page)));
                    }
                }
                Err(e) => {
                    diagnostics.push(unreadable("relation page", &e));
                    // The ids it held still count: a fresh one must never repeat them.
                    seen_ids.1 = seen_ids.1.max(ids_in(&value));
                    damaged.insert(Key::Page(PageKind::Relations, doc.clone(), page), value);
                }
            },
            Some(Key::Damaged(original)) => diagnostics.push(Diagnostic::new(Severity::Warning, "record-damaged", None, None, format!("the saved record {key} keeps what the damaged record {original} held before it was written again; it was left as it is"))),
            Some(Key::Ann(doc, id)) => match serde_json::from_str::<Annotation>(&value) {
                Ok(a) if a.id == id => anns.entry(doc).or_default().push((a, Source::Own)),
                Ok(_) => diagnostics.push(unreadable("annotation", &"its id does not match its key")),
                Err(e) => diagnostics.push(unreadable("annotation", &e)),
            },
            Some(Key::Rej(doc)) => match serde_json::from_str::<BTreeSet<(usize, usize, String)>>(&value) {
                Ok(set) => {
                    rejected.insert(doc, set);
                }
                Err(e) => diagnostics.push(unreadable("rejected suggestions", &e)),
            },
            Some(Key::Layer(doc, annotator)) => match serde_json::from_str::<Vec<Annotation>>(&value) {
                Ok(list) => {
                    layers.entry(doc).or_default().insert(annotator, list);
                }
                Err(e) => diagnostics.push(unreadable("layer", &e)),
            },
            Some(Key::Gazetteer) => match serde_json::from_str::<String>(&value) {
                Ok(text) => gazetteer = Some(text),
                Err(e) => diagnostics.push(unreadable("gazetteer", &e)),
            },
            Some(Key::Ent(id)) => match serde_json::from_str::<Entity>(&value) {
                Ok(e) if e.id == id => {
                    entities.insert(id, e);
                }
                Ok(_) => diagnostics.push(unreadable("entity", &"its id does not match its key")),
                Err(e) => diagnostics.push(unreadable("entity", &e)),
            },
            Some(Key::Rel(doc, id)) => match serde_json::from_str::<Relation>(&value) {
                Ok(r) if r.id == id => rels.entry(doc).or_default().push((r, Source::Own)),
                Ok(_) => diagnostics.push(unreadable("relation", &"its id does not match its key")),
                Err(e) => diagnostics.push(unreadable("relation", &e)),
            },
            Some(Key::Step(kind, n)) => {
                steps.insert((kind, n), value);
            }
            Some(Key::Ui) => ui_state = Some(value),
            Some(Key::Replica) => {}
            None => diagnostics.push(Diagnostic::new(Severity::Warning, "record-unknown", None, None, format!("the saved record {key} is not one this Spanmark knows; it was left as it is"))),
        }
    }

    if meta.is_none() {
        if let Some(json) = legacy {
            return migrate_layout_1(&json, diagnostics);
        }
        if docs.is_empty() && anns.is_empty() && rels.is_empty() && entities.is_empty() && steps.is_empty() {
            return Ok(Restored { workspace: None, store: Store { keys: BTreeSet::new(), ui_state, ..Store::default() }, diagnostics });
        }
        diagnostics.push(Diagnostic::new(Severity::Warning, "meta-missing", None, None, "the saved settings record is missing: the default labels are used"));
    }

    let mut schema = LabelSchema::empty();
    let (mut next_document, mut next_annotation) = (1, 1);
    let meta_layout = meta.as_ref().map_or(0, |m| m.layout);
    let order = match meta {
        Some(m) => {
            for label in m.labels {
                let id = label.id.clone();
                let (label, changes) = label.fitted();
                for change in changes {
                    diagnostics.push(Diagnostic::new(Severity::Warning, "label-changed", None, None, format!("saved {change}")));
                }
                if let Err(e) = schema.add(label) {
                    diagnostics.push(Diagnostic::new(Severity::Warning, "label-unreadable", None, None, format!("saved label {id:?}: {e}")));
                }
            }
            let relation_types = match m.relation_types {
                Some(types) => types,
                // Layout 2 had no relations: it gains the default types whose labels it has.
                None => LabelSchema::default_news().relation_types().to_vec(),
            };
            for rt in relation_types {
                let id = rt.id.clone();
                if let Err(e) = schema.add_relation_type(usize::MAX, rt) {
                    diagnostics.push(Diagnostic::new(Severity::Warning, "relation-type-unreadable", None, None, format!("saved relation type {id:?}: {e}")));
                }
            }
            let attributes = if m.layout < 3 { LabelSchema::default_news().attributes().to_vec() } else { m.attributes };
            for def in attributes {
                let id = def.id.clone();
                if let Err(e) = schema.add_attribute(usize::MAX, def) {
                    diagnostics.push(Diagnostic::new(Severity::Warning, "attribute-unreadable", None, None, format!("saved attribute {id:?}: {e}")));
                }
            }
            (next_document, next_annotation) = (m.next_document, m.next_annotation);
            analyst = m.analyst.filter(|a| !a.trim().is_empty()).unwrap_or(analyst);
            m.documents
        }
        None => {
            schema = LabelSchema::default_news();
            docs.keys().cloned().collect()
        }
    };
    // Fresh ids must never reuse one that a record holds, readable or not: the
    // counters go past every numbered id in any key, whatever the settings said.
    next_document = next_document.max(seen_ids.0 + 1);
    next_annotation = next_annotation.max(seen_ids.1 + 1);
    let listed: BTreeSet<&String> = order.iter().collect();
    let unlisted: Vec<String> = docs.keys().filter(|id| !listed.contains(id)).cloned().collect();
    let mut documents = Vec::with_capacity(docs.len());
    // Records to write again (migrated or misplaced), and what each page held that does
    // not fit (kept under "damaged" if that page is written again).
    let mut rewrite: BTreeSet<Key> = BTreeSet::new();
    let mut refused: BTreeMap<Key, Vec<Value>> = BTreeMap::new();
    for id in order.iter().chain(unlisted.iter()) {
        let Some(record) = docs.remove(id) else {
            diagnostics.push(Diagnostic::new(Severity::Error, "document-missing", Some(id), None, format!("the saved text of document {id:?} is missing")));
            continue;
        };
        let mut doc = match Document::new(record.id, record.name, record.text) {
            Ok(mut d) => {
                d.set_title_override(record.title);
                d
            }
            Err(e) => {
                diagnostics.push(Diagnostic::new(Severity::Error, "document-unreadable", Some(id), None, format!("document {id:?}: {e}")));
                continue;
            }
        };
        // Each annotation is checked on its own, then those that fit are ordered and the
        // set built at once; of two with the same span and label, the first read is kept.
        let mut ids: HashSet<SmolStr> = HashSet::new();
        let mut fit: Vec<(Annotation, Source)> = Vec::new();
        for (a, source) in anns.remove(id).unwrap_or_default() {
            let mut bad = None;
            if schema.get(&a.label).is_none() {
                let label = schema.label_for_unknown_id(&a.label);
                match schema.add(label) {
                    Ok(()) => diagnostics.push(Diagnostic::new(Severity::Warning, "label-added", Some(id), None, format!("label {:?} was missing from the saved labels and was added with a spare colour and no hotkey: set them again if it had others", a.label))),
                    Err(why) => bad = Some(format!("its label cannot be added: {why}")),
                }
            }
            let offsets = doc.offsets();
            // A byte offset is checked on the text itself; the index says what is wrong.
            let boundary = |b: usize| if doc.text().is_char_boundary(b) { None } else { offsets.check_boundary(b, Unit::Byte).err().map(|e| e.to_string()) };
            let bad = bad
                .or_else(|| boundary(a.start_byte))
                .or_else(|| boundary(a.end_byte))
                .or_else(|| (a.start_byte >= a.end_byte).then(|| "the span is empty".to_owned()))
                .or_else(|| (!ids.insert(SmolStr::new(&a.id))).then(|| "its id is stored twice".to_owned()));
            match bad {
                Some(why) => unfit(&mut diagnostics, &mut rewrite, &mut refused, id, a, source, &why),
                None => fit.push((a, source)),
            }
        }
        fit.sort_by(|(a, _), (b, _)| (a.start_byte, Reverse(a.end_byte), &a.label).cmp(&(b.start_byte, Reverse(b.end_byte), &b.label)));
        let mut kept: Vec<Annotation> = Vec::with_capacity(fit.len());
        for (a, source) in fit {
            if let Some(other) = kept.last().filter(|k| k.same_span_and_label(&a)) {
                let why = format!("it repeats annotation {:?} (same span and label)", other.id);
                unfit(&mut diagnostics, &mut rewrite, &mut refused, id, a, source, &why);
                continue;
            }
            settle(&mut rewrite, &mut refused, PageKind::Annotations, id, &a.id, source, None);
            kept.push(a);
        }
        doc.annotations = AnnotationSet::from_ordered(kept);
        doc.rejected = rejected.remove(id).unwrap_or_default();
        for (annotator, list) in layers.remove(id).unwrap_or_default() {
            let mut set = crate::annotation::AnnotationSet::new();
            let mut bad = 0;
            for a in list {
                let fits = doc.offsets().check_boundary(a.start_byte, Unit::Byte).is_ok() && doc.offsets().check_boundary(a.end_byte, Unit::Byte).is_ok() && a.start_byte < a.end_byte && !set.contains_id(&a.id);
                if fits {
                    set.insert(a);
                } else {
                    bad += 1;
                }
            }
            if bad > 0 {
                diagnostics.push(Diagnostic::new(Severity::Error, "layer-unreadable", Some(id), None, format!("{bad} saved annotation(s) of {annotator}'s layer do not fit the text and were left out")));
            }
            doc.layers.insert(annotator, set);
        }
        for (r, source) in rels.remove(id).unwrap_or_default() {
            let bad = if doc.relations.contains_id(&r.id) { Some("its id is stored twice".to_owned()) } else { Workspace::check_relation_with(&schema, &doc, &r).err().map(|e| e.to_string()) };
            match bad {
                Some(why) => {
                    diagnostics.push(Diagnostic::new(Severity::Error, "relation-unreadable", Some(id), Some(&r.id), format!("saved relation {:?} does not fit its document ({why}) and was left as it is", r.id)));
                    settle(&mut rewrite, &mut refused, PageKind::Relations, id, &r.id, source, Some(serde_json::to_value(&r).expect("plain data always serialises")));
                }
                None => {
                    settle(&mut rewrite, &mut refused, PageKind::Relations, id, &r.id, source, None);
                    doc.relations.insert(r);
                }
            }
        }
        documents.push(doc);
    }
    for (doc, list) in anns {
        diagnostics.push(Diagnostic::new(Severity::Error, "orphan-annotations", Some(&doc), None, format!("{} saved annotation(s) belong to document {doc:?}, whose text is missing", list.len())));
    }
    for (doc, list) in rels {
        diagnostics.push(Diagnostic::new(Severity::Error, "orphan-relations", Some(&doc), None, format!("{} saved relation(s) belong to document {doc:?}, whose text is missing", list.len())));
    }

    // History: each stack must be a contiguous run 0..n of readable steps. After a
    // damaged step only the newer steps are reachable, so the older ones are dropped.
    for (key, items) in refused {
        damaged.entry(key).or_insert_with(|| Value::Array(items).to_string());
    }
    if !rewrite.is_empty() && meta_layout < LAYOUT_VERSION {
        rewrite.insert(Key::Meta);
    }
    let mut store = Store { keys: rewrite, ui_state, damaged, preserved: BTreeSet::new(), page_ids: None };
    let mut stacks = [Vec::new(), Vec::new()];
    for (stack, kept) in [Stack::Undo, Stack::Redo].into_iter().zip(stacks.iter_mut()) {
        let kind = if stack == Stack::Undo { "undo" } else { "redo" };
        let mut rewrite = false;
        let mut expected = 0;
        for ((_, n), value) in steps.range((stack, 0)..=(stack, usize::MAX)) {
            match serde_json::from_str::<Step>(value) {
                Ok(step) if *n == expected => kept.push(step),
                Ok(step) => {
                    kept.clear();
                    kept.push(step);
                    rewrite = true;
                }
                Err(e) => {
                    diagnostics.push(Diagnostic::new(Severity::Warning, "history-unreadable", None, None, format!("{kind} step {n} could not be read ({e}); older {kind} steps were dropped")));
                    kept.clear();
                    rewrite = true;
                }
            }
            expected = n + 1;
        }
        // Restoring writes nothing unless the history had to be renumbered.
        if rewrite {
            store.keys.extend(steps.range((stack, 0)..=(stack, usize::MAX)).map(|((_, n), _)| Key::Step(stack, *n)));
            store.keys.extend((0..kept.len()).map(|n| Key::Step(stack, n)));
        }
    }
    let [undo, redo] = stacks;
    for e in entities.values() {
        if schema.get(&e.kind).is_none() {
            let _ = schema.add(schema.label_for_unknown_id(&e.kind));
        }
    }
    for doc in &mut documents {
        let lost: Vec<String> = doc.annotations.iter().filter(|a| a.extra().entity.as_ref().is_some_and(|e| !entities.contains_key(e))).map(|a| a.id.clone()).collect();
        for id in lost {
            if let Some(a) = doc.annotations.get_mut(&id) {
                let e = a.extra.as_mut().and_then(|x| x.entity.take()).unwrap_or_default();
                if a.extra.as_ref().is_some_and(|x| x.is_empty()) {
                    a.extra = None;
                }
                diagnostics.push(Diagnostic::new(Severity::Warning, "entity-missing", Some(doc.id()), Some(&id), format!("saved annotation {id:?} links to entity {e:?}, whose record is missing; the link was dropped (the annotation is kept)")));
                store.keys.insert(Key::Page(PageKind::Annotations, doc.id().to_owned(), page_of(&id)));
            }
        }
    }
    let ws = Workspace::from_parts(WorkspaceParts { schema, documents, entities: entities.into_values().collect(), gazetteer, analyst, next_document, next_annotation, undo, redo });
    Ok(Restored { workspace: Some(ws), store, diagnostics })
}

fn migrate_layout_1(json: &str, mut diagnostics: Vec<Diagnostic>) -> Result<Restored, RestoreError> {
    let mut ws = Workspace::new(LabelSchema::empty());
    let report = ws.import_canonical(json).map_err(|e| RestoreError::Legacy(e.to_string()))?;
    diagnostics.extend(report.diagnostics);
    ws.clear_history();
    ws.take_changes();
    let mut store = Store::default();
    store.mark_all(&ws);
    store.keys.insert(Key::Legacy);
    diagnostics.push(Diagnostic::new(Severity::Info, "migrated", None, None, format!("the saved workspace was converted from layout 1 to layout {LAYOUT_VERSION}")));
    Ok(Restored { workspace: Some(ws), store, diagnostics })
}

/// Reports a saved annotation of document `doc` that does not fit, and leaves it where it is.
fn unfit(diagnostics: &mut Vec<Diagnostic>, rewrite: &mut BTreeSet<Key>, refused: &mut BTreeMap<Key, Vec<Value>>, doc: &str, a: Annotation, source: Source, why: &str) {
    diagnostics.push(Diagnostic::new(Severity::Error, "annotation-unreadable", Some(doc), Some(&a.id), format!("saved annotation {:?} does not fit its text ({why}) and was left as it is", a.id)));
    settle(rewrite, refused, PageKind::Annotations, doc, &a.id, source, Some(serde_json::to_value(&a).expect("plain data always serialises")));
}

/// What restoring an annotation or relation `id` of document `doc`, read from `source`,
/// leaves to write: a layout-3 record moves onto its page (and is deleted), an item on the
/// wrong page moves to its own; an item that does not fit (`refused`, as read) is what
/// its page must keep under `["damaged", key]` if that page is written again.
fn settle(rewrite: &mut BTreeSet<Key>, refused: &mut BTreeMap<Key, Vec<Value>>, kind: PageKind, doc: &str, id: &str, source: Source, refused_item: Option<Value>) {
    let home = || Key::Page(kind, doc.to_owned(), page_of(id));
    match (source, refused_item) {
        (Source::Page(p), Some(item)) => refused.entry(Key::Page(kind, doc.to_owned(), p)).or_default().push(item),
        // A layout-3 record that does not fit stays where it is.
        (Source::Own, Some(_)) => {}
        (Source::Own, None) => {
            rewrite.insert(match kind {
                PageKind::Annotations => Key::Ann(doc.to_owned(), id.to_owned()),
                PageKind::Relations => Key::Rel(doc.to_owned(), id.to_owned()),
            });
            rewrite.insert(home());
        }
        (Source::Page(p), None) if p != page_of(id) => {
            rewrite.insert(Key::Page(kind, doc.to_owned(), p));
            rewrite.insert(home());
        }
        (Source::Page(_), None) => {}
    }
}

/// Where a stored annotation or relation was read from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A page of layout 4.
    Page(u32),
    /// A record of its own (layouts 2 and 3).
    Own,
}

/// The highest number of a fresh-style annotation or relation id (`"a12"`, `"r7"`) quoted
/// anywhere in `text`: what a damaged page may still say about the ids it held.
fn ids_in(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut highest = 0;
    for (i, w) in bytes.windows(2).enumerate() {
        if w[0] == b'"' && (w[1] == b'a' || w[1] == b'r') {
            let digits = bytes[i + 2..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 0 && bytes.get(i + 2 + digits) == Some(&b'"') {
                highest = highest.max(text[i + 2..i + 2 + digits].parse().unwrap_or(0));
            }
        }
    }
    highest
}

/// The number in a fresh-style id (`d12` → 12), if it is one.
fn id_number(id: &str, prefix: char) -> u64 {
    id.strip_prefix(prefix).and_then(|n| n.parse().ok()).unwrap_or(0)
}
