//! The `Spanmark` class, continued: annotators' layers, agreement and curation.

use super::*;

#[wasm_bindgen]
impl Spanmark {

    /// The analyst's name (whose layer the document's own annotations are).
    pub fn analyst(&self) -> String {
        self.ws.analyst().to_owned()
    }

    /// Sets the analyst's name (a setting, saved; not an undoable edit).
    #[wasm_bindgen(js_name = setAnalyst)]
    pub fn set_analyst(&mut self, name: &str) -> Result<(), JsError> {
        Ok(self.ws.set_analyst(name)?)
    }

    /// The layers: `[{name, own, documents, annotations}]`, the analyst's own first.
    pub fn layers(&self) -> Result<JsValue, JsError> {
        #[derive(serde::Serialize)]
        struct L<'a> {
            name: &'a str,
            own: bool,
            documents: usize,
            annotations: usize,
        }
        let infos = self.ws.layer_infos();
        to_js(&infos.iter().map(|l| L { name: &l.name, own: l.own, documents: l.documents, annotations: l.annotations }).collect::<Vec<_>>())
    }

    /// Loads the files taken in by `intake` as `annotator`'s layer of the open documents
    /// with the same text (replacing one they had), as one undoable step. Returns the
    /// report; throws when no document of the files matches an open one.
    #[wasm_bindgen(js_name = loadLayer)]
    pub fn load_layer(&mut self, annotator: &str, options: JsValue) -> Result<JsValue, JsError> {
        let asked: StageOptionsJs = if options.is_undefined() || options.is_null() { StageOptionsJs::default() } else { from_js(options, "set of import options")? };
        let format = match asked.format.as_deref() {
            None => None,
            Some(id) => Some(Format::from_id(id).ok_or_else(|| JsError::new(&format!("there is no import format {id:?}")))?),
        };
        let options = ImportOptions { format, ..ImportOptions::default() };
        let staged = self.ws.stage_layers(&self.import_files, &options).map_err(|e| JsError::new(&e.to_string()))?;
        self.ws.set_layers(annotator, staged.layers)?;
        to_js(&ImportReportJs::new(&staged.report))
    }

    /// Removes `annotator`'s layer from a document (undoable).
    #[wasm_bindgen(js_name = removeLayer)]
    pub fn remove_layer(&mut self, doc_id: &str, annotator: &str) -> Result<(), JsError> {
        Ok(self.ws.remove_layer(doc_id, annotator)?)
    }

    /// The highlight segments of layer `layer` over `[startUtf16, endUtf16)` of a document
    /// (as `segments` gives the analyst's own), to show another annotator's layer.
    #[wasm_bindgen(js_name = layerSegments)]
    pub fn layer_segments(&self, doc_id: &str, layer: &str, start_utf16: u32, end_utf16: u32) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let set = self.ws.layer(doc_id, layer)?;
        let segments = spanmark_core::segments::segments(set, utf16_range_to_bytes(doc, start_utf16, end_utf16)?);
        to_js(&segments.iter().map(|s| SegmentJs::new(doc, s)).collect::<Vec<_>>())
    }

    /// The annotations of layer `layer` in a document, in position order.
    #[wasm_bindgen(js_name = layerAnnotations)]
    pub fn layer_annotations(&self, doc_id: &str, layer: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        to_js(&self.ws.layer(doc_id, layer)?.iter().map(|a| AnnotationJs::new(doc, a)).collect::<Vec<_>>())
    }

    /// Layer `b` against reference layer `a` in `mode` (`exact`, `overlap`, `boundary`),
    /// over the documents where both exist: `{mode, documents, micro, macro: {precision,
    /// recall, f1}, perLabel: [{label, …score}], kappa, confusion: [[labelA, labelB, n]]}`.
    pub fn agreement(&self, a: &str, b: &str, mode: &str) -> Result<JsValue, JsError> {
        use spanmark_core::agreement::{cohen_kappa, compare, confusion, Mode};
        let mode = Mode::from_id(mode).ok_or_else(|| JsError::new(&format!("{mode:?} is not exact, overlap or boundary")))?;
        let (xs, ys, texts) = self.ws.layer_pair(a, b);
        let scores = compare(&xs, &ys, mode);
        let kappa = cohen_kappa(&texts, &xs, &ys);
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Label<'a> {
            label: &'a str,
            #[serde(flatten)]
            score: ScoreJs,
        }
        #[derive(serde::Serialize)]
        struct Macro {
            precision: f64,
            recall: f64,
            f1: f64,
        }
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Out<'a> {
            mode: &'static str,
            documents: usize,
            micro: ScoreJs,
            #[serde(rename = "macro")]
            macro_: Macro,
            per_label: Vec<Label<'a>>,
            kappa: Option<f64>,
            tokens: usize,
            confusion: Vec<(String, String, usize)>,
        }
        let out = Out {
            mode: mode.id(),
            documents: texts.len(),
            micro: ScoreJs::new(&scores.micro),
            macro_: Macro { precision: scores.macro_precision(), recall: scores.macro_recall(), f1: scores.macro_f1() },
            per_label: scores.per_label.iter().map(|(l, c)| Label { label: l, score: ScoreJs::new(c) }).collect(),
            kappa: kappa.kappa,
            tokens: kappa.tokens,
            confusion: confusion(&xs, &ys).into_iter().map(|((x, y), n)| (x, y, n)).collect(),
        };
        to_js(&out)
    }

    /// F1 of every pair of layers in `mode`: `{layers, f1: [[…]]}` (`f1[i][j]`: layer `j`
    /// against reference `i`, over the documents where both exist).
    #[wasm_bindgen(js_name = agreementMatrix)]
    pub fn agreement_matrix(&self, mode: &str) -> Result<JsValue, JsError> {
        use spanmark_core::agreement::{compare, Mode};
        let mode = Mode::from_id(mode).ok_or_else(|| JsError::new(&format!("{mode:?} is not exact, overlap or boundary")))?;
        let names: Vec<String> = self.ws.layer_infos().into_iter().map(|l| l.name).collect();
        let f1: Vec<Vec<f64>> = names
            .iter()
            .map(|a| {
                names
                    .iter()
                    .map(|b| {
                        let (xs, ys, _) = self.ws.layer_pair(a, b);
                        compare(&xs, &ys, mode).micro.f1()
                    })
                    .collect()
            })
            .collect();
        #[derive(serde::Serialize)]
        struct Out {
            layers: Vec<String>,
            f1: Vec<Vec<f64>>,
        }
        to_js(&Out { layers: names, f1 })
    }

    /// Where layers `a` and `b` disagree: `[{docId, title, kind: "missing-in-a" |
    /// "missing-in-b" | "boundary-differs" | "label-differs", a, b: {startUtf16, endUtf16,
    /// label, text} | null, before, after}]`, by document and position.
    pub fn disagreements(&self, a: &str, b: &str) -> Result<JsValue, JsError> {
        use spanmark_core::agreement::disagreements;
        let (xs, ys, _) = self.ws.layer_pair(a, b);
        let mut out = Vec::new();
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct D<'a> {
            doc_id: &'a str,
            title: &'a str,
            kind: &'static str,
            a: Option<SideJs<'a>>,
            b: Option<SideJs<'a>>,
            before: &'a str,
            after: &'a str,
        }
        for d in disagreements(&xs, &ys) {
            let Some(first) = d.a.as_ref().or(d.b.as_ref()) else { continue };
            let doc = self.ws.document(&first.doc)?;
            let side = |s: &Option<spanmark_core::agreement::SpanRef>| {
                s.as_ref().map(|s| SideJs { start_utf16: byte_to_utf16(doc, s.start_byte), end_utf16: byte_to_utf16(doc, s.end_byte), label: s.label.clone(), text: &doc.text()[s.start_byte..s.end_byte] })
            };
            let lo = [d.a.as_ref(), d.b.as_ref()].into_iter().flatten().map(|s| s.start_byte).min().unwrap_or(0);
            let hi = [d.a.as_ref(), d.b.as_ref()].into_iter().flatten().map(|s| s.end_byte).max().unwrap_or(lo);
            let context = HitJs::new(doc, lo..hi);
            out.push(D { doc_id: doc.id(), title: doc.title(), kind: d.kind.id(), a: side(&d.a), b: side(&d.b), before: context.before, after: context.after });
        }
        to_js(&out)
    }

    /// Adds spans `[[docId, startUtf16, endUtf16, label], …]` to the analyst's own (gold)
    /// layer as one undoable step, skipping those already there; returns how many were
    /// added. `summary` names the step ("Accept agreements").
    #[wasm_bindgen(js_name = addSpans)]
    pub fn add_spans(&mut self, items: JsValue, summary: &str) -> Result<usize, JsError> {
        let items: Vec<(String, u32, u32, String)> = from_js(items, "list of [docId, startUtf16, endUtf16, label]")?;
        let mut out = Vec::with_capacity(items.len());
        for (doc_id, s, e, label) in items {
            let doc = self.ws.document(&doc_id)?;
            out.push((doc_id, utf16_range_to_bytes(doc, s, e)?, label));
        }
        Ok(self.ws.add_spans(&out, summary)?)
    }

    /// Exports layer `layer` like the analyst's own, in the export format `choice`.
    #[wasm_bindgen(js_name = exportLayer)]
    pub fn export_layer(&self, layer: &str, choice: &str) -> Result<ExportResult, JsError> {
        let choice = ExportChoice::from_id(choice).ok_or_else(|| JsError::new(&format!("there is no export format {choice:?}")))?;
        let ws = self.ws.layer_workspace(layer)?;
        Ok(ExportResult::new(ws.export_as(choice.format, None, &choice.options)?, &ws))
    }
}
