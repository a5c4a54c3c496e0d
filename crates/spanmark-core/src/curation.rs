//! Annotators' layers of one corpus: which layers there are, a colleague's files loaded
//! as their layer of the documents with the same text, the spans two layers hold where
//! both exist (for [`crate::agreement`]), and any layer as a workspace of its own (to
//! export it like the analyst's own). The curator's gold layer is the analyst's own.

use std::collections::BTreeMap;

use crate::agreement::{DocText, SpanRef};
use crate::annotation::{Annotation, AnnotationSet};
use crate::interchange::{ImportOptions, InputFile};
use crate::ops::EditError;
use crate::report::{short, Diagnostic, ImportError, ImportReport, Severity};
use crate::workspace::{Workspace, WorkspaceParts};

/// A layer: whose it is and how much of the corpus it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerInfo {
    /// The annotator's name.
    pub name: String,
    /// Whether it is the analyst's own (editable) layer.
    pub own: bool,
    /// In how many documents it exists.
    pub documents: usize,
    /// How many annotations it holds.
    pub annotations: usize,
}

/// A colleague's layers read from files, to load with [`Workspace::set_layers`].
#[derive(Debug, Clone)]
pub struct StagedLayers {
    /// Document id to the colleague's annotations of it.
    pub layers: Vec<(String, Vec<Annotation>)>,
    /// What was read, matched, and left out.
    pub report: ImportReport,
}

fn spans_of<'s>(doc: &str, set: &'s AnnotationSet) -> impl Iterator<Item = SpanRef> + 's {
    let doc = doc.to_owned();
    set.iter().map(move |a| SpanRef { doc: doc.clone(), start_byte: a.start_byte, end_byte: a.end_byte, label: a.label.clone() })
}

impl Workspace {
    /// Every layer of the corpus: the analyst's own first, then the others by name.
    pub fn layer_infos(&self) -> Vec<LayerInfo> {
        let own = LayerInfo {
            name: self.analyst().to_owned(),
            own: true,
            documents: self.documents().iter().filter(|d| !d.annotations().is_empty()).count(),
            annotations: self.documents().iter().map(|d| d.annotations().len()).sum(),
        };
        let mut others: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for d in self.documents() {
            for (name, set) in d.layers() {
                let e = others.entry(name).or_default();
                e.0 += 1;
                e.1 += set.len();
            }
        }
        std::iter::once(own).chain(others.into_iter().map(|(name, (documents, annotations))| LayerInfo { name: name.to_owned(), own: false, documents, annotations })).collect()
    }

    /// The spans of layers `a` and `b` in the documents where both exist (the analyst's
    /// own layer exists in every document), with those documents' texts.
    pub fn layer_pair(&self, a: &str, b: &str) -> (Vec<SpanRef>, Vec<SpanRef>, Vec<DocText<'_>>) {
        let (mut xs, mut ys, mut texts) = (Vec::new(), Vec::new(), Vec::new());
        for d in self.documents() {
            // A layer other than the analyst's exists only in the documents it was loaded for.
            let (Ok(la), Ok(lb)) = (self.layer(d.id(), a), self.layer(d.id(), b)) else { continue };
            xs.extend(spans_of(d.id(), la));
            ys.extend(spans_of(d.id(), lb));
            texts.push(DocText { doc: d.id(), text: d.text() });
        }
        (xs, ys, texts)
    }

    /// Reads a colleague's files (any format Spanmark reads) as their layer of the open
    /// documents with the same text. Nothing changes; [`Workspace::set_layers`] loads it.
    /// A file document whose text no open document has is reported (and, when an open
    /// document has its name but another text, that the texts differ).
    pub fn stage_layers(&self, files: &[InputFile], options: &ImportOptions) -> Result<StagedLayers, ImportError> {
        let mut read = Workspace::new(self.schema().clone());
        let staged = read.stage_import(files, options)?;
        let mut report = read.apply_import(staged)?;
        report.annotations_added = 0;
        report.documents_read = 0;
        let mut layers = Vec::new();
        for d in read.documents() {
            let same = self.documents().iter().find(|o| o.text().len() == d.text().len() && o.text() == d.text());
            match same {
                Some(o) => {
                    report.annotations_added += d.annotations().len();
                    report.documents_read += 1;
                    layers.push((o.id().to_owned(), d.annotations().iter().cloned().collect()));
                }
                None => {
                    let named = self.documents().iter().find(|o| o.name() == d.name());
                    let why = match named {
                        Some(o) => format!("“{}” is open under that name, but its text differs, so its {} annotation(s) were not loaded as a layer", short(o.title(), 60), d.annotations().len()),
                        None => format!("no open document has its text, so its {} annotation(s) were not loaded as a layer (open the document first)", d.annotations().len()),
                    };
                    report.diagnostics.push(Diagnostic::new(Severity::Warning, "layer-text-differs", Some(d.name()), None, why));
                }
            }
        }
        if layers.is_empty() {
            return Err(ImportError::Nothing("no document of the file has the text of an open document, so there is no layer to load".to_owned()));
        }
        Ok(StagedLayers { layers, report })
    }

    /// A workspace whose own annotations are layer `name`'s, holding the documents where
    /// that layer exists (for exporting it like the analyst's own).
    pub fn layer_workspace(&self, name: &str) -> Result<Workspace, EditError> {
        let mut documents = Vec::new();
        for d in self.documents() {
            let Ok(set) = self.layer(d.id(), name) else { continue };
            let mut copy = d.clone();
            copy.annotations = set.clone();
            copy.relations = Default::default();
            copy.layers = Default::default();
            // Entity links point into this workspace's registry; the copy has none.
            let ids: Vec<String> = copy.annotations.iter().filter(|a| a.extra().entity.is_some()).map(|a| a.id.clone()).collect();
            for id in ids {
                if let Some(a) = copy.annotations.get_mut(&id) {
                    if let Some(x) = a.extra.as_mut() {
                        x.entity = None;
                    }
                    if a.extra.as_ref().is_some_and(|x| x.is_empty()) {
                        a.extra = None;
                    }
                }
            }
            documents.push(copy);
        }
        if documents.is_empty() {
            return Err(EditError::NoSuchLayer(name.to_owned()));
        }
        let (next_document, next_annotation) = self.id_counters();
        Ok(Workspace::from_parts(WorkspaceParts {
            schema: self.schema().clone(),
            documents,
            entities: Vec::new(),
            gazetteer: None,
            analyst: name.to_owned(),
            next_document,
            next_annotation,
            undo: Vec::new(),
            redo: Vec::new(),
        }))
    }
}
