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

/// A type of relation between two annotations (e.g. `MEETS: PERSON → PERSON`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationType {
    /// Stable identifier, written into every relation (e.g. `MEETS`).
    pub id: String,
    /// Name shown to the analyst (e.g. `meets`).
    pub name: String,
    /// Display colour of its arcs, as `#rrggbb`.
    pub color: String,
    /// The key that starts a relation of this type, if any.
    #[serde(default)]
    pub hotkey: Option<String>,
    /// Whether the relation has a direction (`from → to`); a symmetric one does not.
    #[serde(default = "yes")]
    pub directed: bool,
    /// The labels the source may have; empty means any.
    #[serde(default)]
    pub from_labels: Vec<String>,
    /// The labels the target may have; empty means any.
    #[serde(default)]
    pub to_labels: Vec<String>,
    /// What the relation means, shown as help.
    #[serde(default)]
    pub description: String,
}

fn yes() -> bool {
    true
}

/// What values an attribute takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeKind {
    /// Set (`"true"`) or not set.
    Boolean,
    /// One of a list of values.
    OneOf {
        /// The values, in display order.
        values: Vec<String>,
    },
    /// Free text.
    Text,
}

/// An attribute that annotations of some labels, or relations of some types, may carry
/// (`negated`, `uncertain`, a weapon's `WEAPON` attribute on `SUPPLIES`).
///
/// Stored and exported flat, as `{id, name, kind: "boolean"|"oneOf"|"text", values,
/// appliesTo}` (a plain record: no tagged or flattened serde, which would cost the wasm
/// module a buffering deserialiser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "AttributeRecord", into = "AttributeRecord")]
pub struct AttributeDef {
    /// Stable identifier: the attribute's key on the annotation or relation.
    pub id: String,
    /// Name shown to the analyst.
    pub name: String,
    /// The values it takes.
    pub kind: AttributeKind,
    /// The label ids and relation type ids it applies to; empty means every one.
    pub applies_to: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum KindName {
    Boolean,
    OneOf,
    Text,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttributeRecord {
    id: String,
    name: String,
    kind: KindName,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    values: Vec<String>,
    #[serde(default)]
    applies_to: Vec<String>,
}

impl From<AttributeRecord> for AttributeDef {
    fn from(r: AttributeRecord) -> Self {
        let kind = match r.kind {
            KindName::Boolean => AttributeKind::Boolean,
            KindName::OneOf => AttributeKind::OneOf { values: r.values },
            KindName::Text => AttributeKind::Text,
        };
        AttributeDef { id: r.id, name: r.name, kind, applies_to: r.applies_to }
    }
}

impl From<AttributeDef> for AttributeRecord {
    fn from(d: AttributeDef) -> Self {
        let (kind, values) = match d.kind {
            AttributeKind::Boolean => (KindName::Boolean, Vec::new()),
            AttributeKind::OneOf { values } => (KindName::OneOf, values),
            AttributeKind::Text => (KindName::Text, Vec::new()),
        };
        AttributeRecord { id: d.id, name: d.name, kind, values, applies_to: d.applies_to }
    }
}

impl AttributeDef {
    /// Whether annotations of the label, or relations of the type, with this id may carry it.
    pub fn applies_to(&self, label_or_type: &str) -> bool {
        self.applies_to.is_empty() || self.applies_to.iter().any(|t| t == label_or_type)
    }

    /// Checks a value against the attribute's kind.
    pub fn check_value(&self, value: &str) -> Result<(), SchemaError> {
        let fits = match &self.kind {
            AttributeKind::Boolean => value == "true",
            AttributeKind::OneOf { values } => values.iter().any(|v| v == value),
            AttributeKind::Text => value.chars().count() <= MAX_NOTE_CHARS,
        };
        if fits {
            Ok(())
        } else {
            Err(SchemaError::BadAttributeValue { attribute: self.id.clone(), value: value.chars().take(80).collect(), expected: self.kind.describe() })
        }
    }
}

impl AttributeKind {
    /// What values it takes, for the analyst.
    pub fn describe(&self) -> String {
        match self {
            AttributeKind::Boolean => "true, or no value".to_owned(),
            AttributeKind::OneOf { values } => format!("one of {}", values.join(", ")),
            AttributeKind::Text => format!("text of up to {MAX_NOTE_CHARS} characters"),
        }
    }
}

/// The longest note or free-text attribute value, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;
/// The most relation types a schema holds.
pub const MAX_RELATION_TYPES: usize = 100;
/// The most attribute definitions a schema holds.
pub const MAX_ATTRIBUTES: usize = 100;

/// An ordered set of labels with unique ids and unique hotkeys, with the relation types
/// and attributes that go with them. Labels and relation types share one set of hotkeys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelSchema {
    labels: Vec<Label>,
    relation_types: Vec<RelationType>,
    attributes: Vec<AttributeDef>,
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
    /// The id is longer than [`MAX_LABEL_ID_CHARS`].
    #[error("a label id is {0} characters long; Spanmark takes label ids of up to {MAX_LABEL_ID_CHARS} characters")]
    IdTooLong(usize),
    /// The schema already holds [`MAX_LABELS`] labels.
    #[error("the schema already has {MAX_LABELS} labels, the most Spanmark holds")]
    TooMany,
    /// The hotkey is not a key a label may take.
    #[error("{0}")]
    BadHotkey(HotkeyError),
    /// The schema already holds the most relation types or attributes it may.
    #[error("the schema already has {0} {1}, the most Spanmark holds")]
    TooManyOf(usize, &'static str),
    /// A relation type or attribute names a label or type the schema does not have.
    #[error("{what} {id:?} names {missing:?}, which is no label or relation type of the schema")]
    UnknownReference {
        /// What refers (`relation type`, `attribute`).
        what: &'static str,
        /// Its id.
        id: String,
        /// The id it names.
        missing: String,
    },
    /// An attribute value does not fit its definition.
    #[error("attribute {attribute:?} takes {expected}, not {value:?}")]
    BadAttributeValue {
        /// The attribute's id.
        attribute: String,
        /// The value given (cut to 80 characters).
        value: String,
        /// What it takes.
        expected: String,
    },
    /// A choice attribute has no values.
    #[error("attribute {0:?} is a choice with no values")]
    NoChoices(String),
}

/// The most labels a schema holds.
pub const MAX_LABELS: usize = 200;
/// The longest label id, in characters.
pub const MAX_LABEL_ID_CHARS: usize = 64;
/// The longest label name, in characters (a longer one is cut).
pub const MAX_LABEL_NAME_CHARS: usize = 100;
/// The longest label description, in characters (a longer one is cut).
pub const MAX_LABEL_DESCRIPTION_CHARS: usize = 500;

/// Why a key cannot be a label's hotkey.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HotkeyError {
    /// No key at all.
    #[error("an empty hotkey is no key")]
    Empty,
    /// A key the page needs for itself (moving focus, pressing buttons, scrolling) or a
    /// modifier that never fires alone.
    #[error("{0:?} moves focus, presses buttons, scrolls or modifies other keys, so it cannot tag")]
    Reserved(String),
    /// Not one printable character, nor F1 to F12.
    #[error("{0:?} is not one printable character or a function key F1 to F12")]
    NotAKey(String),
    /// A key that runs one of Spanmark's commands (`R` for a relation, `?` for help…).
    #[error("{0:?} runs a command of Spanmark's (R relation, E entity, N/Y/X suggestions, ? help), so it cannot tag")]
    Command(String),
}

/// The keys that run Spanmark's own commands in the document, in either case: no label or
/// relation type may take them.
pub const COMMAND_KEYS: [&str; 6] = ["r", "e", "n", "y", "x", "?"];

/// Checks that `key` (as a browser's `KeyboardEvent.key` names it) can be a hotkey: one
/// printable character other than a space, or a function key `F1` to `F12`. Tab, Enter,
/// Space, navigation and modifier keys, and the empty key, never are.
pub fn check_hotkey(key: &str) -> Result<(), HotkeyError> {
    const RESERVED: [&str; 20] = [
        "Tab", "Enter", " ", "Escape", "Backspace", "Delete", "PageUp", "PageDown", "Home", "End", "ArrowUp", "ArrowDown", "ArrowLeft",
        "ArrowRight", "Control", "Shift", "Alt", "Meta", "AltGraph", "CapsLock",
    ];
    if key.is_empty() {
        return Err(HotkeyError::Empty);
    }
    if RESERVED.contains(&key) || key.chars().all(char::is_whitespace) {
        return Err(HotkeyError::Reserved(key.to_owned()));
    }
    if COMMAND_KEYS.iter().any(|c| c.eq_ignore_ascii_case(key)) {
        return Err(HotkeyError::Command(key.to_owned()));
    }
    let mut chars = key.chars();
    let one = chars.next().filter(|_| chars.next().is_none());
    if let Some(c) = one {
        if !c.is_control() && !crate::document::is_bidi_control(c) && !c.is_whitespace() {
            return Ok(());
        }
    }
    let function_key = key.strip_prefix('F').and_then(|n| n.parse::<u8>().ok()).is_some_and(|n| (1..=12).contains(&n)) && !key.starts_with("F0");
    if function_key {
        return Ok(());
    }
    Err(HotkeyError::NotAKey(key.to_owned()))
}

impl Label {
    /// The label made fit for a schema, and what was changed, for the analyst: an
    /// unusable hotkey is dropped, a name or description too long is cut. The id and
    /// colour are left to [`LabelSchema::add`] to judge.
    pub fn fitted(mut self) -> (Label, Vec<String>) {
        let mut changes = Vec::new();
        if let Some(hotkey) = &self.hotkey {
            if let Err(why) = check_hotkey(hotkey) {
                changes.push(format!("label {:?} lost its hotkey: {why}", self.id.chars().take(40).collect::<String>()));
                self.hotkey = None;
            }
        }
        if self.name.chars().count() > MAX_LABEL_NAME_CHARS {
            changes.push(format!("the name of label {:?} was cut to {MAX_LABEL_NAME_CHARS} characters", self.id.chars().take(40).collect::<String>()));
            self.name = self.name.chars().take(MAX_LABEL_NAME_CHARS).collect();
        }
        if self.description.chars().count() > MAX_LABEL_DESCRIPTION_CHARS {
            self.description = self.description.chars().take(MAX_LABEL_DESCRIPTION_CHARS).collect();
        }
        (self, changes)
    }
}

/// Colours given to labels that arrive without one (from an import), in turn: each
/// keeps white text at 4.5:1 or more.
const SPARE_COLORS: [&str; 8] =
    ["#7a5440", "#5c5c5c", "#00687a", "#5f6300", "#8c3f2b", "#a0307f", "#4a4a8a", "#2f6b4f"];

/// The WCAG relative luminance of a `#rrggbb` colour (0 for black, 1 for white).
pub fn relative_luminance(color: &str) -> Option<f64> {
    if !is_hex_color(color) {
        return None;
    }
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&color[i..i + 2], 16).ok()?) / 255.0;
        Some(if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) })
    };
    Some(0.2126 * channel(1)? + 0.7152 * channel(3)? + 0.0722 * channel(5)?)
}

/// The WCAG contrast ratio of two `#rrggbb` colours (1 to 21).
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (relative_luminance(a)?, relative_luminance(b)?);
    Some((la.max(lb) + 0.05) / (la.min(lb) + 0.05))
}

/// The text colour to write on a label's colour: black or white, whichever contrasts
/// more (one of them always reaches 4.5:1).
pub fn text_color_on(background: &str) -> &'static str {
    let white = contrast_ratio(background, "#ffffff").unwrap_or(21.0);
    let black = contrast_ratio(background, "#000000").unwrap_or(1.0);
    if white >= black {
        "#ffffff"
    } else {
        "#000000"
    }
}

/// A colour to draw a label's underline with on the white page: the label's colour,
/// darkened just enough to reach 3:1 against white (WCAG's contrast for non-text).
pub fn underline_color(color: &str) -> String {
    let Some(rgb) = (1..7).step_by(2).map(|i| u8::from_str_radix(color.get(i..i + 2)?, 16).ok()).collect::<Option<Vec<u8>>>() else {
        return "#555555".to_owned();
    };
    let mut factor = 1.0_f64;
    loop {
        let c = format!("#{:02x}{:02x}{:02x}", (f64::from(rgb[0]) * factor) as u8, (f64::from(rgb[1]) * factor) as u8, (f64::from(rgb[2]) * factor) as u8);
        if contrast_ratio(&c, "#ffffff").unwrap_or(21.0) >= 3.0 || factor <= 0.0 {
            return c;
        }
        factor -= 0.05;
    }
}

impl LabelSchema {
    /// An empty schema.
    pub fn empty() -> Self {
        LabelSchema { labels: Vec::new(), relation_types: Vec::new(), attributes: Vec::new() }
    }

    /// The default schema for news analysis, on hotkeys 1 to 8.
    pub fn default_news() -> Self {
        let defs = [
            // Each colour keeps white text at 6:1 or more (WCAG AA asks 4.5:1) and shows as
            // an underline at the same contrast against the white page (3:1 asked).
            ("PERSON", "Person", "#2b5d8a", "People, real or fictional"),
            ("ORG", "Organisation", "#a34700", "Companies, agencies, institutions, armed forces"),
            ("GPE", "Geopolitical entity", "#2e7031", "Countries, cities, states, regions with a government"),
            ("LOC", "Location", "#1f6b66", "Places without a government: seas, mountains, regions"),
            ("FAC", "Facility", "#7a5c00", "Buildings, spaceports, bases, airports, bridges"),
            ("DATE", "Date", "#7b4a8a", "Absolute or relative dates and periods"),
            ("EVENT", "Event", "#b0305a", "Named meetings, wars, forums, disasters"),
            ("WEAPON", "Weapon", "#b3261e", "Arms and military equipment"),
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
        let mut schema = LabelSchema { labels, relation_types: Vec::new(), attributes: Vec::new() };
        let any = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let relations = [
            ("MEETS", "meets", "#2b5d8a", "m", false, any(&["PERSON"]), any(&["PERSON"]), "Two people meet (symmetric)"),
            ("LOCATED_IN", "located in", "#2e7031", "l", true, any(&["PERSON", "FAC", "EVENT", "ORG"]), any(&["GPE", "LOC", "FAC"]), "Someone or something is, or takes place, in a place"),
            ("SUPPLIES", "supplies", "#b3261e", "s", true, any(&["ORG", "GPE", "PERSON"]), any(&["ORG", "GPE", "PERSON"]), "One party supplies another (arms, goods, aid)"),
            ("MEMBER_OF", "member of", "#a34700", "o", true, any(&["PERSON", "ORG"]), any(&["ORG", "GPE"]), "A person or body belongs to, leads or represents an organisation or country"),
        ];
        for (id, name, color, hotkey, directed, from_labels, to_labels, description) in relations {
            let rt = RelationType { id: id.into(), name: name.into(), color: color.into(), hotkey: Some(hotkey.into()), directed, from_labels, to_labels, description: description.into() };
            schema.add_relation_type(usize::MAX, rt).expect("the default relation types fit");
        }
        let attributes = [
            AttributeDef { id: "uncertain".into(), name: "Uncertain".into(), kind: AttributeKind::Boolean, applies_to: Vec::new() },
            AttributeDef { id: "negated".into(), name: "Negated".into(), kind: AttributeKind::Boolean, applies_to: Vec::new() },
            AttributeDef {
                id: "role".into(),
                name: "Role".into(),
                kind: AttributeKind::OneOf { values: any(&["head of state", "official", "military", "spokesperson", "journalist", "other"]) },
                applies_to: any(&["PERSON"]),
            },
            AttributeDef { id: "weapon".into(), name: "Weapon".into(), kind: AttributeKind::Text, applies_to: any(&["SUPPLIES"]) },
        ];
        for a in attributes {
            schema.add_attribute(usize::MAX, a).expect("the default attributes fit");
        }
        schema
    }

    /// The relation types, in display order.
    pub fn relation_types(&self) -> &[RelationType] {
        &self.relation_types
    }

    /// The relation type with this id.
    pub fn relation_type(&self, id: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|t| t.id == id)
    }

    /// The attribute definitions, in display order.
    pub fn attributes(&self) -> &[AttributeDef] {
        &self.attributes
    }

    /// The attribute definition with this id.
    pub fn attribute(&self, id: &str) -> Option<&AttributeDef> {
        self.attributes.iter().find(|a| a.id == id)
    }

    /// What has this hotkey: a label or a relation type (by id).
    fn hotkey_owner(&self, hotkey: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|l| l.hotkey.as_deref() == Some(hotkey))
            .map(|l| l.id.as_str())
            .or_else(|| self.relation_types.iter().find(|t| t.hotkey.as_deref() == Some(hotkey)).map(|t| t.id.as_str()))
    }

    /// The relation type on this hotkey.
    pub fn relation_type_by_hotkey(&self, hotkey: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|t| t.hotkey.as_deref() == Some(hotkey))
    }

    fn check_id(&self, id: &str) -> Result<(), SchemaError> {
        if id.trim().is_empty() {
            return Err(SchemaError::EmptyId);
        }
        let chars = id.chars().count();
        if chars > MAX_LABEL_ID_CHARS {
            return Err(SchemaError::IdTooLong(chars));
        }
        if self.get(id).is_some() || self.relation_type(id).is_some() {
            return Err(SchemaError::DuplicateId(id.to_owned()));
        }
        Ok(())
    }

    fn check_free_hotkey(&self, hotkey: Option<&str>) -> Result<(), SchemaError> {
        let Some(hotkey) = hotkey else { return Ok(()) };
        check_hotkey(hotkey).map_err(SchemaError::BadHotkey)?;
        match self.hotkey_owner(hotkey) {
            Some(other) => Err(SchemaError::DuplicateHotkey { hotkey: hotkey.to_owned(), used_by: other.to_owned() }),
            None => Ok(()),
        }
    }

    /// Inserts a relation type at `index` (clamped), after checking its id (unique among
    /// labels and types), hotkey, colour, and that the labels it names exist.
    pub fn add_relation_type(&mut self, index: usize, rt: RelationType) -> Result<(), SchemaError> {
        self.check_id(&rt.id)?;
        if self.relation_types.len() >= MAX_RELATION_TYPES {
            return Err(SchemaError::TooManyOf(MAX_RELATION_TYPES, "relation types"));
        }
        if !is_hex_color(&rt.color) {
            return Err(SchemaError::BadColor(rt.color));
        }
        self.check_free_hotkey(rt.hotkey.as_deref())?;
        if let Some(missing) = rt.from_labels.iter().chain(&rt.to_labels).find(|l| self.get(l).is_none()) {
            return Err(SchemaError::UnknownReference { what: "relation type", id: rt.id.clone(), missing: missing.clone() });
        }
        self.relation_types.insert(index.min(self.relation_types.len()), rt);
        Ok(())
    }

    /// Removes the relation type with this id and returns it with the index it had.
    pub fn remove_relation_type(&mut self, id: &str) -> Option<(usize, RelationType)> {
        let at = self.relation_types.iter().position(|t| t.id == id)?;
        Some((at, self.relation_types.remove(at)))
    }

    /// Inserts an attribute definition at `index` (clamped), after checking its id is
    /// unique among attributes and that what it applies to exists.
    pub fn add_attribute(&mut self, index: usize, def: AttributeDef) -> Result<(), SchemaError> {
        if def.id.trim().is_empty() {
            return Err(SchemaError::EmptyId);
        }
        let chars = def.id.chars().count();
        if chars > MAX_LABEL_ID_CHARS {
            return Err(SchemaError::IdTooLong(chars));
        }
        if self.attribute(&def.id).is_some() {
            return Err(SchemaError::DuplicateId(def.id));
        }
        if self.attributes.len() >= MAX_ATTRIBUTES {
            return Err(SchemaError::TooManyOf(MAX_ATTRIBUTES, "attributes"));
        }
        if matches!(&def.kind, AttributeKind::OneOf { values } if values.is_empty()) {
            return Err(SchemaError::NoChoices(def.id));
        }
        if let Some(missing) = def.applies_to.iter().find(|t| self.get(t).is_none() && self.relation_type(t).is_none()) {
            return Err(SchemaError::UnknownReference { what: "attribute", id: def.id.clone(), missing: missing.clone() });
        }
        self.attributes.insert(index.min(self.attributes.len()), def);
        Ok(())
    }

    /// Removes the attribute definition with this id and returns it with the index it had.
    pub fn remove_attribute(&mut self, id: &str) -> Option<(usize, AttributeDef)> {
        let at = self.attributes.iter().position(|a| a.id == id)?;
        Some((at, self.attributes.remove(at)))
    }

    /// Relation types and attributes that name the label or relation type `id`.
    pub fn references_to(&self, id: &str) -> Vec<String> {
        let types = self.relation_types.iter().filter(|t| t.from_labels.iter().chain(&t.to_labels).any(|l| l == id)).map(|t| t.id.clone());
        let attributes = self.attributes.iter().filter(|a| a.applies_to.iter().any(|l| l == id)).map(|a| a.id.clone());
        types.chain(attributes).collect()
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

    /// Adds a label at the end, after checking that its id and hotkey are free and fit
    /// (see [`check_hotkey`], [`MAX_LABEL_ID_CHARS`], [`MAX_LABELS`]).
    pub fn add(&mut self, label: Label) -> Result<(), SchemaError> {
        if label.id.trim().is_empty() {
            return Err(SchemaError::EmptyId);
        }
        let id_chars = label.id.chars().count();
        if id_chars > MAX_LABEL_ID_CHARS {
            return Err(SchemaError::IdTooLong(id_chars));
        }
        if self.labels.len() >= MAX_LABELS {
            return Err(SchemaError::TooMany);
        }
        if let Some(hotkey) = &label.hotkey {
            check_hotkey(hotkey).map_err(SchemaError::BadHotkey)?;
        }
        self.check_id(&label.id)?;
        if !is_hex_color(&label.color) {
            return Err(SchemaError::BadColor(label.color));
        }
        self.check_free_hotkey(label.hotkey.as_deref())?;
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

/// Whether `s` is a colour of the form `#rrggbb`.
pub fn is_hex_color(s: &str) -> bool {
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
        assert_eq!(LabelSchema::from_labels(schema.labels().to_vec()).map(|s| s.labels().to_vec()), Ok(schema.labels().to_vec()));
        let meets = schema.relation_type("MEETS").unwrap();
        assert!(!meets.directed && meets.from_labels == ["PERSON"]);
        assert_eq!(schema.relation_type_by_hotkey("m").map(|t| t.id.as_str()), Some("MEETS"));
        assert_eq!(schema.attribute("weapon").map(|a| a.applies_to("SUPPLIES")), Some(true));
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

#[cfg(test)]
mod color_tests {
    use super::*;

    #[test]
    fn every_default_and_spare_colour_keeps_white_text_readable() {
        let schema = LabelSchema::default_news();
        let colours = schema.labels().iter().map(|l| l.color.clone()).chain(SPARE_COLORS.iter().map(|c| (*c).to_owned()));
        for c in colours {
            let ratio = contrast_ratio(&c, "#ffffff").unwrap();
            assert!(ratio >= 4.5, "{c}: {ratio:.2}");
            assert_eq!(text_color_on(&c), "#ffffff");
            assert_eq!(underline_color(&c), c, "a default colour needs no darkening");
        }
    }

    #[test]
    fn any_colour_gets_a_readable_text_and_a_visible_underline() {
        for c in ["#ffff00", "#76b7b2", "#ff7f9f", "#000000", "#ffffff", "#c9a227"] {
            let text = text_color_on(c);
            assert!(contrast_ratio(c, text).unwrap() >= 4.5, "{c} with {text}");
            let line = underline_color(c);
            assert!(contrast_ratio(&line, "#ffffff").unwrap() >= 3.0, "{c} → {line}");
        }
        assert_eq!(text_color_on("#ffff00"), "#000000");
        assert!((contrast_ratio("#000000", "#ffffff").unwrap() - 21.0).abs() < 1e-9);
    }
}

#[cfg(test)]
mod hotkey_tests {
    use super::*;

    #[test]
    fn only_printable_characters_and_function_keys_are_hotkeys() {
        for ok in ["1", "q", "Ж", "김", "F1", "F12"] {
            assert_eq!(check_hotkey(ok), Ok(()), "{ok}");
        }
        for command in ["r", "R", "?", "e", "N", "y", "x"] {
            assert!(matches!(check_hotkey(command), Err(HotkeyError::Command(_))), "{command:?}");
        }
        for reserved in ["Tab", "Enter", " ", "PageDown", "Control", "Shift", "Escape", "\t"] {
            assert!(matches!(check_hotkey(reserved), Err(HotkeyError::Reserved(_))), "{reserved:?}");
        }
        assert_eq!(check_hotkey(""), Err(HotkeyError::Empty));
        for not_a_key in ["F13", "F0", "ab", "\u{202e}", "\u{7}", "F01"] {
            assert!(matches!(check_hotkey(not_a_key), Err(HotkeyError::NotAKey(_))), "{not_a_key:?}");
        }
    }

    #[test]
    fn labels_are_fitted_and_schemas_bounded() {
        let label = Label { id: "X".into(), name: "n".repeat(150), color: "#000000".into(), hotkey: Some("Enter".into()), description: String::new() };
        let (fitted, changes) = label.fitted();
        assert_eq!((fitted.hotkey, fitted.name.chars().count()), (None, MAX_LABEL_NAME_CHARS));
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert!(changes[0].contains("\"Enter\" moves focus, presses buttons"), "{changes:?}");
        let mut schema = LabelSchema::empty();
        let long = schema.label_for_unknown_id(&"W".repeat(65));
        assert_eq!(schema.add(long), Err(SchemaError::IdTooLong(65)));
        for i in 0..MAX_LABELS {
            schema.add(schema.label_for_unknown_id(&format!("L{i}"))).unwrap();
        }
        assert_eq!(schema.add(schema.label_for_unknown_id("ONE_MORE")), Err(SchemaError::TooMany));
    }
}
