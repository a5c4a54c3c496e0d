//! Relations between annotations, notes and attributes: the edits.

use super::*;

impl Workspace {

    /// Links annotation `from` to annotation `to` with a relation of type `kind`.
    ///
    /// Linking them so again changes nothing and returns [`RelationAdded::Duplicate`]
    /// with the existing relation and why; a link the schema refuses is an error that
    /// says what the type takes.
    pub fn add_relation(&mut self, doc_id: &str, from: &str, to: &str, kind: &str) -> Result<RelationAdded, EditError> {
        let doc = self.document(doc_id)?;
        let probe = Relation::new(String::new(), kind, from, to);
        match self.check_relation(doc, &probe) {
            Ok(()) => {}
            Err(EditError::DuplicateRelation { existing, .. }) => {
                let existing = doc.relations.get(&existing).cloned().expect("found by the check");
                let why = EditError::DuplicateRelation { kind: kind.to_owned(), existing: existing.id.clone(), from: short(doc.annotations.get(from).map_or("", |a| a.quote(doc.text())), 40), to: short(doc.annotations.get(to).map_or("", |a| a.quote(doc.text())), 40) };
                return Ok(RelationAdded::Duplicate(existing, why.to_string()));
            }
            Err(e) => return Err(e),
        }
        let quote = |id: &str| short(doc.annotations.get(id).map_or("", |a| a.quote(doc.text())), 30);
        let summary = format!("Link “{}” {kind} “{}”", quote(from), quote(to));
        let id = self.fresh_relation_id(doc_id)?;
        let relation = Relation::new(id, kind, from, to);
        self.commit(summary, vec![Op::InsertRelation { doc: doc_id.to_owned(), relation: relation.clone() }])?;
        Ok(RelationAdded::New(relation))
    }

    /// Removes a relation and returns it.
    pub fn remove_relation(&mut self, doc_id: &str, relation_id: &str) -> Result<Relation, EditError> {
        let r = self.document(doc_id)?.relations.get(relation_id).cloned().ok_or_else(|| EditError::NoSuchRelation(relation_id.to_owned()))?;
        self.commit(format!("Remove relation {}", r.kind), vec![Op::DeleteRelation { doc: doc_id.to_owned(), id: relation_id.to_owned() }])?;
        Ok(r)
    }

    /// Gives a relation another type (nothing changes if it has that type already).
    pub fn set_relation_type(&mut self, doc_id: &str, relation_id: &str, kind: &str) -> Result<(), EditError> {
        let r = self.document(doc_id)?.relations.get(relation_id).ok_or_else(|| EditError::NoSuchRelation(relation_id.to_owned()))?;
        if r.kind == kind {
            return Ok(());
        }
        let summary = format!("Relation {} → {kind}", r.kind);
        self.commit(summary, vec![Op::SetRelationType { doc: doc_id.to_owned(), id: relation_id.to_owned(), kind: kind.to_owned() }])?;
        Ok(())
    }

    /// Sets (or, with `None` or blank text, clears) the note of an annotation or relation.
    pub fn set_note(&mut self, doc_id: &str, item: Item, note: Option<&str>) -> Result<(), EditError> {
        let doc = self.document(doc_id)?;
        let current = match &item {
            Item::Annotation(id) => doc.annotations.get(id).map(|a| a.extra().note.clone()).ok_or_else(|| EditError::NoSuchAnnotation(id.clone()))?,
            Item::Relation(id) => doc.relations.get(id).map(|r| r.extra().note.clone()).ok_or_else(|| EditError::NoSuchRelation(id.clone()))?,
        };
        let note = note.filter(|n| !n.trim().is_empty());
        if current.as_deref() == note {
            return Ok(());
        }
        let summary = if note.is_some() { "Note" } else { "Clear note" };
        self.commit(summary.to_owned(), vec![Op::SetNote { doc: doc_id.to_owned(), item, note: note.map(str::to_owned) }])?;
        Ok(())
    }

    /// Sets (or, with `None`, clears) an attribute of an annotation or relation.
    pub fn set_attribute(&mut self, doc_id: &str, item: Item, name: &str, value: Option<&str>) -> Result<(), EditError> {
        let doc = self.document(doc_id)?;
        let current = match &item {
            Item::Annotation(id) => doc.annotations.get(id).map(|a| a.extra().attributes.get(name).cloned()).ok_or_else(|| EditError::NoSuchAnnotation(id.clone()))?,
            Item::Relation(id) => doc.relations.get(id).map(|r| r.extra().attributes.get(name).cloned()).ok_or_else(|| EditError::NoSuchRelation(id.clone()))?,
        };
        if current.as_deref() == value {
            return Ok(());
        }
        let summary = match value {
            Some(v) => format!("{name} = {}", short(v, 30)),
            None => format!("Clear {name}"),
        };
        self.commit(summary, vec![Op::SetAttribute { doc: doc_id.to_owned(), item, name: name.to_owned(), value: value.map(str::to_owned) }])?;
        Ok(())
    }
}
