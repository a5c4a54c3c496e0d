//! The `Spanmark` class, continued: relations, notes and attributes.

use super::*;

#[wasm_bindgen]
impl Spanmark {

    /// The relations of a document: `[{id, type, from, to, extra}]`, each end
    /// `{id, label, text, startUtf16, endUtf16, firstBlock}`.
    pub fn relations(&self, doc_id: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        to_js(&doc.relations().iter().map(|r| RelationJs::new(doc, r)).collect::<Vec<_>>())
    }

    /// The relations with an end whose first block is in `[firstBlock, lastBlock]`: what
    /// the arcs near the screen need, without reading every relation of the document.
    #[wasm_bindgen(js_name = relationsNear)]
    pub fn relations_near(&self, doc_id: &str, first_block: usize, last_block: usize) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        // An annotation's first block is in the range when its start is after the end of
        // the block before `firstBlock` and not after the end of `lastBlock`.
        let blocks = doc.blocks();
        let Some(last) = blocks.get(last_block.min(blocks.len().saturating_sub(1))) else { return to_js(&Vec::<RelationJs>::new()) };
        let lo = first_block.checked_sub(1).and_then(|b| blocks.get(b)).map_or(0, |b| b.end + 1);
        // The annotations that start there (through the position index), then their relations.
        let mut ids = std::collections::BTreeSet::new();
        for a in doc.annotations().touching(lo..last.end + 1).filter(|a| (lo..=last.end).contains(&a.start_byte)) {
            ids.extend(doc.relations().of(&a.id).map(|r| r.id.as_str()));
        }
        to_js(&ids.into_iter().filter_map(|id| doc.relations().get(id)).map(|r| RelationJs::new(doc, r)).collect::<Vec<_>>())
    }

    /// The relations that have annotation `annotationId` as an end.
    #[wasm_bindgen(js_name = relationsOf)]
    pub fn relations_of(&self, doc_id: &str, annotation_id: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        to_js(&doc.relations().of(annotation_id).map(|r| RelationJs::new(doc, r)).collect::<Vec<_>>())
    }

    /// How many relations a document has.
    #[wasm_bindgen(js_name = relationCount)]
    pub fn relation_count(&self, doc_id: &str) -> Result<usize, JsError> {
        Ok(self.ws.document(doc_id)?.relations().len())
    }

    /// One relation.
    pub fn relation(&self, doc_id: &str, relation_id: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let r = doc.relations().get(relation_id).ok_or_else(|| JsError::new(&format!("no relation has id {relation_id:?} in this document")))?;
        to_js(&RelationJs::new(doc, r))
    }

    /// Links annotation `fromId` to `toId` with a relation of type `type`. Returns
    /// `{changed, reason, message, relation}`: when the two are already linked so, nothing
    /// changes and `reason` is `"duplicate"`. Throws, changing nothing, when the schema
    /// refuses the link (the message says what the type takes).
    #[wasm_bindgen(js_name = addRelation)]
    pub fn add_relation(&mut self, doc_id: &str, from_id: &str, to_id: &str, kind: &str) -> Result<JsValue, JsError> {
        let (changed, reason, message, r) = match self.ws.add_relation(doc_id, from_id, to_id, kind)? {
            RelationAdded::New(r) => (true, None, None, r),
            RelationAdded::Duplicate(r, why) => (false, Some("duplicate"), Some(why), r),
        };
        let doc = self.ws.document(doc_id)?;
        let r = doc.relations().get(&r.id).expect("added or found");
        to_js(&RelationEditJs { changed, reason, message, relation: RelationJs::new(doc, r) })
    }

    /// Removes a relation.
    #[wasm_bindgen(js_name = removeRelation)]
    pub fn remove_relation(&mut self, doc_id: &str, relation_id: &str) -> Result<(), JsError> {
        self.ws.remove_relation(doc_id, relation_id)?;
        Ok(())
    }

    /// Gives a relation another type.
    #[wasm_bindgen(js_name = setRelationType)]
    pub fn set_relation_type(&mut self, doc_id: &str, relation_id: &str, kind: &str) -> Result<(), JsError> {
        self.ws.set_relation_type(doc_id, relation_id, kind)?;
        Ok(())
    }

    /// Sets (or with `null` or blank text clears) the note of an annotation or relation
    /// (`itemKind` is `"annotation"` or `"relation"`).
    #[wasm_bindgen(js_name = setNote)]
    pub fn set_note(&mut self, doc_id: &str, item_kind: &str, id: &str, note: Option<String>) -> Result<(), JsError> {
        self.ws.set_note(doc_id, item_of(item_kind, id)?, note.as_deref())?;
        Ok(())
    }

    /// Sets (or with `null` clears) an attribute of an annotation or relation.
    #[wasm_bindgen(js_name = setAttribute)]
    pub fn set_attribute(&mut self, doc_id: &str, item_kind: &str, id: &str, name: &str, value: Option<String>) -> Result<(), JsError> {
        self.ws.set_attribute(doc_id, item_of(item_kind, id)?, name, value.as_deref())?;
        Ok(())
    }
}
