//! The `Spanmark` class, continued: corpus statistics and their CSV.

use super::*;

#[wasm_bindgen]
impl Spanmark {

    /// Annotations per label over the corpus: `[[labelId, count]]`, in schema order.
    #[wasm_bindgen(js_name = labelTotals)]
    pub fn label_totals(&self) -> Result<JsValue, JsError> {
        to_js(&self.ws.label_totals())
    }

    /// Annotations per document and label: `[{docId, title, byLabel, total}]`.
    #[wasm_bindgen(js_name = documentCounts)]
    pub fn document_counts(&self) -> Result<JsValue, JsError> {
        let list: Vec<DocumentCountsJs> = self.ws.document_counts().into_iter().map(|c| DocumentCountsJs { doc_id: c.doc, title: c.title, by_label: c.by_label, total: c.total }).collect();
        to_js(&list)
    }

    /// Entities (`what: "entities"`) or labels (`"labels"`) that occur together in a
    /// `scope` (`"document"` or `"sentence"`): `[{a, b, weight}]`, heaviest first.
    pub fn pairs(&self, what: &str, scope: &str) -> Result<JsValue, JsError> {
        let scope = match scope {
            "document" => spanmark_core::Scope::Document,
            "sentence" => spanmark_core::Scope::Sentence,
            other => return Err(JsError::new(&format!("{other:?} is neither \"document\" nor \"sentence\""))),
        };
        let list = match what {
            "entities" => self.ws.entity_pairs(scope),
            "labels" => self.ws.label_pairs(scope),
            other => return Err(JsError::new(&format!("{other:?} is neither \"entities\" nor \"labels\""))),
        };
        to_js(&list.into_iter().map(|p| PairJs { a: p.a, b: p.b, weight: p.weight }).collect::<Vec<_>>())
    }

    /// The document × entity matrix: `{entities, documents, counts}` (`counts[d][e]`).
    #[wasm_bindgen(js_name = entityMatrix)]
    pub fn entity_matrix(&self) -> Result<JsValue, JsError> {
        let m = self.ws.entity_matrix();
        to_js(&MatrixJs { entities: m.entities, documents: m.documents, counts: m.counts })
    }

    /// A table as CSV text: `"matrix"` (document × entity), `"entity-pairs-document"`,
    /// `"entity-pairs-sentence"` or `"documents"` (annotations per document and label).
    #[wasm_bindgen(js_name = statsCsv)]
    pub fn stats_csv(&self, table: &str) -> Result<String, JsError> {
        match table {
            "matrix" => Ok(self.ws.entity_matrix_csv()),
            "entity-pairs-document" => Ok(self.ws.entity_pairs_csv(spanmark_core::Scope::Document)),
            "entity-pairs-sentence" => Ok(self.ws.entity_pairs_csv(spanmark_core::Scope::Sentence)),
            "documents" => Ok(self.ws.document_counts_csv()),
            other => Err(JsError::new(&format!("there is no table {other:?}"))),
        }
    }

    /// Downloads a table of `statsCsv` as `<table>.csv` (UTF-8 with a byte order mark, so
    /// that spreadsheets read the names right).
    #[wasm_bindgen(js_name = downloadCsv)]
    pub fn download_csv(&self, table: &str) -> Result<(), JsError> {
        let text = format!("\u{feff}{}", self.stats_csv(table)?);
        files::download(&format!("spanmark-{table}.csv"), text.as_bytes(), "text/csv;charset=utf-8")
    }
}
