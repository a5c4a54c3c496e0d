//! Annotations (labelled half-open spans) and the ordered set that holds a document's annotations.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

/// One labelled span of a document's text.
///
/// Offsets are UTF-8 byte offsets into the document's text, half-open: the span
/// covers `text[start_byte..end_byte]`, and both lie on character boundaries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// Stable identifier, unique within its document.
    pub id: String,
    /// First byte of the span (UTF-8 bytes, inclusive).
    pub start_byte: usize,
    /// End of the span (UTF-8 bytes, exclusive).
    pub end_byte: usize,
    /// The id of the span's label in the schema.
    pub label: String,
    /// Notes, entity references and attributes, which most annotations lack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<Box<AnnotationExtra>>,
}

/// What an annotation may carry besides its span and label: an analyst's note,
/// references to entities in knowledge bases (brat's normalisations, such as
/// `Wikidata:Q56226`), and attributes (brat's `A` lines; a binary flag has the
/// value `"true"`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AnnotationExtra {
    /// A free-text note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// References to entities, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<EntityRef>,
    /// Attributes by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// The id of the registry entity the annotation mentions (annotations only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
}

impl AnnotationExtra {
    /// Whether it carries nothing.
    pub fn is_empty(&self) -> bool {
        self.note.is_none() && self.refs.is_empty() && self.attributes.is_empty() && self.entity.is_none()
    }
}

/// A reference from an annotation to an entity in a knowledge base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRef {
    /// The knowledge base, such as `Wikidata`.
    pub resource: String,
    /// The entity's id in it, such as `Q56226`.
    pub id: String,
    /// The entity's name there, if known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

impl Annotation {
    /// An annotation with nothing but a span and a label.
    pub fn new(id: impl Into<String>, range: Range<usize>, label: impl Into<String>) -> Self {
        Annotation { id: id.into(), start_byte: range.start, end_byte: range.end, label: label.into(), extra: None }
    }

    /// Its extra fields, or empty ones.
    pub fn extra(&self) -> &AnnotationExtra {
        static EMPTY: AnnotationExtra = AnnotationExtra { note: None, refs: Vec::new(), attributes: BTreeMap::new(), entity: None };
        self.extra.as_deref().unwrap_or(&EMPTY)
    }

    /// The byte range of the span.
    pub fn range(&self) -> Range<usize> {
        self.start_byte..self.end_byte
    }

    /// Whether the annotation is a model's suggestion rather than an analyst's tag: its
    /// `origin` attribute says `prediction` (Label Studio predictions come in so).
    pub fn is_suggestion(&self) -> bool {
        self.extra().attributes.get("origin").is_some_and(|o| o == "prediction" || o.starts_with("prediction:"))
    }

    /// Whether `other` covers the same span with the same label: such a pair is a
    /// duplicate, which Spanmark never holds twice.
    pub fn same_span_and_label(&self, other: &Annotation) -> bool {
        self.start_byte == other.start_byte && self.end_byte == other.end_byte && self.label == other.label
    }

    /// The quoted text of the span within `text`, the text of its document.
    pub fn quote<'t>(&self, text: &'t str) -> &'t str {
        &text[self.range()]
    }
}

/// The order in which annotations are kept: by start, longer (outer) spans first,
/// then by label and id so that the order is total and stable.
/// Its label and id are inline strings: most fit in the key itself (up to 23 bytes), so
/// the three indexes' copies of a key cost no allocation (an import of 100,000
/// annotations made 600,000 of them when the keys held `String`s).
type SpanKey = (usize, Reverse<usize>, SmolStr, SmolStr);

fn key_of(a: &Annotation) -> SpanKey {
    (a.start_byte, Reverse(a.end_byte), SmolStr::new(&a.label), SmolStr::new(&a.id))
}

/// How many length classes there are: class `c` holds spans whose length in bytes
/// lies in `[2^c, 2^(c+1))`, so every length up to `usize::MAX` has a class.
const CLASSES: usize = usize::BITS as usize;

fn class_of(len: usize) -> usize {
    (usize::BITS - 1 - len.max(1).leading_zeros()) as usize
}

/// A document's annotations, ordered by position, with lookup by id.
///
/// Besides the position order, spans are indexed by *length class* (powers of two).
/// A span of class `c` that touches `[a, b)` starts in `[a - 2^(c+1) + 1, b)`, so
/// [`AnnotationSet::touching`] looks at each class only near the range: the cost is
/// O(C log n + k) for C non-empty classes and k spans found, whatever the longest
/// span is. Adding or removing one annotation is O(log n).
#[derive(Debug, Clone)]
pub struct AnnotationSet {
    by_position: BTreeMap<SpanKey, Annotation>,
    key_by_id: HashMap<SmolStr, SpanKey>,
    by_class: Vec<BTreeSet<SpanKey>>,
}

impl Default for AnnotationSet {
    fn default() -> Self {
        AnnotationSet { by_position: BTreeMap::new(), key_by_id: HashMap::new(), by_class: vec![BTreeSet::new(); CLASSES] }
    }
}

impl AnnotationSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many annotations the set holds.
    pub fn len(&self) -> usize {
        self.by_position.len()
    }

    /// Whether the set holds no annotation.
    pub fn is_empty(&self) -> bool {
        self.by_position.is_empty()
    }

    /// The annotation with this id.
    pub fn get(&self, id: &str) -> Option<&Annotation> {
        self.key_by_id.get(id).and_then(|k| self.by_position.get(k))
    }

    /// Whether an annotation has this id.
    pub fn contains_id(&self, id: &str) -> bool {
        self.key_by_id.contains_key(id)
    }

    /// An annotation with exactly this span and label, if there is one.
    pub fn find_exact(&self, start_byte: usize, end_byte: usize, label: &str) -> Option<&Annotation> {
        let from = (start_byte, Reverse(end_byte), SmolStr::new(label), SmolStr::default());
        self.by_position.range(from..).next().map(|(_, a)| a).filter(|a| a.start_byte == start_byte && a.end_byte == end_byte && a.label == label)
    }

    /// The set of `annotations`, given in the set's order (by start, longer spans first,
    /// then by label and id) with unique ids and no two of the same span and label: built
    /// at once, without searching the indexes for each (an import of a new document).
    pub(crate) fn from_ordered(annotations: Vec<Annotation>) -> Self {
        debug_assert!(annotations.windows(2).all(|w| key_of(&w[0]) < key_of(&w[1])));
        let keys: Vec<SpanKey> = annotations.iter().map(key_of).collect();
        let mut by_class: Vec<Vec<SpanKey>> = vec![Vec::new(); CLASSES];
        let mut key_by_id = HashMap::with_capacity(keys.len());
        for key in &keys {
            by_class[class_of(key.1 .0 - key.0)].push(key.clone());
            key_by_id.insert(key.3.clone(), key.clone());
        }
        AnnotationSet {
            by_position: keys.into_iter().zip(annotations).collect(),
            key_by_id,
            by_class: by_class.into_iter().map(BTreeSet::from_iter).collect(),
        }
    }

    /// Inserts an annotation. The caller has checked that its id is new.
    pub(crate) fn insert(&mut self, annotation: Annotation) {
        debug_assert!(!self.contains_id(&annotation.id));
        let key = key_of(&annotation);
        self.by_class[class_of(annotation.end_byte - annotation.start_byte)].insert(key.clone());
        self.key_by_id.insert(key.3.clone(), key.clone());
        self.by_position.insert(key, annotation);
    }

    /// The annotation with this id, to change its note or attributes (never its span,
    /// label or id, which order the set).
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Annotation> {
        let key = self.key_by_id.get(id)?;
        self.by_position.get_mut(key)
    }

    /// Removes and returns the annotation with this id.
    pub(crate) fn remove(&mut self, id: &str) -> Option<Annotation> {
        let key = self.key_by_id.remove(id)?;
        self.by_class[class_of(key.1 .0 - key.0)].remove(&key);
        self.by_position.remove(&key)
    }

    /// All annotations, in position order.
    pub fn iter(&self) -> impl Iterator<Item = &Annotation> {
        self.by_position.values()
    }

    /// All annotations with their ids, in position order: the ids read from the index's
    /// own keys, which hold most of them inline (a pass that needs only the ids touches
    /// no other memory).
    pub fn iter_with_ids(&self) -> impl Iterator<Item = (&str, &Annotation)> {
        self.by_position.iter().map(|(k, a)| (k.3.as_str(), a))
    }

    /// The annotations that share at least one byte with `range` (UTF-8 bytes,
    /// half-open), in position order. An empty `range` touches the annotations
    /// that strictly contain its position.
    pub fn touching(&self, range: Range<usize>) -> impl Iterator<Item = &Annotation> {
        let upto = range.end.max(range.start + 1);
        let mut keys: Vec<&SpanKey> = Vec::new();
        for (class, set) in self.by_class.iter().enumerate() {
            if set.is_empty() {
                continue;
            }
            // Spans of this class are shorter than 2^(class+1) bytes.
            let reach = 1usize.checked_shl(class as u32 + 1).unwrap_or(usize::MAX);
            let lowest_start = range.start.saturating_sub(reach);
            let from = (lowest_start, Reverse(usize::MAX), SmolStr::default(), SmolStr::default());
            keys.extend(
                set.range(from..)
                    .take_while(|k| k.0 < upto)
                    .filter(|k| k.1 .0 > range.start),
            );
        }
        keys.sort_unstable();
        keys.into_iter().map(move |k| &self.by_position[k])
    }

    /// The `count` annotations from position `skip` on, in position order.
    pub fn page(&self, skip: usize, count: usize) -> impl Iterator<Item = &Annotation> {
        self.by_position.values().skip(skip).take(count)
    }

    /// The annotations that contain the byte at `byte_idx`, innermost (shortest) first.
    pub fn at(&self, byte_idx: usize) -> Vec<&Annotation> {
        let mut found: Vec<&Annotation> = self.touching(byte_idx..byte_idx + 1).collect();
        found.sort_by_key(|a| (a.end_byte - a.start_byte, Reverse(a.start_byte)));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(id: &str, start: usize, end: usize, label: &str) -> Annotation {
        Annotation::new(id, start..end, label)
    }

    #[test]
    fn touching_finds_overlaps_and_nothing_else() {
        let mut set = AnnotationSet::new();
        set.insert(ann("outer", 0, 20, "ORG"));
        set.insert(ann("inner", 5, 10, "PERSON"));
        set.insert(ann("after", 20, 25, "GPE"));
        let ids = |r: Range<usize>| set.touching(r).map(|a| a.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(0..5), ["outer"]);
        assert_eq!(ids(9..21), ["outer", "inner", "after"]);
        assert_eq!(ids(20..20), ["after"]);
        assert_eq!(ids(25..30), Vec::<String>::new());
        let at: Vec<_> = set.at(7).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(at, ["inner", "outer"]);
    }

    #[test]
    fn a_set_built_at_once_is_the_set_built_one_by_one() {
        let spans = [(0, 20, "ORG", "outer"), (5, 10, "PERSON", "inner"), (5, 10, "GPE", "same-span"), (20, 25, "GPE", "after"), (21, 300, "MISC", "a-much-longer-id-than-fits-inline")];
        let mut one_by_one = AnnotationSet::new();
        for (s, e, label, id) in spans {
            one_by_one.insert(ann(id, s, e, label));
        }
        let ordered: Vec<Annotation> = one_by_one.iter().cloned().collect();
        let at_once = AnnotationSet::from_ordered(ordered);
        let ids = |set: &AnnotationSet, r: Range<usize>| set.touching(r).map(|a| a.id.clone()).collect::<Vec<_>>();
        for r in [0..5, 9..21, 20..20, 25..30, 100..101] {
            assert_eq!(ids(&at_once, r.clone()), ids(&one_by_one, r));
        }
        assert_eq!(at_once.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["outer", "same-span", "inner", "after", "a-much-longer-id-than-fits-inline"]);
        assert_eq!(at_once.get("a-much-longer-id-than-fits-inline").map(|a| a.range()), Some(21..300));
        assert_eq!(at_once.find_exact(5, 10, "GPE").map(|a| a.id.as_str()), Some("same-span"));
        let mut at_once = at_once;
        assert!(at_once.remove("inner").is_some());
        assert_eq!(ids(&at_once, 6..7), ["outer", "same-span"]);
    }

    #[test]
    fn find_exact_matches_span_and_label_only() {
        let mut set = AnnotationSet::new();
        set.insert(ann("a", 3, 8, "PERSON"));
        assert_eq!(set.find_exact(3, 8, "PERSON").map(|a| a.id.as_str()), Some("a"));
        assert!(set.find_exact(3, 8, "ORG").is_none());
        assert!(set.find_exact(3, 9, "PERSON").is_none());
        assert_eq!(set.remove("a").map(|a| a.id), Some("a".to_owned()));
        assert!(set.is_empty());
        assert!(set.remove("a").is_none());
    }
}
