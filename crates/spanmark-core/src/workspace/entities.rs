//! The entity registry: link, merge, split, rename, remove.

use super::*;

impl Workspace {

    /// Checks an entity: a name, and a type the schema has.
    pub(super) fn check_entity(schema: &LabelSchema, e: &Entity) -> Result<(), EditError> {
        if e.name.trim().is_empty() {
            return Err(EditError::EmptyName);
        }
        if schema.get(&e.kind).is_none() {
            return Err(EditError::NoSuchLabel(e.kind.clone()));
        }
        Ok(())
    }

    /// The registry's entities, by id.
    pub fn entities(&self) -> impl Iterator<Item = &Entity> {
        self.entities.values()
    }

    /// The entity with this id.
    pub fn entity(&self, id: &str) -> Result<&Entity, EditError> {
        self.entities.get(id).ok_or_else(|| EditError::NoSuchEntity(id.to_owned()))
    }

    /// The registry entities that these documents mention, by id.
    pub fn entities_of(&self, docs: &[&Document]) -> Vec<Entity> {
        let ids: BTreeSet<&str> = docs.iter().flat_map(|d| d.annotations().iter().filter_map(|a| a.extra().entity.as_deref())).collect();
        ids.into_iter().filter_map(|id| self.entities.get(id).cloned()).collect()
    }

    /// Every mention of an entity: `(document id, annotation)`, in document order.
    pub fn entity_mentions(&self, id: &str) -> Vec<(&str, &Annotation)> {
        self.documents.iter().flat_map(|d| d.annotations().iter().filter(|a| a.extra().entity.as_deref() == Some(id)).map(move |a| (d.id(), a))).collect()
    }

    /// Every entity with how many annotations mention it and in how many documents.
    pub fn entity_summaries(&self) -> Vec<EntitySummary<'_>> {
        let mut counts: HashMap<&str, (usize, BTreeSet<usize>)> = HashMap::new();
        for (i, d) in self.documents.iter().enumerate() {
            for a in d.annotations().iter() {
                if let Some(e) = a.extra().entity.as_deref() {
                    let c = counts.entry(e).or_default();
                    c.0 += 1;
                    c.1.insert(i);
                }
            }
        }
        self.entities
            .values()
            .map(|e| {
                let (mentions, docs) = counts.get(e.id.as_str()).map_or((0, 0), |(m, d)| (*m, d.len()));
                EntitySummary { entity: e, mentions, documents: docs }
            })
            .collect()
    }

    pub(super) fn fresh_entity_id(&mut self) -> String {
        self.changes.insert(Changed::Settings);
        let mut counter = self.next_annotation;
        let id = fresh_id("e", &self.id_scope, &mut counter, |c| self.entities.contains_key(c));
        self.next_annotation = counter;
        id
    }

    /// The annotation `id` of document `doc`, or why not.
    pub(super) fn annotation_in(&self, doc: &str, id: &str) -> Result<&Annotation, EditError> {
        self.document(doc)?.annotations.get(id).ok_or_else(|| EditError::NoSuchAnnotation(id.to_owned()))
    }

    /// Adds an entity of type `kind` named `name` to the registry; returns its id.
    pub fn add_entity(&mut self, kind: &str, name: &str) -> Result<String, EditError> {
        let id = self.fresh_entity_id();
        let entity = Entity::new(id.clone(), kind, name.trim());
        self.commit(format!("New entity “{}”", short(name, 40)), vec![Op::InsertEntity { entity }])?;
        Ok(id)
    }

    /// Links an annotation to an entity (nothing changes if it is linked to it already).
    pub fn link_entity(&mut self, doc: &str, annotation: &str, entity: &str) -> Result<(), EditError> {
        let a = self.annotation_in(doc, annotation)?;
        if a.extra().entity.as_deref() == Some(entity) {
            return Ok(());
        }
        let name = self.entity(entity)?.name.clone();
        let summary = format!("Link “{}” to {}", short(a.quote(self.document(doc)?.text()), 30), short(&name, 30));
        self.commit(summary, vec![Op::SetEntity { doc: doc.to_owned(), annotation: annotation.to_owned(), entity: Some(entity.to_owned()) }])
            .map(|_| ())
    }

    /// Makes a new entity named after an annotation's text (or `name`), of its label's
    /// type, and links the annotation to it, as one step; returns the entity's id.
    pub fn link_new_entity(&mut self, doc: &str, annotation: &str, name: Option<&str>) -> Result<String, EditError> {
        let a = self.annotation_in(doc, annotation)?;
        let name = name.map(str::trim).filter(|n| !n.is_empty()).unwrap_or_else(|| a.quote(self.document(doc).map(|d| d.text()).unwrap_or(""))).to_owned();
        let kind = a.label.clone();
        let id = self.fresh_entity_id();
        let ops = vec![
            Op::InsertEntity { entity: Entity::new(id.clone(), kind, name.clone()) },
            Op::SetEntity { doc: doc.to_owned(), annotation: annotation.to_owned(), entity: Some(id.clone()) },
        ];
        self.commit(format!("New entity “{}”", short(&name, 40)), ops)?;
        Ok(id)
    }

    /// Unlinks an annotation from its entity.
    pub fn unlink_entity(&mut self, doc: &str, annotation: &str) -> Result<(), EditError> {
        if self.annotation_in(doc, annotation)?.extra().entity.is_none() {
            return Ok(());
        }
        self.commit("Unlink entity".to_owned(), vec![Op::SetEntity { doc: doc.to_owned(), annotation: annotation.to_owned(), entity: None }]).map(|_| ())
    }

    /// Merges entity `gone` into `keep`: its mentions link to `keep`, its names and
    /// identifiers join `keep`'s, and it leaves the registry, as one step.
    pub fn merge_entities(&mut self, keep: &str, gone: &str) -> Result<usize, EditError> {
        if keep == gone {
            return Ok(0);
        }
        let (k, g) = (self.entity(keep)?.clone(), self.entity(gone)?.clone());
        let mentions: Vec<(String, String)> = self.entity_mentions(gone).into_iter().map(|(d, a)| (d.to_owned(), a.id.clone())).collect();
        let mut ops: Vec<Op> = mentions.iter().map(|(d, a)| Op::SetEntity { doc: d.clone(), annotation: a.clone(), entity: Some(keep.to_owned()) }).collect();
        ops.push(Op::ReplaceEntity { entity: k.absorbing(&g) });
        ops.push(Op::DeleteEntity { id: gone.to_owned() });
        self.commit(format!("Merge “{}” into “{}”", short(&g.name, 30), short(&k.name, 30)), ops)?;
        Ok(mentions.len())
    }

    /// Splits mentions off entity `id` into a new entity named `name` (same type), as one
    /// step; returns the new entity's id.
    pub fn split_entity(&mut self, id: &str, mentions: &[(String, String)], name: &str) -> Result<String, EditError> {
        let kind = self.entity(id)?.kind.clone();
        for (d, a) in mentions {
            if self.annotation_in(d, a)?.extra().entity.as_deref() != Some(id) {
                return Err(EditError::NoSuchAnnotation(a.clone()));
            }
        }
        let new = self.fresh_entity_id();
        let mut ops = vec![Op::InsertEntity { entity: Entity::new(new.clone(), kind, name.trim()) }];
        ops.extend(mentions.iter().map(|(d, a)| Op::SetEntity { doc: d.clone(), annotation: a.clone(), entity: Some(new.clone()) }));
        self.commit(format!("Split {} mention(s) into “{}”", mentions.len(), short(name, 30)), ops)?;
        Ok(new)
    }

    /// Changes an entity (its name, aliases, identifiers, note or type), found by its id.
    pub fn update_entity(&mut self, entity: Entity) -> Result<(), EditError> {
        if self.entity(&entity.id)? == &entity {
            return Ok(());
        }
        let summary = format!("Edit entity “{}”", short(&entity.name, 40));
        self.commit(summary, vec![Op::ReplaceEntity { entity }]).map(|_| ())
    }

    /// Removes an entity from the registry, unlinking its mentions, as one step.
    pub fn remove_entity(&mut self, id: &str) -> Result<usize, EditError> {
        let name = self.entity(id)?.name.clone();
        let mut ops: Vec<Op> = self.entity_mentions(id).into_iter().map(|(d, a)| Op::SetEntity { doc: d.to_owned(), annotation: a.id.clone(), entity: None }).collect();
        let unlinked = ops.len();
        ops.push(Op::DeleteEntity { id: id.to_owned() });
        self.commit(format!("Remove entity “{}”", short(&name, 40)), ops)?;
        Ok(unlinked)
    }
}
