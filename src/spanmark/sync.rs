//! The `Spanmark` class, continued: team sync: sharing the workspace through the replicated record, the messages of the y-websocket protocol, presence.

use super::*;

#[wasm_bindgen]
impl Spanmark {

    /// Whether the workspace is shared (has a replicated record).
    pub fn sharing(&self) -> bool {
        self.replica.is_some()
    }

    /// Starts sharing as `analyst`: the workspace becomes the replicated record's first
    /// state (nothing happens when it is shared already).
    #[wasm_bindgen(js_name = shareStart)]
    pub fn share_start(&mut self, analyst: &str) {
        if self.replica.is_none() {
            self.replica = Some(spanmark_core::replica::Replica::from_workspace(&mut self.ws, analyst));
            self.replica_full = true;
        }
    }

    /// The message that opens a sync with the server (sync step 1: this side's state vector).
    #[wasm_bindgen(js_name = syncStart)]
    pub fn sync_start(&self) -> Result<js_sys::Uint8Array, JsError> {
        let r = self.replica.as_ref().ok_or_else(|| JsError::new("the workspace is not shared"))?;
        Ok(js_sys::Uint8Array::from(r.sync_step1().as_slice()))
    }

    /// Handles a buffer from the sync server: `{reply: Uint8Array|null, effects,
    /// conflicts: [message], refused: [message], synced, presence}`. Remote changes come
    /// through the core's one apply path (saved like any change, not the analyst's to undo);
    /// a refused update changes nothing and throws.
    #[wasm_bindgen(js_name = syncReceive)]
    pub fn sync_receive(&mut self, data: &[u8]) -> Result<JsValue, JsError> {
        let replica = self.replica.as_mut().ok_or_else(|| JsError::new("the workspace is not shared"))?;
        let handled = replica.handle_message(&mut self.ws, data).map_err(|e| JsError::new(&e.to_string()))?;
        let reply: Vec<u8> = handled.replies.concat();
        // A sync step 2 (message 0, kind 1) answers this side's step 1: it is in step.
        let synced = data.len() > 1 && data[0] == 0 && data[1] == 1;
        #[derive(serde::Serialize)]
        struct Out<'a> {
            effects: Vec<EffectJs<'a>>,
            conflicts: Vec<String>,
            refused: Vec<String>,
            synced: bool,
            presence: bool,
        }
        let out = Out {
            effects: self.effects_js(&handled.change.effects),
            conflicts: handled.change.conflicts.iter().map(|c| c.message()).collect(),
            refused: handled.change.refused.iter().map(|r| format!("{r:?}")).collect(),
            synced,
            presence: handled.presence_changed,
        };
        let value = to_js(&out)?;
        let reply = if reply.is_empty() { JsValue::NULL } else { js_sys::Uint8Array::from(reply.as_slice()).into() };
        js_sys::Reflect::set(&value, &"reply".into(), &reply).map_err(|_| JsError::new("could not build the answer"))?;
        Ok(value)
    }

    /// After local edits: the update message to send (null when nothing changed). The
    /// change is in the replicated record either way: if it cannot be sent now, the next
    /// sync sends it.
    #[wasm_bindgen(js_name = syncLocal)]
    pub fn sync_local(&mut self) -> Result<Option<js_sys::Uint8Array>, JsError> {
        let Some(replica) = self.replica.as_mut() else { return Ok(None) };
        let local = replica.record(&mut self.ws).map_err(|e| JsError::new(&e.to_string()))?;
        if local.update.is_empty() {
            return Ok(None);
        }
        Ok(Some(js_sys::Uint8Array::from(spanmark_core::replica::Replica::update_message(&local.update).as_slice())))
    }

    /// Sets this analyst's presence (`{name, doc}` as JSON) and returns the message announcing it.
    #[wasm_bindgen(js_name = presenceMessage)]
    pub fn presence_message(&mut self, json: &str) -> Result<js_sys::Uint8Array, JsError> {
        let replica = self.replica.as_mut().ok_or_else(|| JsError::new("the workspace is not shared"))?;
        replica.set_presence(json);
        Ok(js_sys::Uint8Array::from(replica.presence_message().map_err(|e| JsError::new(&e.to_string()))?.as_slice()))
    }

    /// Who is in the room: `[{clientId, own, name, doc}]`.
    pub fn presence(&self) -> Result<JsValue, JsError> {
        let Some(replica) = self.replica.as_ref() else { return to_js(&Vec::<()>::new()) };
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct P {
            client_id: String,
            own: bool,
            name: Option<String>,
            doc: Option<String>,
        }
        let own = replica.client_id();
        let list: Vec<P> = replica
            .presence()
            .into_iter()
            .map(|(id, json)| {
                let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
                P { client_id: id.to_string(), own: id == own, name: v.get("name").and_then(|x| x.as_str()).map(str::to_owned), doc: v.get("doc").and_then(|x| x.as_str()).map(str::to_owned) }
            })
            .collect();
        to_js(&list)
    }

    /// Whether changes are waiting for `takeChanges`.
    #[wasm_bindgen(js_name = hasChanges)]
    pub fn has_changes(&self) -> bool {
        self.store.has_pending(&self.ws) || self.replica.as_ref().is_some_and(|r| self.replica_full || r.has_log())
    }

    /// The shell's own state (a JSON string) as last stored, if any.
    #[wasm_bindgen(js_name = uiState)]
    pub fn ui_state(&self) -> Option<String> {
        self.store.ui_state().map(str::to_owned)
    }

    /// Stores the shell's own state (a JSON string) with the next write; not undoable.
    #[wasm_bindgen(js_name = setUiState)]
    pub fn set_ui_state(&mut self, json: &str) {
        self.store.set_ui_state(json);
    }
}
