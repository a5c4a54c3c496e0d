//! Statistics of a corpus that an analyst can look at: annotations per label and per
//! document, the most mentioned entities, which entities occur together (in a document
//! or in a sentence) and which labels do, and the document × entity matrix, each also
//! as CSV.

use std::collections::{BTreeMap, BTreeSet};

use unicode_segmentation::UnicodeSegmentation;

use crate::document::Document;
use crate::workspace::Workspace;

/// Where two entities or labels count as occurring together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// In the same document.
    Document,
    /// In the same sentence (UAX #29 sentence boundaries).
    Sentence,
}

/// A pair that occurs together, and in how many documents or sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// The first (in id order).
    pub a: String,
    /// The second.
    pub b: String,
    /// In how many documents or sentences both occur.
    pub weight: usize,
}

/// How many annotations a document has, per label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentCounts {
    /// The document's id.
    pub doc: String,
    /// Its title.
    pub title: String,
    /// Annotations per label id.
    pub by_label: BTreeMap<String, usize>,
    /// All its annotations.
    pub total: usize,
}

/// The document × entity matrix: how often each document mentions each entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// The entity ids, by mentions (most first), then id.
    pub entities: Vec<String>,
    /// The document ids, in list order.
    pub documents: Vec<String>,
    /// `counts[d][e]`: mentions of entity `e` in document `d`.
    pub counts: Vec<Vec<usize>>,
}

/// Quotes a CSV field when it needs it (RFC 4180), and defuses spreadsheet formulas.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv_line(fields: &[String]) -> String {
    let mut line = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// The sentences of a document as byte ranges (UAX #29).
fn sentences(doc: &Document) -> Vec<std::ops::Range<usize>> {
    doc.text().split_sentence_bound_indices().map(|(i, s)| i..i + s.len()).collect()
}

/// The groups (documents or sentences) and what occurs in each, by `key` of an annotation.
fn groups<'w>(ws: &'w Workspace, scope: Scope, key: impl Fn(&'w crate::annotation::Annotation) -> Option<&'w str>) -> Vec<BTreeSet<&'w str>> {
    let mut out = Vec::new();
    for doc in ws.documents() {
        match scope {
            Scope::Document => out.push(doc.annotations().iter().filter_map(&key).collect()),
            Scope::Sentence => {
                for s in sentences(doc) {
                    let set: BTreeSet<&str> = doc.annotations().touching(s.clone()).filter(|a| a.start_byte >= s.start).filter_map(&key).collect();
                    if set.len() > 1 {
                        out.push(set);
                    }
                }
            }
        }
    }
    out
}

fn pairs(groups: Vec<BTreeSet<&str>>) -> Vec<Pair> {
    let mut weights: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for g in &groups {
        let items: Vec<&str> = g.iter().copied().collect();
        for (i, a) in items.iter().enumerate() {
            for b in &items[i + 1..] {
                *weights.entry((a, b)).or_default() += 1;
            }
        }
    }
    let mut out: Vec<Pair> = weights.into_iter().map(|((a, b), weight)| Pair { a: a.to_owned(), b: b.to_owned(), weight }).collect();
    out.sort_by(|x, y| y.weight.cmp(&x.weight).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b))));
    out
}

impl Workspace {
    /// Annotations per label over the corpus, in schema order (labels in use only).
    pub fn label_totals(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for d in self.documents() {
            for a in d.annotations().iter() {
                *counts.entry(a.label.as_str()).or_default() += 1;
            }
        }
        self.schema().labels().iter().filter_map(|l| counts.get(l.id.as_str()).map(|&n| (l.id.clone(), n))).collect()
    }

    /// Annotations per document and label, in list order.
    pub fn document_counts(&self) -> Vec<DocumentCounts> {
        self.documents()
            .iter()
            .map(|d| {
                let mut by_label = BTreeMap::new();
                for a in d.annotations().iter() {
                    *by_label.entry(a.label.clone()).or_default() += 1;
                }
                DocumentCounts { doc: d.id().to_owned(), title: d.title().to_owned(), by_label, total: d.annotations().len() }
            })
            .collect()
    }

    /// Entities that occur together, weighted by the documents or sentences they share.
    pub fn entity_pairs(&self, scope: Scope) -> Vec<Pair> {
        pairs(groups(self, scope, |a| a.extra().entity.as_deref()))
    }

    /// Labels that occur together, weighted by the documents or sentences they share.
    pub fn label_pairs(&self, scope: Scope) -> Vec<Pair> {
        pairs(groups(self, scope, |a| Some(a.label.as_str())))
    }

    /// The document × entity matrix.
    pub fn entity_matrix(&self) -> Matrix {
        let summaries = self.entity_summaries();
        let mut order: Vec<(&str, usize)> = summaries.iter().map(|s| (s.entity.id.as_str(), s.mentions)).collect();
        order.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(y.0)));
        let column: BTreeMap<&str, usize> = order.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
        let counts = self
            .documents()
            .iter()
            .map(|d| {
                let mut row = vec![0; order.len()];
                for a in d.annotations().iter() {
                    if let Some(&c) = a.extra().entity.as_deref().and_then(|e| column.get(e)) {
                        row[c] += 1;
                    }
                }
                row
            })
            .collect();
        Matrix { entities: order.iter().map(|(id, _)| (*id).to_owned()).collect(), documents: self.documents().iter().map(|d| d.id().to_owned()).collect(), counts }
    }

    /// The document × entity matrix as CSV: a header of entity names, one row per document.
    pub fn entity_matrix_csv(&self) -> String {
        let m = self.entity_matrix();
        let name = |id: &str| self.entity(id).map(|e| e.name.clone()).unwrap_or_else(|_| id.to_owned());
        let mut header = vec!["document".to_owned()];
        header.extend(m.entities.iter().map(|e| name(e)));
        let mut out = csv_line(&header);
        for (d, row) in m.documents.iter().zip(&m.counts) {
            let title = self.document(d).map(|x| x.title().to_owned()).unwrap_or_default();
            let mut fields = vec![title];
            fields.extend(row.iter().map(usize::to_string));
            out.push_str(&csv_line(&fields));
        }
        out
    }

    /// Pairs of entities as CSV: `entity_a,entity_b,type_a,type_b,weight`.
    pub fn entity_pairs_csv(&self, scope: Scope) -> String {
        let mut out = csv_line(&["entity_a", "entity_b", "type_a", "type_b", "weight"].map(str::to_owned));
        for p in self.entity_pairs(scope) {
            let (a, b) = (self.entity(&p.a).ok(), self.entity(&p.b).ok());
            out.push_str(&csv_line(&[
                a.map_or(p.a.clone(), |e| e.name.clone()),
                b.map_or(p.b.clone(), |e| e.name.clone()),
                a.map_or(String::new(), |e| e.kind.clone()),
                b.map_or(String::new(), |e| e.kind.clone()),
                p.weight.to_string(),
            ]));
        }
        out
    }

    /// Annotations per document and label as CSV: `document,LABEL…,total`.
    pub fn document_counts_csv(&self) -> String {
        let labels: Vec<String> = self.schema().labels().iter().map(|l| l.id.clone()).collect();
        let mut header = vec!["document".to_owned()];
        header.extend(labels.iter().cloned());
        header.push("total".to_owned());
        let mut out = csv_line(&header);
        for c in self.document_counts() {
            let mut fields = vec![c.title];
            fields.extend(labels.iter().map(|l| c.by_label.get(l).copied().unwrap_or(0).to_string()));
            fields.push(c.total.to_string());
            out.push_str(&csv_line(&fields));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Added;

    #[test]
    fn entities_together_in_a_sentence_and_the_matrix_count_mentions() {
        let mut ws = Workspace::default();
        let text = "Kim met Putin. Putin left. Kim, Putin and Shoigu ate.";
        let d = ws.add_document("a.txt", text).unwrap();
        let link = |ws: &mut Workspace, at: usize, q: &str, name: &str| {
            let Added::New(a) = ws.add_annotation(&d, at..at + q.len(), "PERSON").unwrap() else { panic!() };
            let found = ws.entities().find(|e| e.name == name).map(|e| e.id.clone());
            match found {
                Some(e) => ws.link_entity(&d, &a.id, &e).unwrap(),
                None => {
                    ws.link_new_entity(&d, &a.id, Some(name)).unwrap();
                }
            }
        };
        link(&mut ws, 0, "Kim", "Kim");
        link(&mut ws, 8, "Putin", "Putin");
        link(&mut ws, 15, "Putin", "Putin");
        link(&mut ws, 27, "Kim", "Kim");
        link(&mut ws, 32, "Putin", "Putin");
        link(&mut ws, 42, "Shoigu", "Shoigu");
        let name = |id: &str| ws.entity(id).unwrap().name.clone();
        let by_sentence: Vec<(String, String, usize)> = ws.entity_pairs(Scope::Sentence).into_iter().map(|p| (name(&p.a), name(&p.b), p.weight)).collect();
        assert_eq!(by_sentence[0], ("Kim".into(), "Putin".into(), 2));
        assert_eq!(by_sentence.len(), 3);
        assert_eq!(ws.entity_pairs(Scope::Document).len(), 3);
        let m = ws.entity_matrix();
        assert_eq!(m.counts, vec![vec![3, 2, 1]]);
        let csv = ws.entity_matrix_csv();
        assert!(csv.starts_with("document,Putin,Kim,Shoigu\r\na.txt,3,2,1\r\n") || csv.contains(",3,2,1\r\n"), "{csv}");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }
}
