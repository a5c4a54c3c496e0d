//! Suggestions: the gazetteer, rejections, and annotate-all.

use super::*;

impl Workspace {

    /// The analyst's gazetteer (TSV), if any.
    pub fn gazetteer(&self) -> Option<&str> {
        self.gazetteer.as_deref()
    }

    /// Sets (or with `None` removes) the analyst's gazetteer, as one undoable step. The
    /// caller has checked it (see [`crate::suggest::parse_gazetteer`]).
    pub fn set_gazetteer(&mut self, text: Option<String>) -> Result<(), EditError> {
        let summary = if text.is_some() { "Load gazetteer" } else { "Remove gazetteer" };
        self.commit(summary.to_owned(), vec![Op::SetGazetteer { text }]).map(|_| ())
    }

    /// Rejects a suggestion (`label` over `range` of document `doc`): it is not suggested again.
    pub fn reject_suggestion(&mut self, doc: &str, range: Range<usize>, label: &str) -> Result<(), EditError> {
        let d = self.document(doc)?;
        if d.rejected.contains(&(range.start, range.end, label.to_owned())) {
            return Ok(());
        }
        let summary = format!("Reject {label} “{}”", short(d.text().get(range.clone()).unwrap_or(""), 40));
        self.commit(summary, vec![Op::SetRejected { doc: doc.to_owned(), start_byte: range.start, end_byte: range.end, label: label.to_owned(), rejected: true }]).map(|_| ())
    }

    /// Accepts a suggestion as an annotation of `label`, in one undoable step. A pattern's
    /// label that the schema lacks (EMAIL, URL, PHONE, IBAN, COORDINATES, DATE) is added
    /// first, with a spare colour and no hotkey. A gazetteer's entity id (`entity`, such as
    /// a Wikidata QID) links the annotation to the registry's entity with that identifier,
    /// or to a new one named by the text, with the identifier.
    pub fn accept_suggestion(&mut self, doc_id: &str, range: Range<usize>, label: &str, entity: Option<&str>) -> Result<Added, EditError> {
        let entity = entity.map(str::trim).filter(|e| !e.is_empty());
        if self.schema.get(label).is_some() && entity.is_none() {
            return self.add_annotation(doc_id, range, label);
        }
        let doc = self.document(doc_id)?;
        doc.offsets().check_boundary(range.start, Unit::Byte)?;
        doc.offsets().check_boundary(range.end, Unit::Byte)?;
        if range.start >= range.end {
            return Err(EditError::EmptySpan { start_byte: range.start, end_byte: range.end });
        }
        let text = doc.text()[range.clone()].to_owned();
        if let Some(existing) = doc.annotations.find_exact(range.start, range.end, label) {
            return Ok(Added::Duplicate(existing.clone()));
        }
        let mut ops = Vec::new();
        let mut summary = format!("Tag {label} “{}”", short(&text, 40));
        if self.schema.get(label).is_none() {
            ops.push(Op::InsertLabel { index: usize::MAX, label: self.schema.label_for_unknown_id(label) });
            summary = format!("Add label {label} and tag “{}”", short(&text, 40));
        }
        let mut annotation = Annotation::new(self.fresh_annotation_id(doc_id)?, range, label);
        if let Some(kb) = entity {
            let known = self.entities.values().find(|e| e.identifiers.iter().any(|r| r.id == kb)).map(|e| e.id.clone());
            let id = match known {
                Some(id) => id,
                None => {
                    let id = self.fresh_entity_id();
                    let mut e = Entity::new(id.clone(), label, text.clone());
                    let resource = if kb.strip_prefix('Q').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) { "Wikidata" } else { "gazetteer" };
                    e.identifiers.push(crate::annotation::EntityRef { resource: resource.to_owned(), id: kb.to_owned(), text: String::new() });
                    ops.push(Op::InsertEntity { entity: e });
                    id
                }
            };
            annotation.extra = Some(Box::new(AnnotationExtra { entity: Some(id), ..AnnotationExtra::default() }));
        }
        ops.push(Op::InsertAnnotation { doc: doc_id.to_owned(), annotation: annotation.clone() });
        self.commit(summary, ops)?;
        Ok(Added::New(annotation))
    }

    /// Adds every span of `items` (`(document id, byte range, label)`) to the analyst's own
    /// layer as one undoable step (a curator accepting what two annotators agree on);
    /// spans already there with that label are skipped. Returns how many were added.
    pub fn add_spans(&mut self, items: &[(String, Range<usize>, String)], summary: &str) -> Result<usize, EditError> {
        let mut ops = Vec::new();
        let mut seen: BTreeSet<(&str, usize, usize, &str)> = BTreeSet::new();
        for (doc, range, label) in items {
            if self.schema.get(label).is_none() {
                return Err(EditError::NoSuchLabel(label.clone()));
            }
            let d = self.document(doc)?;
            d.offsets().check_boundary(range.start, Unit::Byte)?;
            d.offsets().check_boundary(range.end, Unit::Byte)?;
            if range.start >= range.end {
                return Err(EditError::EmptySpan { start_byte: range.start, end_byte: range.end });
            }
            if d.annotations.find_exact(range.start, range.end, label).is_some() || !seen.insert((doc, range.start, range.end, label)) {
                continue;
            }
            let id = self.fresh_annotation_id(doc)?;
            ops.push(Op::InsertAnnotation { doc: doc.clone(), annotation: Annotation::new(id, range.clone(), label.clone()) });
        }
        let n = ops.len();
        if n > 0 {
            self.commit(format!("{summary} ({n} annotations)"), ops)?;
        }
        Ok(n)
    }

    /// Tags every span of `items` (`(document id, byte range)`) with `label`, linked to
    /// `entity` if given, as one undoable step; spans already tagged so are skipped.
    /// Returns the annotations added, as `(document id, annotation)`.
    pub fn annotate_all(&mut self, items: &[(String, Range<usize>)], label: &str, entity: Option<&str>) -> Result<Vec<(String, Annotation)>, EditError> {
        if self.schema.get(label).is_none() {
            return Err(EditError::NoSuchLabel(label.to_owned()));
        }
        if let Some(e) = entity {
            self.entity(e)?;
        }
        let mut added: Vec<(String, Annotation)> = Vec::new();
        let mut ops = Vec::new();
        for (doc, range) in items {
            let d = self.document(doc)?;
            d.offsets().check_boundary(range.start, Unit::Byte)?;
            d.offsets().check_boundary(range.end, Unit::Byte)?;
            if range.start >= range.end {
                return Err(EditError::EmptySpan { start_byte: range.start, end_byte: range.end });
            }
            if d.annotations.find_exact(range.start, range.end, label).is_some() || added.iter().any(|(x, a)| x == doc && a.range() == *range) {
                continue;
            }
            let id = self.fresh_annotation_id(doc)?;
            let mut a = Annotation::new(id, range.clone(), label);
            if let Some(e) = entity {
                a.extra = Some(Box::new(AnnotationExtra { entity: Some(e.to_owned()), ..AnnotationExtra::default() }));
            }
            ops.push(Op::InsertAnnotation { doc: doc.clone(), annotation: a.clone() });
            added.push((doc.clone(), a));
        }
        if ops.is_empty() {
            return Ok(added);
        }
        let first = &added[0];
        let quote = self.document(&first.0).map(|d| short(first.1.quote(d.text()), 30)).unwrap_or_default();
        self.commit(format!("Tag {label} “{quote}” {} time(s)", added.len()), ops)?;
        Ok(added)
    }
}
