//! The schema: labels, relation types and attributes added, changed and removed.

use super::*;

impl Workspace {

    /// Adds a label at the end of the schema.
    pub fn add_label(&mut self, label: Label) -> Result<(), EditError> {
        self.commit(format!("Add label {}", label.id), vec![Op::InsertLabel { index: usize::MAX, label }])?;
        Ok(())
    }

    /// Changes a label's name, colour, hotkey or description (found by its id).
    pub fn update_label(&mut self, label: Label) -> Result<(), EditError> {
        if self.schema.get(&label.id) == Some(&label) {
            return Ok(());
        }
        self.commit(format!("Edit label {}", label.id), vec![Op::ReplaceLabel { label }])?;
        Ok(())
    }

    /// Removes a label, and with it every annotation that has it (and their relations),
    /// as one step. [`Workspace::label_usage`] says how many that is, to ask first.
    pub fn remove_label(&mut self, id: &str) -> Result<usize, EditError> {
        if self.schema.get(id).is_none() {
            return Err(EditError::NoSuchLabel(id.to_owned()));
        }
        let mut ops = Vec::new();
        let mut removed = 0;
        for doc in &self.documents {
            let gone: BTreeSet<&str> = doc.annotations.iter().filter(|a| a.label == id).map(|a| a.id.as_str()).collect();
            let relations: BTreeSet<&str> = gone.iter().flat_map(|a| doc.relations.of(a)).map(|r| r.id.as_str()).collect();
            ops.extend(relations.into_iter().map(|r| Op::DeleteRelation { doc: doc.id().to_owned(), id: r.to_owned() }));
            removed += gone.len();
            ops.extend(gone.into_iter().map(|a| Op::DeleteAnnotation { doc: doc.id().to_owned(), id: a.to_owned() }));
        }
        ops.push(Op::DeleteLabel { id: id.to_owned() });
        self.commit(format!("Remove label {id} ({removed} annotations)"), ops)?;
        Ok(removed)
    }

    /// Adds a relation type at the end of the schema.
    pub fn add_relation_type(&mut self, relation_type: RelationType) -> Result<(), EditError> {
        self.commit(format!("Add relation type {}", relation_type.id), vec![Op::InsertRelationType { index: usize::MAX, relation_type }])?;
        Ok(())
    }

    /// Changes a relation type (found by its id); refused if relations of the type would no longer fit.
    pub fn update_relation_type(&mut self, relation_type: RelationType) -> Result<(), EditError> {
        if self.schema.relation_type(&relation_type.id) == Some(&relation_type) {
            return Ok(());
        }
        self.commit(format!("Edit relation type {}", relation_type.id), vec![Op::ReplaceRelationType { relation_type }])?;
        Ok(())
    }

    /// Removes a relation type and every relation of it, as one step.
    pub fn remove_relation_type(&mut self, id: &str) -> Result<usize, EditError> {
        if self.schema.relation_type(id).is_none() {
            return Err(EditError::NoSuchRelationType(id.to_owned()));
        }
        let mut ops: Vec<Op> = Vec::new();
        for doc in &self.documents {
            ops.extend(doc.relations.iter().filter(|r| r.kind == id).map(|r| Op::DeleteRelation { doc: doc.id().to_owned(), id: r.id.clone() }));
        }
        let removed = ops.len();
        ops.push(Op::DeleteRelationType { id: id.to_owned() });
        self.commit(format!("Remove relation type {id} ({removed} relations)"), ops)?;
        Ok(removed)
    }

    /// Adds an attribute definition at the end of the schema.
    pub fn add_attribute(&mut self, attribute: AttributeDef) -> Result<(), EditError> {
        self.commit(format!("Add attribute {}", attribute.id), vec![Op::InsertAttribute { index: usize::MAX, attribute }])?;
        Ok(())
    }

    /// Changes an attribute definition (found by its id); refused if values set would no longer fit.
    pub fn update_attribute(&mut self, attribute: AttributeDef) -> Result<(), EditError> {
        if self.schema.attribute(&attribute.id) == Some(&attribute) {
            return Ok(());
        }
        self.commit(format!("Edit attribute {}", attribute.id), vec![Op::ReplaceAttribute { attribute }])?;
        Ok(())
    }

    /// Removes an attribute definition and clears its values everywhere, as one step.
    pub fn remove_attribute(&mut self, id: &str) -> Result<usize, EditError> {
        if self.schema.attribute(id).is_none() {
            return Err(EditError::NoSuchAttribute(id.to_owned()));
        }
        let mut ops: Vec<Op> = Vec::new();
        for doc in &self.documents {
            let clear = |item: Item| Op::SetAttribute { doc: doc.id().to_owned(), item, name: id.to_owned(), value: None };
            ops.extend(doc.annotations.iter().filter(|a| a.extra().attributes.contains_key(id)).map(|a| clear(Item::Annotation(a.id.clone()))));
            ops.extend(doc.relations.iter().filter(|r| r.extra().attributes.contains_key(id)).map(|r| clear(Item::Relation(r.id.clone()))));
        }
        let cleared = ops.len();
        ops.push(Op::DeleteAttribute { id: id.to_owned() });
        self.commit(format!("Remove attribute {id} ({cleared} values)"), ops)?;
        Ok(cleared)
    }

    /// Gives an annotation another label, keeping its id and span.
    pub fn relabel_annotation(&mut self, doc_id: &str, annotation_id: &str, label: &str) -> Result<Relabelled, EditError> {
        if self.schema.get(label).is_none() {
            return Err(EditError::NoSuchLabel(label.to_owned()));
        }
        let doc = self.document(doc_id)?;
        let current =
            doc.annotations.get(annotation_id).cloned().ok_or_else(|| EditError::NoSuchAnnotation(annotation_id.to_owned()))?;
        if current.label == label {
            return Ok(Relabelled::Unchanged(current));
        }
        if let Some(other) = doc.annotations.find_exact(current.start_byte, current.end_byte, label) {
            return Ok(Relabelled::WouldDuplicate(other.clone()));
        }
        let summary = format!("Relabel “{}” {} → {label}", short(current.quote(doc.text()), 40), current.label);
        let op = Op::SetLabel { doc: doc_id.to_owned(), id: annotation_id.to_owned(), label: label.to_owned() };
        self.commit(summary, vec![op])?;
        Ok(Relabelled::Changed(Annotation { label: label.to_owned(), ..current }))
    }

    /// The annotations that contain the character at `byte_idx`, innermost first.
    pub fn annotations_at(&self, doc_id: &str, byte_idx: usize) -> Result<Vec<&Annotation>, EditError> {
        Ok(self.document(doc_id)?.annotations.at(byte_idx))
    }

    /// The highlight segments tiling `range` (UTF-8 bytes) of a document: see [`crate::segments`].
    pub fn segments(&self, doc_id: &str, range: Range<usize>) -> Result<Vec<Segment>, EditError> {
        let doc = self.document(doc_id)?;
        let len = doc.text().len();
        if range.end > len {
            return Err(OffsetError::OutOfBounds { unit: Unit::Byte, index: range.end, len }.into());
        }
        Ok(segments(&doc.annotations, range))
    }
}
