//! Reading and writing the record's values: one field of a map, an entry's note, entity
//! link and attributes, and an annotation or relation as the record holds it, checked
//! against its document, the schema and the registry.

use super::*;

pub(super) fn get_str<T: ReadTxn>(map: &MapRef, txn: &T, key: &str) -> Option<String> {
    match map.get(txn, key)? {
        Out::Any(Any::String(s)) => Some(s.to_string()),
        _ => None,
    }
}

pub(super) fn get_usize<T: ReadTxn>(map: &MapRef, txn: &T, key: &str) -> Option<usize> {
    match map.get(txn, key)? {
        Out::Any(Any::Number(n)) => match n {
            yrs::Number::Int(i) => usize::try_from(i).ok(),
            yrs::Number::Float(f) if f >= 0.0 && f.fract() == 0.0 && f < 9.0e15 => Some(f as usize),
            _ => None,
        },
        _ => None,
    }
}

/// An annotation's span: `spanBytes`, `[start, end]` in UTF-8 bytes (one value, as a span
/// never changes: one item in the record instead of two).
pub(super) fn get_span<T: ReadTxn>(map: &MapRef, txn: &T) -> Option<(usize, usize)> {
    let number = |a: &Any| match a {
        Any::Number(yrs::Number::Int(i)) => usize::try_from(*i).ok(),
        Any::Number(yrs::Number::Float(f)) if *f >= 0.0 && f.fract() == 0.0 && *f < 9.0e15 => Some(*f as usize),
        _ => None,
    };
    match map.get(txn, "spanBytes")? {
        Out::Any(Any::Array(a)) if a.len() == 2 => Some((number(&a[0])?, number(&a[1])?)),
        _ => None,
    }
}

pub(super) fn get_map<T: ReadTxn>(map: &MapRef, txn: &T, key: &str) -> Option<MapRef> {
    match map.get(txn, key)? {
        Out::YMap(m) => Some(m),
        _ => None,
    }
}

/// Sets `key` to the string `value` (or removes it for `None`) unless it already holds it.
pub(super) fn put_str(map: &MapRef, txn: &mut TransactionMut, key: &str, value: Option<&str>) {
    let current = get_str(map, txn, key);
    match value {
        Some(v) if current.as_deref() != Some(v) => {
            map.insert(txn, key, Any::from(v));
        }
        None if map.contains_key(txn, key) => {
            map.remove(txn, key);
        }
        _ => {}
    }
}

/// The prefix of an attribute's key in an annotation's or relation's map.
pub(super) const ATTR: &str = "@";
/// The prefix of a relabel entry's key: `relabel:<stamp>` → `base␟label␟analyst`.
pub(super) const RELABEL: &str = "relabel:";
pub(super) const SEP: char = '\u{1f}';

/// The order of a collection in the view: the ids of `order` as they first occur, that
/// `present` holds, then those `present` holds that `order` lacks, by id.
pub(super) fn view_order<T: ReadTxn>(txn: &T, order: &ArrayRef, present: &BTreeSet<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for v in order.iter(txn) {
        if let Out::Any(Any::String(id)) = v {
            let id = id.to_string();
            if present.contains(&id) && seen.insert(id.clone()) {
                out.push(id);
            }
        }
    }
    out.extend(present.iter().filter(|id| !seen.contains(*id)).cloned());
    out
}

/// Makes the order array say `want` (the ids of a collection in the workspace's order),
/// changing as little as it can so that concurrent insertions merge.
pub(super) fn sync_order(txn: &mut TransactionMut, order: &ArrayRef, want: &[String]) {
    let wanted: BTreeSet<&str> = want.iter().map(String::as_str).collect();
    // Drop entries that are not wanted, and repeats.
    let mut seen = BTreeSet::new();
    let current: Vec<Option<String>> = order.iter(txn).map(|v| if let Out::Any(Any::String(s)) = v { Some(s.to_string()) } else { None }).collect();
    let keep: Vec<bool> = current.iter().map(|id| id.as_deref().is_some_and(|id| wanted.contains(id) && seen.insert(id.to_owned()))).collect();
    for i in (0..current.len()).rev() {
        if !keep[i] {
            order.remove(txn, i as u32);
        }
    }
    let kept: Vec<String> = current.into_iter().zip(keep).filter(|(_, k)| *k).filter_map(|(id, _)| id).collect();
    // If what is left is out of order, write the order anew.
    let position: BTreeMap<&str, usize> = want.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    if kept.windows(2).any(|w| position[w[0].as_str()] > position[w[1].as_str()]) {
        order.remove_range(txn, 0, kept.len() as u32);
        for id in want {
            order.push_back(txn, Any::from(id.as_str()));
        }
        return;
    }
    // Insert the missing ones where they go.
    let mut k = 0usize;
    for (at, id) in want.iter().enumerate() {
        if k < kept.len() && kept[k] == *id {
            k += 1;
        } else {
            order.insert(txn, at as u32, Any::from(id.as_str()));
        }
    }
}

/// The note, entity references and attributes held in an entry's map.
pub(super) fn read_extra<T: ReadTxn>(map: &MapRef, txn: &T) -> AnnotationExtra {
    let mut extra = AnnotationExtra {
        note: get_str(map, txn, "note").filter(|n| !n.trim().is_empty()),
        entity: get_str(map, txn, "entity").filter(|e| !e.trim().is_empty()),
        ..AnnotationExtra::default()
    };
    if let Some(refs) = get_str(map, txn, "refs") {
        extra.refs = serde_json::from_str::<Vec<EntityRef>>(&refs).unwrap_or_default();
    }
    for (key, value) in map.iter(txn) {
        if let (Some(name), Out::Any(Any::String(v))) = (key.strip_prefix(ATTR), value) {
            extra.attributes.insert(name.to_owned(), v.to_string());
        }
    }
    extra
}

pub(super) fn write_extra(map: &MapRef, txn: &mut TransactionMut, extra: &AnnotationExtra) {
    put_str(map, txn, "note", extra.note.as_deref());
    put_str(map, txn, "entity", extra.entity.as_deref());
    let refs = (!extra.refs.is_empty()).then(|| serde_json::to_string(&extra.refs).unwrap_or_default());
    put_str(map, txn, "refs", refs.as_deref());
    let stale: Vec<String> = map.keys(txn).filter_map(|k| k.strip_prefix(ATTR).filter(|n| !extra.attributes.contains_key(*n)).map(|_| k.to_owned())).collect();
    for key in stale {
        map.remove(txn, &key);
    }
    for (name, value) in &extra.attributes {
        put_str(map, txn, &format!("{ATTR}{name}"), Some(value));
    }
}

/// Keeps the attributes that fit the schema for an item of class `class`, the note if it
/// is not too long; what does not fit is not shown.
pub(super) fn fitting_extra(mut extra: AnnotationExtra, schema: &LabelSchema, class: &str) -> Option<Box<AnnotationExtra>> {
    extra.attributes.retain(|name, value| schema.attribute(name).is_some_and(|def| def.applies_to(class) && def.check_value(value).is_ok()));
    if extra.note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        extra.note = None;
    }
    (!extra.is_empty()).then(|| Box::new(extra))
}

/// An annotation as the record holds it, checked against its document and the schema.
pub(super) fn read_annotation<T: ReadTxn>(txn: &T, id: &str, entry: Option<Out>, doc: &Document, schema: &LabelSchema, registry: &BTreeSet<String>) -> Result<Option<Annotation>, String> {
    let Some(entry) = entry else { return Ok(None) };
    let Out::YMap(m) = entry else { return Err("it is not a map of fields".to_owned()) };
    let (Some((start_byte, end_byte)), Some(label)) = (get_span(&m, txn), get_str(&m, txn, "label")) else {
        return Err("it lacks spanBytes or label".to_owned());
    };
    doc.offsets().check_boundary(start_byte, Unit::Byte).map_err(|e| e.to_string())?;
    doc.offsets().check_boundary(end_byte, Unit::Byte).map_err(|e| e.to_string())?;
    if start_byte >= end_byte {
        return Err(EditError::EmptySpan { start_byte, end_byte }.to_string());
    }
    if schema.get(&label).is_none() {
        return Err(EditError::NoSuchLabel(label).to_string());
    }
    let mut extra = read_extra(&m, txn);
    // A link to an entity the registry does not hold (merged or removed meanwhile) is not shown.
    if extra.entity.as_ref().is_some_and(|e| !registry.contains(e)) {
        extra.entity = None;
    }
    let extra = fitting_extra(extra, schema, &label);
    Ok(Some(Annotation { id: id.to_owned(), start_byte, end_byte, label, extra }))
}

/// A relation as the record holds it (its fields only: ends and fit are judged later).
pub(super) fn read_relation<T: ReadTxn>(txn: &T, id: &str, entry: Option<Out>, schema: &LabelSchema) -> Result<Option<Relation>, String> {
    let Some(entry) = entry else { return Ok(None) };
    let Out::YMap(m) = entry else { return Err("it is not a map of fields".to_owned()) };
    let (Some(kind), Some(from), Some(to)) = (get_str(&m, txn, "type"), get_str(&m, txn, "from"), get_str(&m, txn, "to")) else {
        return Err("it lacks type, from or to".to_owned());
    };
    if schema.relation_type(&kind).is_none() {
        return Err(EditError::NoSuchRelationType(kind).to_string());
    }
    let extra = fitting_extra(read_extra(&m, txn), schema, &kind);
    Ok(Some(Relation { id: id.to_owned(), kind, from, to, extra }))
}

/// The key that makes two annotations duplicates of each other.
pub(super) fn span_key(a: &Annotation) -> (usize, usize, String) {
    (a.start_byte, a.end_byte, a.label.clone())
}

/// The key that makes two relations duplicates of each other.
pub(super) fn link_key(r: &Relation, schema: &LabelSchema) -> (String, String, String) {
    let symmetric = schema.relation_type(&r.kind).is_some_and(|t| !t.directed);
    if symmetric && r.to < r.from {
        (r.kind.clone(), r.to.clone(), r.from.clone())
    } else {
        (r.kind.clone(), r.from.clone(), r.to.clone())
    }
}
