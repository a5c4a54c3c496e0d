//! Annotators' layers: the analyst's name and colleagues' layers.

use super::*;

impl Workspace {

    /// The analyst's name: the documents' own annotations are their layer.
    pub fn analyst(&self) -> &str {
        &self.analyst
    }

    /// Sets the analyst's name (a setting of this workspace, not an undoable edit). A
    /// name another layer of some document has is refused: the layers would be confused.
    pub fn set_analyst(&mut self, name: &str) -> Result<(), EditError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(EditError::EmptyName);
        }
        if self.documents.iter().any(|d| d.layers.contains_key(name)) {
            return Err(EditError::DocumentExists(format!("a layer named {name:?}")));
        }
        if self.analyst != name {
            self.analyst = name.to_owned();
            self.changes.insert(Changed::Settings);
        }
        Ok(())
    }

    /// The annotations of `layer` in document `doc`: the analyst's own when `layer` is the
    /// analyst's name, else that annotator's layer.
    pub fn layer(&self, doc: &str, layer: &str) -> Result<&crate::annotation::AnnotationSet, EditError> {
        let d = self.document(doc)?;
        if layer == self.analyst {
            return Ok(&d.annotations);
        }
        d.layers.get(layer).ok_or_else(|| EditError::NoSuchLayer(layer.to_owned()))
    }

    /// Loads `annotator`'s annotations of documents as their layers (replacing any they
    /// had), as one undoable step: `layers` maps document ids to annotations.
    pub fn set_layers(&mut self, annotator: &str, layers: Vec<(String, Vec<Annotation>)>) -> Result<(), EditError> {
        let annotator = annotator.trim();
        if annotator.is_empty() {
            return Err(EditError::EmptyName);
        }
        if annotator == self.analyst {
            return Err(EditError::DocumentExists(format!("your own layer ({annotator:?}): give the colleague's layer another name")));
        }
        let mut ops = Vec::new();
        let mut count = 0;
        for (doc, annotations) in layers {
            if self.document(&doc)?.layers.contains_key(annotator) {
                ops.push(Op::DeleteLayer { doc: doc.clone(), annotator: annotator.to_owned() });
            }
            count += annotations.len();
            ops.push(Op::InsertLayer { doc, annotator: annotator.to_owned(), annotations });
        }
        self.commit(format!("Load {annotator}'s layer ({count} annotations)"), ops).map(|_| ())
    }

    /// Removes `annotator`'s layer from a document (undoable).
    pub fn remove_layer(&mut self, doc: &str, annotator: &str) -> Result<(), EditError> {
        self.commit(format!("Remove {annotator}'s layer"), vec![Op::DeleteLayer { doc: doc.to_owned(), annotator: annotator.to_owned() }]).map(|_| ())
    }
}
