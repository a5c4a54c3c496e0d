//! The `Spanmark` class, continued: the schema: labels, relation types and attributes, and their import and export.

use super::*;

#[wasm_bindgen]
impl Spanmark {

    /// The whole schema: `{labels, relationTypes, attributes}`.
    pub fn schema(&self) -> Result<JsValue, JsError> {
        to_js(&SchemaJs::new(self.ws.schema()))
    }

    /// Adds a label `{id, name, color, hotkey, description}` (undoable).
    #[wasm_bindgen(js_name = addLabel)]
    pub fn add_label(&mut self, label: JsValue) -> Result<(), JsError> {
        self.ws.add_label(from_js::<Label>(label, "label")?)?;
        Ok(())
    }

    /// Changes a label's name, colour, hotkey or description, found by its id (undoable).
    #[wasm_bindgen(js_name = updateLabel)]
    pub fn update_label(&mut self, label: JsValue) -> Result<(), JsError> {
        self.ws.update_label(from_js::<Label>(label, "label")?)?;
        Ok(())
    }

    /// Removes a label and every annotation that has it, as one step; returns how many
    /// annotations went (ask first with `usage`).
    #[wasm_bindgen(js_name = removeLabel)]
    pub fn remove_label(&mut self, id: &str) -> Result<usize, JsError> {
        Ok(self.ws.remove_label(id)?)
    }

    /// Adds a relation type `{id, name, color, hotkey, directed, fromLabels, toLabels, description}`.
    #[wasm_bindgen(js_name = addRelationType)]
    pub fn add_relation_type(&mut self, relation_type: JsValue) -> Result<(), JsError> {
        self.ws.add_relation_type(from_js::<RelationType>(relation_type, "relation type")?)?;
        Ok(())
    }

    /// Changes a relation type, found by its id.
    #[wasm_bindgen(js_name = updateRelationType)]
    pub fn update_relation_type(&mut self, relation_type: JsValue) -> Result<(), JsError> {
        self.ws.update_relation_type(from_js::<RelationType>(relation_type, "relation type")?)?;
        Ok(())
    }

    /// Removes a relation type and its relations, as one step; returns how many relations went.
    #[wasm_bindgen(js_name = removeRelationType)]
    pub fn remove_relation_type(&mut self, id: &str) -> Result<usize, JsError> {
        Ok(self.ws.remove_relation_type(id)?)
    }

    /// Adds an attribute `{id, name, kind: "boolean"|"oneOf"|"text", values?, appliesTo}`.
    #[wasm_bindgen(js_name = addAttribute)]
    pub fn add_attribute(&mut self, attribute: JsValue) -> Result<(), JsError> {
        self.ws.add_attribute(from_js::<AttributeDef>(attribute, "attribute")?)?;
        Ok(())
    }

    /// Changes an attribute definition, found by its id.
    #[wasm_bindgen(js_name = updateAttribute)]
    pub fn update_attribute(&mut self, attribute: JsValue) -> Result<(), JsError> {
        self.ws.update_attribute(from_js::<AttributeDef>(attribute, "attribute")?)?;
        Ok(())
    }

    /// Removes an attribute definition and clears its values, as one step; returns how many values went.
    #[wasm_bindgen(js_name = removeAttribute)]
    pub fn remove_attribute(&mut self, id: &str) -> Result<usize, JsError> {
        Ok(self.ws.remove_attribute(id)?)
    }

    /// Reads a schema from a tool's own file, `kind` `"brat"` (`annotation.conf`, with
    /// `visualConf` for colours) or `"labelstudio"` (a labeling config), and adds what the
    /// workspace's schema lacks, as one undoable step: `{added, diagnostics: [message]}`.
    /// Throws (changing nothing) on a file that is not such a schema.
    #[wasm_bindgen(js_name = importSchema)]
    pub fn import_schema(&mut self, kind: &str, text: &str, visual_conf: Option<String>) -> Result<JsValue, JsError> {
        use spanmark_core::interchange::{parse_brat_conf, parse_labelstudio_config};
        let draft = match kind {
            "brat" => parse_brat_conf(text, visual_conf.as_deref()),
            "labelstudio" => parse_labelstudio_config(text),
            other => return Err(JsError::new(&format!("{other:?} is neither \"brat\" nor \"labelstudio\""))),
        }
        .map_err(|e| JsError::new(&e.to_string()))?;
        let (added, diagnostics) = self.ws.merge_schema(draft)?;
        #[derive(serde::Serialize)]
        struct Out {
            added: usize,
            diagnostics: Vec<String>,
        }
        to_js(&Out { added, diagnostics: diagnostics.into_iter().map(|d| d.message).collect() })
    }

    /// Reads a schema from files (`readFiles`): a Label Studio labeling config (XML), or
    /// brat's `annotation.conf` with `visual.conf` beside it (or a zip of them), told apart
    /// by content; adds what the schema lacks as one undoable step, like `importSchema`.
    #[wasm_bindgen(js_name = importSchemaFiles)]
    pub fn import_schema_files(&mut self, set: FileSet) -> Result<JsValue, JsError> {
        if let Some(refusal) = set.refused.first() {
            return Err(refusal.clone().into());
        }
        let mut files: Vec<InputFile> = Vec::new();
        for f in set.files {
            if f.extension() == "zip" {
                let inner = spanmark_core::interchange::unzip_files(&f).map_err(|e| JsError::new(&e.to_string()))?;
                files.extend(inner);
            } else {
                files.push(f);
            }
        }
        let text = |f: &InputFile| std::str::from_utf8(&f.bytes).map(str::to_owned).map_err(|e| JsError::from(FileRefusal::NotUtf8 { name: f.name.clone(), valid_up_to: e.valid_up_to() }));
        let base = |f: &InputFile| f.name.rsplit(['/', '\\']).next().unwrap_or(&f.name).to_owned();
        if let Some(xml) = files.iter().find(|f| f.extension() == "xml" || f.bytes.trim_ascii_start().starts_with(b"<")) {
            return self.import_schema("labelstudio", &text(xml)?, None);
        }
        let conf = files.iter().find(|f| base(f) == "annotation.conf").or_else(|| files.iter().find(|f| base(f) != "visual.conf")).ok_or_else(|| JsError::new("no annotation.conf or labeling config (.xml) among the files"))?;
        let visual = files.iter().find(|f| base(f) == "visual.conf").map(text).transpose()?;
        self.import_schema("brat", &text(conf)?, visual)
    }

    /// Downloads the schema in a tool's own form: `"brat"` (a zip of annotation.conf and
    /// visual.conf) or `"labelstudio"` (labeling-config.xml). Returns what it cannot carry.
    #[wasm_bindgen(js_name = downloadSchema)]
    pub fn download_schema(&self, kind: &str) -> Result<JsValue, JsError> {
        let (file, losses) = spanmark_core::interchange::schema_file(self.ws.schema(), kind).ok_or_else(|| JsError::new(&format!("{kind:?} is neither \"brat\" nor \"labelstudio\"")))?;
        files::download(&file.name, &file.bytes, file.mime)?;
        to_js(&losses.into_iter().map(|d| d.message).collect::<Vec<_>>())
    }

    /// How many annotations (`kind: "label"`), relations (`"relationType"`) or values
    /// (`"attribute"`) use the schema entry `id`, over every document.
    pub fn usage(&self, kind: &str, id: &str) -> Result<usize, JsError> {
        match kind {
            "label" => Ok(self.ws.label_usage(id)),
            "relationType" => Ok(self.ws.relation_type_usage(id)),
            "attribute" => Ok(self.ws.attribute_usage(id)),
            other => Err(JsError::new(&format!("{other:?} is not a kind of schema entry"))),
        }
    }
}
