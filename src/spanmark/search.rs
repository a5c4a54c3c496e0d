//! The `Spanmark` class, continued: search, occurrences, annotate-all, suggestions, the gazetteer, entity candidates.

use super::*;

#[wasm_bindgen]
impl Spanmark {

    /// Finds `pattern` in document `docId` (or, with `null`, in every document). Options:
    /// `{regex, ignoreCase, wholeWord, maxHits}`. Returns `{documents: [{docId, title,
    /// hits: [{docId, startUtf16, endUtf16, text, before, after}]}], total, truncated}`.
    /// Throws (a clear message) on a pattern that cannot be searched for.
    pub fn search(&self, doc_id: Option<String>, pattern: &str, options: JsValue) -> Result<JsValue, JsError> {
        use spanmark_core::search::{Search, SearchMode, SearchOptions, DEFAULT_MAX_HITS};
        let o: SearchOptionsJs = if options.is_undefined() || options.is_null() { SearchOptionsJs::default() } else { from_js(options, "set of search options")? };
        let search = Search::new(
            pattern,
            SearchOptions { mode: if o.regex { SearchMode::Regex } else { SearchMode::Plain }, ignore_case: o.ignore_case, whole_word: o.whole_word, max_hits: o.max_hits.unwrap_or(DEFAULT_MAX_HITS) },
        )
        .map_err(|e| JsError::new(&e.to_string()))?;
        let docs: Vec<&spanmark_core::Document> = match &doc_id {
            Some(id) => vec![self.ws.document(id)?],
            None => self.ws.documents().iter().collect(),
        };
        let mut total = 0;
        let mut truncated = false;
        let mut documents = Vec::new();
        let max = search.options().max_hits;
        for doc in docs {
            if total >= max {
                truncated = true;
                break;
            }
            let found = search.find_at_most(doc.text(), max - total);
            truncated |= found.truncated;
            if found.hits.is_empty() {
                continue;
            }
            total += found.hits.len();
            documents.push(DocumentHitsJs { doc_id: doc.id(), title: doc.title(), hits: found.hits.iter().map(|h| HitJs::new(doc, h.range())).collect() });
        }
        to_js(&SearchJs { documents, total, truncated })
    }

    /// The other occurrences of annotation `annotationId`'s text, not yet tagged with its
    /// label, in its document or the corpus (`{wholeWord, ignoreCase, scope}`): `{label,
    /// entity, here, elsewhere, items: [{docId, startUtf16, endUtf16, text, before, after}], truncated}`.
    pub fn occurrences(&self, doc_id: &str, annotation_id: &str, options: JsValue) -> Result<JsValue, JsError> {
        use spanmark_core::suggest::{occurrences, OccurrenceOptions, Scope};
        let o: SearchOptionsJs = if options.is_undefined() || options.is_null() { SearchOptionsJs { whole_word: true, ..Default::default() } } else { from_js(options, "set of options")? };
        let doc = self.ws.document(doc_id)?;
        let a = doc.annotations().get(annotation_id).ok_or_else(|| JsError::new(&format!("no annotation has id {annotation_id:?} in this document")))?;
        let scope = if o.scope.as_deref() == Some("document") { Scope::Document(doc_id.to_owned()) } else { Scope::Corpus };
        let found = occurrences(self.ws.documents(), a.quote(doc.text()), &a.label, &OccurrenceOptions { whole_word: o.whole_word, ignore_case: o.ignore_case, scope, max_hits: o.max_hits.unwrap_or(spanmark_core::search::DEFAULT_MAX_HITS) })
            .map_err(|e| JsError::new(&e.to_string()))?;
        let here = found.items.iter().filter(|x| x.doc_id == doc_id).count();
        let items: Vec<HitJs> = found.items.iter().filter_map(|x| self.ws.document(&x.doc_id).ok().map(|d| HitJs::new(d, x.start_byte..x.end_byte))).collect();
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Out<'a> {
            label: &'a str,
            entity: Option<&'a str>,
            here: usize,
            elsewhere: usize,
            items: Vec<HitJs<'a>>,
            truncated: bool,
        }
        to_js(&Out { label: &a.label, entity: a.extra().entity.as_deref(), here, elsewhere: items.len() - here, items, truncated: found.truncated })
    }

    /// Tags every span of `items` (`[[docId, startUtf16, endUtf16], …]`) with `label`,
    /// linked to entity `entityId` if given, as one undoable step (spans already tagged so
    /// are skipped). Returns how many were added.
    #[wasm_bindgen(js_name = annotateAll)]
    pub fn annotate_all(&mut self, label: &str, entity_id: Option<String>, items: JsValue) -> Result<usize, JsError> {
        let items: Vec<(String, u32, u32)> = from_js(items, "list of [docId, startUtf16, endUtf16]")?;
        let mut ranges = Vec::with_capacity(items.len());
        for (doc_id, s, e) in items {
            let doc = self.ws.document(&doc_id)?;
            ranges.push((doc_id, utf16_range_to_bytes(doc, s, e)?));
        }
        Ok(self.ws.annotate_all(&ranges, label, entity_id.as_deref())?.len())
    }

    /// The suggester for the workspace as it is now (built again after any change).
    fn suggester(&mut self) -> Result<&spanmark_core::suggest::Suggester, JsError> {
        use spanmark_core::suggest::{parse_gazetteer, SuggestOptions, Suggester};
        let revision = self.ws.revision();
        if self.suggester.as_ref().is_none_or(|(r, _)| *r != revision) {
            let mut s = Suggester::new(SuggestOptions::default()).with_corpus(self.ws.documents()).map_err(|e| JsError::new(&e.to_string()))?.with_default_patterns();
            if let Some(text) = self.ws.gazetteer() {
                if let Ok((g, _)) = parse_gazetteer(text) {
                    s = s.with_gazetteer(&g).map_err(|e| JsError::new(&e.to_string()))?;
                }
            }
            self.suggester = Some((revision, s));
        }
        Ok(&self.suggester.as_ref().expect("just built").1)
    }

    /// The suggestions for a document (never annotations: drawn apart, never exported):
    /// `[{startUtf16, endUtf16, text, label, source, why, entity, score}]`, without the
    /// rejected ones and those already tagged with that label.
    pub fn suggestions(&mut self, doc_id: &str) -> Result<JsValue, JsError> {
        use spanmark_core::suggest::{Rejection, SuggestionSource};
        self.ws.document(doc_id)?;
        self.suggester()?;
        let doc = self.ws.document(doc_id)?;
        let rejected: std::collections::BTreeSet<Rejection> =
            doc.rejected().iter().map(|(s, e, l)| Rejection { doc_id: doc_id.to_owned(), start_byte: *s, end_byte: *e, label: l.clone() }).collect();
        let list = self.suggester.as_ref().expect("built").1.suggest(doc, &rejected);
        let out: Vec<SuggestionJs> = list
            .iter()
            .filter(|s| doc.annotations().find_exact(s.start_byte, s.end_byte, &s.label).is_none())
            .map(|s| {
                let (source, why, entity) = match &s.source {
                    SuggestionSource::Corpus { count, total } => ("corpus", format!("tagged {} {count} of {total} time(s) in the corpus", s.label), None),
                    SuggestionSource::Gazetteer { entity } => ("gazetteer", "in the gazetteer".to_owned(), entity.as_deref()),
                    SuggestionSource::Pattern { kind } => ("pattern", format!("looks like {}", kind.id()), None),
                };
                SuggestionJs { start_utf16: byte_to_utf16(doc, s.start_byte), end_utf16: byte_to_utf16(doc, s.end_byte), text: &doc.text()[s.range()], label: &s.label, source, why, entity, score: s.score }
            })
            .collect();
        to_js(&out)
    }

    /// Accepts a suggestion as an annotation of `label`, as `addAnnotation` does, in one
    /// undoable step: a pattern's label that the schema lacks (EMAIL, URL, …) is added, and a
    /// gazetteer's `entity` id links it to the registry's entity with that identifier (or a new one).
    #[wasm_bindgen(js_name = acceptSuggestion)]
    pub fn accept_suggestion(&mut self, doc_id: &str, start_utf16: u32, end_utf16: u32, label: &str, entity: Option<String>) -> Result<JsValue, JsError> {
        let range = utf16_range_to_bytes(self.ws.document(doc_id)?, start_utf16, end_utf16)?;
        let (changed, reason, annotation) = match self.ws.accept_suggestion(doc_id, range, label, entity.as_deref())? {
            Added::New(a) => (true, None, a),
            Added::Duplicate(a) => (false, Some("duplicate"), a),
        };
        self.edit_to_js(doc_id, changed, reason, &annotation)
    }

    /// Rejects a suggestion: it is not suggested again (undoable, saved).
    #[wasm_bindgen(js_name = rejectSuggestion)]
    pub fn reject_suggestion(&mut self, doc_id: &str, start_utf16: u32, end_utf16: u32, label: &str) -> Result<(), JsError> {
        let range = utf16_range_to_bytes(self.ws.document(doc_id)?, start_utf16, end_utf16)?;
        Ok(self.ws.reject_suggestion(doc_id, range, label)?)
    }

    /// Reads a gazetteer (TSV: text, label, optional entity id) and, if any entry is
    /// usable, makes it the workspace's (undoable). Returns `{entries, problems: [{line,
    /// problem}]}`; throws when the file is refused whole.
    #[wasm_bindgen(js_name = loadGazetteer)]
    pub fn load_gazetteer(&mut self, text: &str) -> Result<JsValue, JsError> {
        let (g, problems) = spanmark_core::suggest::parse_gazetteer(text).map_err(|e| JsError::new(&e.to_string()))?;
        if g.is_empty() {
            return Err(JsError::new("the gazetteer holds no usable line (each line is: text, a tab, a label, and optionally a tab and an entity id)"));
        }
        self.ws.set_gazetteer(Some(text.to_owned()))?;
        let problems: Vec<(usize, String)> = problems.iter().map(|p| (p.line, p.problem.to_string())).collect();
        #[derive(serde::Serialize)]
        struct Out {
            entries: usize,
            problems: Vec<(usize, String)>,
        }
        to_js(&Out { entries: g.len(), problems })
    }

    /// Removes the gazetteer (undoable).
    #[wasm_bindgen(js_name = clearGazetteer)]
    pub fn clear_gazetteer(&mut self) -> Result<(), JsError> {
        Ok(self.ws.set_gazetteer(None)?)
    }

    /// Candidate entities for an annotation's text (same normalised name first, then
    /// names sharing words); never links anything. `[{entityId, name, matchedName, reason, score}]`.
    #[wasm_bindgen(js_name = entityCandidates)]
    pub fn entity_candidates(&self, doc_id: &str, annotation_id: &str) -> Result<JsValue, JsError> {
        use spanmark_core::fingerprint::{candidates, CandidateReason, KnownEntity};
        let doc = self.ws.document(doc_id)?;
        let a = doc.annotations().get(annotation_id).ok_or_else(|| JsError::new(&format!("no annotation has id {annotation_id:?} in this document")))?;
        let known: Vec<KnownEntity> = self.ws.entities().map(|e| KnownEntity { id: &e.id, name: &e.name, aliases: &e.aliases }).collect();
        let out: Vec<CandidateJs> = candidates(a.quote(doc.text()), &known, 10)
            .into_iter()
            .map(|c| CandidateJs {
                name: self.ws.entity(&c.entity_id).map(|e| e.name.clone()).unwrap_or_default(),
                entity_id: c.entity_id,
                matched_name: c.matched_name,
                reason: match c.reason {
                    CandidateReason::SameFingerprint => "same-name",
                    CandidateReason::SimilarWords => "similar-words",
                },
                score: c.score,
            })
            .collect();
        to_js(&out)
    }
}
