//! Label schemas: the entity types an analyst tags with, their colours and their hotkeys.

use serde::{Deserialize, Serialize};

/// One entity label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Stable identifier, written into every annotation (e.g. `PERSON`).
    pub id: String,
    /// Name shown to the analyst (e.g. `Person`).
    pub name: String,
    /// Display colour as `#rrggbb`.
    pub color: String,
    /// The key that applies this label, if any (a single character such as `1`).
    pub hotkey: Option<String>,
    /// What the label is for, shown as help.
    pub description: String,
}

/// An ordered set of labels with unique ids and unique hotkeys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelSchema {
    labels: Vec<Label>,
}

/// Why a label could not be added to a schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// The id is empty or only whitespace.
    #[error("a label id cannot be empty")]
    EmptyId,
    /// Another label already has this id.
    #[error("the schema already has a label with id {0:?}")]
    DuplicateId(String),
    /// Another label already uses this hotkey.
    #[error("hotkey {hotkey:?} is already used by label {used_by:?}")]
    DuplicateHotkey {
        /// The hotkey that was asked for.
        hotkey: String,
        /// The label that has it.
        used_by: String,
    },
    /// The colour is not `#rrggbb`.
    #[error("colour {0:?} is not of the form #rrggbb")]
    BadColor(String),
}

/// Colours given to labels that arrive without one (from an import), in turn.
const SPARE_COLORS: [&str; 8] =
    ["#9c755f", "#bab0ac", "#17becf", "#bcbd22", "#8c564b", "#e377c2", "#7f7f7f", "#aec7e8"];

impl LabelSchema {
    /// An empty schema.
    pub fn empty() -> Self {
        LabelSchema { labels: Vec::new() }
    }

    /// The default schema for news analysis, on hotkeys 1 to 8.
    pub fn default_news() -> Self {
        let defs = [
            ("PERSON", "Person", "#4e79a7", "People, real or fictional"),
            ("ORG", "Organisation", "#f28e2b", "Companies, agencies, institutions, armed forces"),
            ("GPE", "Geopolitical entity", "#59a14f", "Countries, cities, states, regions with a government"),
            ("LOC", "Location", "#76b7b2", "Places without a government: seas, mountains, regions"),
            ("FAC", "Facility", "#c9a227", "Buildings, spaceports, bases, airports, bridges"),
            ("DATE", "Date", "#b07aa1", "Absolute or relative dates and periods"),
            ("EVENT", "Event", "#ff7f9f", "Named meetings, wars, forums, disasters"),
            ("WEAPON", "Weapon", "#e15759", "Arms and military equipment"),
        ];
        let labels = defs
            .iter()
            .enumerate()
            .map(|(i, (id, name, color, description))| Label {
                id: (*id).to_owned(),
                name: (*name).to_owned(),
                color: (*color).to_owned(),
                hotkey: Some((i + 1).to_string()),
                description: (*description).to_owned(),
            })
            .collect();
        LabelSchema { labels }
    }

    /// Builds a schema from labels, checking ids, hotkeys and colours.
    pub fn from_labels(labels: Vec<Label>) -> Result<Self, SchemaError> {
        let mut schema = LabelSchema::empty();
        for label in labels {
            schema.add(label)?;
        }
        Ok(schema)
    }

    /// The labels, in display order.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// The label with this id.
    pub fn get(&self, id: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.id == id)
    }

    /// The label on this hotkey.
    pub fn by_hotkey(&self, hotkey: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.hotkey.as_deref() == Some(hotkey))
    }

    /// Adds a label at the end, after checking that its id and hotkey are free.
    pub fn add(&mut self, label: Label) -> Result<(), SchemaError> {
        if label.id.trim().is_empty() {
            return Err(SchemaError::EmptyId);
        }
        if self.get(&label.id).is_some() {
            return Err(SchemaError::DuplicateId(label.id));
        }
        if !is_hex_color(&label.color) {
            return Err(SchemaError::BadColor(label.color));
        }
        if let Some(hotkey) = &label.hotkey {
            if let Some(other) = self.by_hotkey(hotkey) {
                return Err(SchemaError::DuplicateHotkey {
                    hotkey: hotkey.clone(),
                    used_by: other.id.clone(),
                });
            }
        }
        self.labels.push(label);
        Ok(())
    }

    /// Inserts a label at `index` (clamped to the end), after the same checks as [`LabelSchema::add`].
    pub fn insert(&mut self, index: usize, label: Label) -> Result<(), SchemaError> {
        self.add(label)?;
        let label = self.labels.pop().expect("just added");
        self.labels.insert(index.min(self.labels.len()), label);
        Ok(())
    }

    /// Removes the label with this id and returns it with the index it had.
    pub fn remove(&mut self, id: &str) -> Option<(usize, Label)> {
        let at = self.labels.iter().position(|l| l.id == id)?;
        Some((at, self.labels.remove(at)))
    }

    /// A label for an id seen in imported data but not in the schema: a spare colour, no hotkey.
    pub fn label_for_unknown_id(&self, id: &str) -> Label {
        Label {
            id: id.to_owned(),
            name: id.to_owned(),
            color: SPARE_COLORS[self.labels.len() % SPARE_COLORS.len()].to_owned(),
            hotkey: None,
            description: "Added on import".to_owned(),
        }
    }
}

impl Default for LabelSchema {
    fn default() -> Self {
        LabelSchema::default_news()
    }
}

fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_news_schema_has_eight_labels_on_hotkeys_one_to_eight() {
        let schema = LabelSchema::default_news();
        let ids: Vec<_> = schema.labels().iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["PERSON", "ORG", "GPE", "LOC", "FAC", "DATE", "EVENT", "WEAPON"]);
        assert_eq!(schema.by_hotkey("1").unwrap().id, "PERSON");
        assert_eq!(schema.by_hotkey("8").unwrap().id, "WEAPON");
        assert!(schema.by_hotkey("9").is_none());
        // The default schema passes its own checks.
        assert_eq!(LabelSchema::from_labels(schema.labels().to_vec()), Ok(schema));
    }

    #[test]
    fn duplicates_and_bad_colours_are_refused() {
        let mut schema = LabelSchema::default_news();
        let mut label = schema.label_for_unknown_id("PERSON");
        assert_eq!(schema.add(label.clone()), Err(SchemaError::DuplicateId("PERSON".into())));
        label.id = "NORP".into();
        label.hotkey = Some("1".into());
        assert!(matches!(schema.add(label.clone()), Err(SchemaError::DuplicateHotkey { .. })));
        label.hotkey = None;
        label.color = "red".into();
        assert_eq!(schema.add(label.clone()), Err(SchemaError::BadColor("red".into())));
        label.color = "#123abc".into();
        assert_eq!(schema.add(label), Ok(()));
    }
}
