//! Backups: the whole workspace as one canonical JSON file with a manifest, and a
//! restore that replaces the workspace only when the backup is complete.

use serde::Deserialize;

use super::canonical_codec::{self, BackupManifest};
use crate::document::Document;
use crate::ops::Op;
use crate::report::{ImportError, ImportReport, Severity};
use crate::schema::LabelSchema;
use crate::workspace::Workspace;

#[derive(Deserialize)]
struct BackupHeader {
    backup: Option<BackupManifest>,
}

impl Workspace {
    /// Writes a backup: the canonical JSON of every document, with a manifest of what
    /// it holds so that a restore can check it is complete.
    pub fn export_backup(&self) -> String {
        let manifest = BackupManifest {
            documents: self.documents().len(),
            annotations: self.documents().iter().map(|d| d.annotations().len()).sum(),
        };
        let docs: Vec<&Document> = self.documents().iter().collect();
        let entities: Vec<_> = self.entities().cloned().collect();
        canonical_codec::write(self.schema(), &entities, &docs, Some(manifest))
    }

    /// Replaces the whole workspace (documents, annotations, labels) with a backup,
    /// as one undoable step.
    ///
    /// The backup is read and checked against its manifest first: if a document or an
    /// annotation it lists cannot be restored exactly, nothing is replaced.
    pub fn restore_backup(&mut self, json: &str) -> Result<ImportReport, ImportError> {
        let mut staged = Workspace::new(LabelSchema::empty());
        let report = staged.import_canonical(json)?;
        let json = json.strip_prefix('\u{feff}').unwrap_or(json);
        let header: BackupHeader = serde_json::from_str(json).map_err(|e| ImportError::Json(e.to_string()))?;
        let manifest = header.backup.ok_or(ImportError::NotABackup)?;
        let annotations: usize = staged.documents().iter().map(|d| d.annotations().len()).sum();
        if let Some(problem) = report.diagnostics.iter().find(|d| d.severity == Severity::Error) {
            return Err(ImportError::IncompleteBackup(problem.message.clone()));
        }
        if staged.documents().len() != manifest.documents || annotations != manifest.annotations {
            return Err(ImportError::IncompleteBackup(format!(
                "it lists {} document(s) and {} annotation(s) but holds {} and {}",
                manifest.documents,
                manifest.annotations,
                staged.documents().len(),
                annotations
            )));
        }
        let mut ops: Vec<Op> = self.documents().iter().map(|d| Op::DeleteDocument { id: d.id().to_owned() }).collect();
        ops.extend(self.entities().map(|e| Op::DeleteEntity { id: e.id.clone() }));
        let schema = self.schema();
        ops.extend(schema.attributes().iter().map(|a| Op::DeleteAttribute { id: a.id.clone() }));
        ops.extend(schema.relation_types().iter().map(|t| Op::DeleteRelationType { id: t.id.clone() }));
        ops.extend(schema.labels().iter().map(|l| Op::DeleteLabel { id: l.id.clone() }));
        let parts = staged.into_parts();
        let schema = &parts.schema;
        ops.extend(schema.labels().iter().map(|l| Op::InsertLabel { index: usize::MAX, label: l.clone() }));
        ops.extend(schema.relation_types().iter().map(|t| Op::InsertRelationType { index: usize::MAX, relation_type: t.clone() }));
        ops.extend(schema.attributes().iter().map(|a| Op::InsertAttribute { index: usize::MAX, attribute: a.clone() }));
        ops.extend(parts.entities.iter().map(|e| Op::InsertEntity { entity: e.clone() }));
        ops.extend(parts.documents.into_iter().map(|d| Op::InsertBuilt { index: usize::MAX, document: Box::new(d) }));
        let summary = format!("Restore backup ({} documents, {} annotations)", manifest.documents, manifest.annotations);
        self.commit(summary, ops)?;
        Ok(ImportReport { labels_added: Vec::new(), ..report })
    }
}
