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
    /// The id is longer than [`MAX_LABEL_ID_CHARS`].
    #[error("a label id is {0} characters long; Spanmark takes label ids of up to {MAX_LABEL_ID_CHARS} characters")]
    IdTooLong(usize),
    /// The schema already holds [`MAX_LABELS`] labels.
    #[error("the schema already has {MAX_LABELS} labels, the most Spanmark holds")]
    TooMany,
    /// The hotkey is not a key a label may take.
    #[error("{0}")]
    BadHotkey(HotkeyError),
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
}

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
        LabelSchema { labels: Vec::new() }
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
        for ok in ["1", "q", "Ж", "김", "?", "F1", "F12"] {
            assert_eq!(check_hotkey(ok), Ok(()), "{ok}");
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
