//! The `Spanmark` class, continued: the entity registry.

use super::*;

#[wasm_bindgen]
impl Spanmark {

    /// The registry: `[{id, type, name, aliases, identifiers, note, shownName, mentions, documents}]`.
    pub fn entities(&self) -> Result<JsValue, JsError> {
        let list: Vec<EntityJs> = self
            .ws
            .entity_summaries()
            .into_iter()
            .map(|s| EntityJs { entity: s.entity, shown_name: spanmark_core::with_visible_controls(&s.entity.name), mentions: s.mentions, documents: s.documents })
            .collect();
        to_js(&list)
    }

    /// One entity: `{id, type, name, aliases, identifiers, note}`.
    pub fn entity(&self, id: &str) -> Result<JsValue, JsError> {
        to_js(self.ws.entity(id)?)
    }

    /// Every mention of an entity with 60 characters of context on each side:
    /// `[{docId, docTitle, annotationId, label, startUtf16, endUtf16, text, before, after}]`.
    #[wasm_bindgen(js_name = entityMentions)]
    pub fn entity_mentions(&self, id: &str) -> Result<JsValue, JsError> {
        let mut out = Vec::new();
        for (doc_id, a) in self.ws.entity_mentions(id) {
            let doc = self.ws.document(doc_id)?;
            let text = doc.text();
            let before_start = text[..a.start_byte].char_indices().rev().nth(59).map_or(0, |(i, _)| i);
            let after_end = text[a.end_byte..].char_indices().nth(60).map_or(text.len(), |(i, _)| a.end_byte + i);
            out.push(MentionJs {
                doc_id: doc.id(),
                doc_title: doc.title(),
                annotation_id: &a.id,
                label: &a.label,
                start_utf16: byte_to_utf16(doc, a.start_byte),
                end_utf16: byte_to_utf16(doc, a.end_byte),
                text: a.quote(text),
                before: &text[before_start..a.start_byte],
                after: &text[a.end_byte..after_end],
            });
        }
        to_js(&out)
    }

    /// Adds an entity of type `type` (a label id) named `name`; returns its id.
    #[wasm_bindgen(js_name = addEntity)]
    pub fn add_entity(&mut self, kind: &str, name: &str) -> Result<String, JsError> {
        Ok(self.ws.add_entity(kind, name)?)
    }

    /// Links an annotation to an entity.
    #[wasm_bindgen(js_name = linkEntity)]
    pub fn link_entity(&mut self, doc_id: &str, annotation_id: &str, entity_id: &str) -> Result<(), JsError> {
        Ok(self.ws.link_entity(doc_id, annotation_id, entity_id)?)
    }

    /// Makes a new entity from an annotation (named `name`, or after its text) and links it; returns the entity's id.
    #[wasm_bindgen(js_name = linkNewEntity)]
    pub fn link_new_entity(&mut self, doc_id: &str, annotation_id: &str, name: Option<String>) -> Result<String, JsError> {
        Ok(self.ws.link_new_entity(doc_id, annotation_id, name.as_deref())?)
    }

    /// Unlinks an annotation from its entity.
    #[wasm_bindgen(js_name = unlinkEntity)]
    pub fn unlink_entity(&mut self, doc_id: &str, annotation_id: &str) -> Result<(), JsError> {
        Ok(self.ws.unlink_entity(doc_id, annotation_id)?)
    }

    /// Merges entity `goneId` into `keepId` (mentions, names, identifiers), as one step; returns how many mentions moved.
    #[wasm_bindgen(js_name = mergeEntities)]
    pub fn merge_entities(&mut self, keep_id: &str, gone_id: &str) -> Result<usize, JsError> {
        Ok(self.ws.merge_entities(keep_id, gone_id)?)
    }

    /// Splits mentions `[[docId, annotationId], …]` off entity `id` into a new entity named `name`; returns its id.
    #[wasm_bindgen(js_name = splitEntity)]
    pub fn split_entity(&mut self, id: &str, mentions: JsValue, name: &str) -> Result<String, JsError> {
        let mentions: Vec<(String, String)> = from_js(mentions, "list of [docId, annotationId] pairs")?;
        Ok(self.ws.split_entity(id, &mentions, name)?)
    }

    /// Changes an entity `{id, type, name, aliases, identifiers, note}`, found by its id.
    #[wasm_bindgen(js_name = updateEntity)]
    pub fn update_entity(&mut self, entity: JsValue) -> Result<(), JsError> {
        Ok(self.ws.update_entity(from_js(entity, "entity")?)?)
    }

    /// Removes an entity, unlinking its mentions, as one step; returns how many were unlinked.
    #[wasm_bindgen(js_name = removeEntity)]
    pub fn remove_entity(&mut self, id: &str) -> Result<usize, JsError> {
        Ok(self.ws.remove_entity(id)?)
    }
}
