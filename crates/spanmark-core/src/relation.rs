//! Relations: typed links between two annotations of one document ("Kim Jong-un" MEETS
//! "Vladimir Putin"), and the set that holds a document's relations with lookup by the
//! annotations they link.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::annotation::AnnotationExtra;

/// A typed link from one annotation to another of the same document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    /// Stable identifier, unique within its document.
    pub id: String,
    /// The id of the relation's type in the schema (e.g. `MEETS`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The id of the source annotation.
    pub from: String,
    /// The id of the target annotation.
    pub to: String,
    /// A note and attributes, which most relations lack (entity references are not used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<Box<AnnotationExtra>>,
}

impl Relation {
    /// A relation with nothing but its type and ends.
    pub fn new(id: impl Into<String>, kind: impl Into<String>, from: impl Into<String>, to: impl Into<String>) -> Self {
        Relation { id: id.into(), kind: kind.into(), from: from.into(), to: to.into(), extra: None }
    }

    /// Its extra fields, or empty ones.
    pub fn extra(&self) -> &AnnotationExtra {
        static EMPTY: AnnotationExtra = AnnotationExtra { note: None, refs: Vec::new(), attributes: BTreeMap::new(), entity: None };
        self.extra.as_deref().unwrap_or(&EMPTY)
    }

    /// Whether `other` links the same ends with the same type; for a symmetric type the
    /// ends may be swapped. Such a pair is a duplicate, which Spanmark never holds twice.
    pub fn same_link(&self, other: &Relation, symmetric: bool) -> bool {
        self.kind == other.kind
            && ((self.from == other.from && self.to == other.to) || (symmetric && self.from == other.to && self.to == other.from))
    }

    /// Whether the relation has `annotation` as one of its ends.
    pub fn touches(&self, annotation: &str) -> bool {
        self.from == annotation || self.to == annotation
    }
}

/// A document's relations, by id, with lookup by the annotations they link.
#[derive(Debug, Clone, Default)]
pub struct RelationSet {
    by_id: BTreeMap<String, Relation>,
    by_end: HashMap<String, BTreeSet<String>>,
}

impl RelationSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many relations the set holds.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether the set holds no relation.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The relation with this id.
    pub fn get(&self, id: &str) -> Option<&Relation> {
        self.by_id.get(id)
    }

    /// Whether a relation has this id.
    pub fn contains_id(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// All relations, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Relation> {
        self.by_id.values()
    }

    /// The relations that have `annotation` as an end, by id.
    pub fn of(&self, annotation: &str) -> impl Iterator<Item = &Relation> {
        self.by_end.get(annotation).into_iter().flatten().filter_map(|id| self.by_id.get(id))
    }

    /// How many relations have `annotation` as an end.
    pub fn count_of(&self, annotation: &str) -> usize {
        self.by_end.get(annotation).map_or(0, BTreeSet::len)
    }

    /// Inserts a relation. The caller has checked its id is new and its ends exist.
    pub(crate) fn insert(&mut self, relation: Relation) {
        for end in [&relation.from, &relation.to] {
            self.by_end.entry(end.clone()).or_default().insert(relation.id.clone());
        }
        self.by_id.insert(relation.id.clone(), relation);
    }

    /// Removes and returns the relation with this id.
    pub(crate) fn remove(&mut self, id: &str) -> Option<Relation> {
        let relation = self.by_id.remove(id)?;
        for end in [&relation.from, &relation.to] {
            if let Some(ids) = self.by_end.get_mut(end) {
                ids.remove(id);
                if ids.is_empty() {
                    self.by_end.remove(end);
                }
            }
        }
        Some(relation)
    }

    /// The relation with this id, to change a field that is not an end or the id.
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Relation> {
        self.by_id.get_mut(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_are_indexed_and_forgotten() {
        let mut set = RelationSet::new();
        set.insert(Relation::new("r1", "MEETS", "a1", "a2"));
        set.insert(Relation::new("r2", "LOCATED_IN", "a1", "a3"));
        assert_eq!(set.of("a1").map(|r| r.id.as_str()).collect::<Vec<_>>(), ["r1", "r2"]);
        assert_eq!(set.count_of("a2"), 1);
        set.remove("r1");
        assert_eq!(set.count_of("a2"), 0);
        assert_eq!(set.count_of("a1"), 1);
        assert!(set.remove("r1").is_none());
    }

    #[test]
    fn a_symmetric_link_is_the_same_either_way() {
        let a = Relation::new("r1", "SAME_AS", "a1", "a2");
        let b = Relation::new("r2", "SAME_AS", "a2", "a1");
        assert!(a.same_link(&b, true));
        assert!(!a.same_link(&b, false));
    }
}
