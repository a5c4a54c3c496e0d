//! The entity registry: the people, places and things of a corpus, each with a canonical
//! name, aliases and identifiers in other registries, to which annotations link
//! ("Kim Jong-un", "Kim Jong Un" and "김정은" as one person).

use serde::{Deserialize, Serialize};

use crate::annotation::EntityRef;

/// One entity of the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Stable identifier, unique in the workspace (`e12`).
    pub id: String,
    /// Its type: the id of a label (`PERSON`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Its canonical name.
    pub name: String,
    /// Other names it goes by, in the order they were added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Its identifiers in other registries (`Wikidata:Q56226`, a sanctions-list id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<EntityRef>,
    /// The analyst's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Entity {
    /// An entity with nothing but its type and name.
    pub fn new(id: impl Into<String>, kind: impl Into<String>, name: impl Into<String>) -> Self {
        Entity { id: id.into(), kind: kind.into(), name: name.into(), aliases: Vec::new(), identifiers: Vec::new(), note: None }
    }

    /// Every name it goes by: the canonical one first, then the aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// This entity with `other`'s names and identifiers added (what a merge keeps).
    pub fn absorbing(&self, other: &Entity) -> Entity {
        let mut out = self.clone();
        for name in other.names() {
            if !out.names().any(|n| n == name) {
                out.aliases.push(name.to_owned());
            }
        }
        for r in &other.identifiers {
            if !out.identifiers.iter().any(|x| x.resource == r.resource && x.id == r.id) {
                out.identifiers.push(r.clone());
            }
        }
        out.note = match (&self.note, &other.note) {
            (Some(a), Some(b)) if a != b => Some(format!("{a}\n\n{b}")),
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_keeps_every_name_and_identifier_once() {
        let mut kim = Entity::new("e1", "PERSON", "Kim Jong-un");
        kim.identifiers.push(EntityRef { resource: "Wikidata".into(), id: "Q56226".into(), text: String::new() });
        let mut other = Entity::new("e2", "PERSON", "Kim Jong Un");
        other.aliases.push("김정은".into());
        other.aliases.push("Kim Jong-un".into());
        other.identifiers = kim.identifiers.clone();
        let merged = kim.absorbing(&other);
        assert_eq!(merged.names().collect::<Vec<_>>(), ["Kim Jong-un", "Kim Jong Un", "김정은"]);
        assert_eq!(merged.identifiers.len(), 1);
        assert_eq!(merged.id, "e1");
    }
}
