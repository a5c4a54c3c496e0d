// Team sync: the workspace shared with a team through a y-websocket server (make
// sync-server). The core holds the replicated record (a Yjs doc, through yrs) and speaks
// the y-websocket protocol; this module only moves bytes between a WebSocket and the core,
// shows who is online, and keeps the analyst's view still while remote changes arrive.
//
// Offline first: local edits go into the core's record whether or not a socket is open.
// When the connection comes back, the two sides exchange state vectors and send only
// what the other lacks, so nothing waits in this module.

import { quote, setStatus, showMessage } from './messages.js';
import { state } from './state.js';
import { documentInfo, updateDocumentCount } from './documents.js';
import { refreshCorpus } from './entities.js';

const RETRY_MS = [500, 1000, 2000, 5000, 10000];
const STORED = 'spanmark-sync';

const sync = {
  /** The connection settings: {server, room, token, name}, or null when not sharing. */
  settings: null,
  socket: null,
  /** 'off' | 'connecting' | 'syncing' | 'online' | 'offline' | 'refused' */
  status: 'off',
  /** Local changes made while no socket was open (sent on reconnect, by the state vectors). */
  waiting: 0,
  retries: 0,
  retryTimer: null,
  /** Set when the analyst disconnects on purpose (no retry). */
  paused: false,
};

function statusEl() {
  return document.getElementById('sync-status');
}

function showStatus() {
  const el = statusEl();
  if (!el) return;
  el.hidden = sync.status === 'off';
  el.dataset.state = sync.status;
  const waiting = sync.waiting ? `, ${sync.waiting} change${sync.waiting === 1 ? '' : 's'} waiting` : '';
  const words = { connecting: 'Connecting…', syncing: 'Syncing…', online: 'Online', offline: `Offline${waiting}`, refused: 'Refused' };
  el.textContent = `${words[sync.status] ?? ''}${sync.status === 'online' ? ` · ${sync.settings.room}` : ''}`;
  el.title = sync.settings ? `Team room ${sync.settings.room} on ${sync.settings.server}` : '';
  document.body.dataset.sync = sync.status;
  document.body.dataset.syncWaiting = String(sync.waiting);
}

function roomUrl({ server, room, token }) {
  const base = server.replace(/\/+$/, '');
  return `${base}/${encodeURIComponent(room)}?token=${encodeURIComponent(token)}`;
}

/** Asks the server, over plain HTTP, why it refused the room (it answers with the reason). */
async function refusalReason(settings) {
  try {
    const http = roomUrl(settings).replace(/^ws/, 'http');
    const answer = await fetch(http);
    if (answer.ok) return null;
    return `${answer.status}: ${(await answer.text()).trim()}`;
  } catch {
    return null;
  }
}

function send(bytes) {
  if (bytes && sync.socket?.readyState === WebSocket.OPEN) {
    sync.socket.send(bytes);
    return true;
  }
  return false;
}

/** Tells the others who the analyst is and which document they have open. */
export function announcePresence() {
  if (!sync.settings || !state.core?.sharing?.()) return;
  const doc = state.openDocId ? documentInfo(state.openDocId) : null;
  const msg = state.core.presenceMessage(JSON.stringify({ name: sync.settings.name, doc: doc?.shownTitle ?? null }));
  send(msg);
}

function renderPresence() {
  const el = document.getElementById('sync-presence');
  if (!el || !state.core?.sharing?.()) return;
  const others = state.core.presence().filter((p) => !p.own && p.name);
  el.hidden = others.length === 0;
  el.textContent = others.length ? `With you: ${others.map((p) => (p.doc ? `${p.name} (${p.doc})` : p.name)).join(', ')}` : '';
}

/**
 * Redraws what a remote change touched without moving the analyst: the open document's
 * blocks are redrawn in place (scroll and selection kept); another document's change only
 * updates the list. An annotation the analyst had selected that someone removed is let go,
 * with a message.
 */
function showRemote(change) {
  const { effects, conflicts } = change;
  if (!effects.length && !conflicts.length) return;
  const selected = state.view?.selectedId;
  if (effects.some((e) => e.kind === 'schema')) state.loadLabels?.();
  for (const e of effects) {
    if (e.kind === 'span' && e.docId === state.openDocId) state.view.refresh(e.firstBlock, e.endBlock);
  }
  if (effects.some((e) => e.kind === 'documents' || e.kind === 'schema')) {
    const docs = new Set(state.core.documents().map((d) => d.id));
    if (state.openDocId && !docs.has(state.openDocId)) state.closeDocument?.();
    state.renderDocumentList?.();
  } else {
    // Only counts changed: as after a local edit, each touched document's count, not the
    // whole list (whose per-label counts go over every annotation).
    for (const id of new Set(effects.filter((e) => e.docId).map((e) => e.docId))) updateDocumentCount(id);
  }
  state.annotationList?.render();
  if (effects.some((e) => e.kind === 'entities' || e.kind === 'span')) refreshCorpus();
  state.arcs?.refresh();
  state.relationList?.renderSoon();
  if (selected) {
    let gone = false;
    try {
      state.core.annotation(state.openDocId, selected);
    } catch {
      gone = true;
    }
    if (gone) {
      state.view.selectedId = null;
      state.view.select(null);
      showMessage('info', 'Someone in your team removed the annotation you had selected.', []);
    }
  }
  for (const c of conflicts) showMessage('info', `Team sync: ${c}`, []);
  state.noteChange?.();
}

function onMessage(event) {
  let answer;
  try {
    answer = state.core.syncReceive(new Uint8Array(event.data));
  } catch (err) {
    showMessage('error', `A message from the sync server was refused, and nothing changed: ${err.message}`, []);
    return;
  }
  if (answer.reply) send(answer.reply);
  showRemote(answer);
  if (answer.synced && sync.status !== 'online') {
    sync.status = 'online';
    sync.waiting = 0;
    sync.retries = 0;
    showStatus();
    setStatus(`Online in room ${quote(sync.settings.room)}: your changes and your team's are shared.`);
    announcePresence();
  }
  renderPresence();
}

function scheduleRetry() {
  if (sync.paused || sync.retryTimer || !sync.settings) return;
  const wait = RETRY_MS[Math.min(sync.retries, RETRY_MS.length - 1)];
  sync.retries++;
  sync.retryTimer = setTimeout(() => {
    sync.retryTimer = null;
    connect();
  }, wait);
}

function connect() {
  // A read-only tab follows the writer through storage; only the writer talks to the room.
  if (!sync.settings || sync.paused || state.readOnly) return;
  let socket;
  try {
    socket = new WebSocket(roomUrl(sync.settings));
  } catch (err) {
    sync.status = 'refused';
    showStatus();
    showMessage('error', `Could not connect to the sync server: ${err.message}`, []);
    return;
  }
  socket.binaryType = 'arraybuffer';
  sync.socket = socket;
  sync.status = sync.status === 'online' ? 'syncing' : 'connecting';
  showStatus();
  let opened = false;
  socket.onopen = () => {
    opened = true;
    sync.status = 'syncing';
    showStatus();
    send(state.core.syncStart());
    announcePresence();
  };
  socket.onmessage = onMessage;
  socket.onclose = async () => {
    if (sync.socket !== socket) return;
    sync.socket = null;
    if (!opened && sync.retries === 0) {
      // Refused at once: a wrong token, a bad room name, or no server there.
      const why = await refusalReason(sync.settings);
      if (why) {
        sync.status = 'refused';
        showStatus();
        showMessage('error', `The sync server refused room ${quote(sync.settings.room)} (${why}). Check the room and its token.`, [
          'Nothing was shared; your work stays here.',
        ]);
        return;
      }
    }
    sync.status = 'offline';
    showStatus();
    scheduleRetry();
  };
}

/** After each local edit: the core records it; it goes out now, or when the socket is back. */
export function afterLocalChange() {
  if (!sync.settings || !state.core?.sharing?.()) return;
  let msg;
  try {
    msg = state.core.syncLocal();
  } catch (err) {
    showMessage('error', `Team sync could not record the last change: ${err.message}`, ['It is saved here; reconnecting sends it.']);
    return;
  }
  if (!msg) return;
  if (!send(msg)) {
    sync.waiting++;
    showStatus();
  }
}

/** Starts sharing the workspace in `settings.room` of `settings.server`. */
export function share(settings) {
  sync.settings = { ...settings };
  sync.paused = false;
  sync.retries = 0;
  state.core.shareStart(settings.name);
  localStorage.setItem(STORED, JSON.stringify(sync.settings));
  connect();
}

/** Cuts the connection on purpose (the analyst works offline); edits keep being recorded. */
export function goOffline() {
  sync.paused = true;
  clearTimeout(sync.retryTimer);
  sync.retryTimer = null;
  const socket = sync.socket;
  sync.socket = null;
  socket?.close();
  sync.status = 'offline';
  showStatus();
}

/** Reconnects after goOffline. */
export function goOnline() {
  if (!sync.settings) return;
  sync.paused = false;
  sync.retries = 0;
  connect();
}

function openShareDialog() {
  const dialog = document.getElementById('share-dialog');
  const form = dialog.querySelector('form');
  const stored = sync.settings ?? JSON.parse(localStorage.getItem(STORED) || 'null') ?? {};
  form.elements.server.value = stored.server ?? 'ws://127.0.0.1:1234';
  form.elements.room.value = stored.room ?? '';
  form.elements.token.value = stored.token ?? '';
  form.elements.name.value = stored.name ?? state.core.analyst?.() ?? '';
  const connected = sync.status !== 'off';
  dialog.querySelector('#share-offline').hidden = !connected || sync.paused;
  dialog.querySelector('#share-online').hidden = !connected || !sync.paused;
  dialog.showModal();
  form.elements.room.focus();
}

/** Wires the Share… button and dialog, and resumes sharing if this browser was sharing. */
export function wireSync() {
  const button = document.getElementById('share');
  const dialog = document.getElementById('share-dialog');
  if (!button || !dialog) return;
  button.addEventListener('click', openShareDialog);
  const form = dialog.querySelector('form');
  form.addEventListener('submit', (e) => {
    if (e.submitter?.value !== 'share') return;
    e.preventDefault();
    const settings = {
      server: form.elements.server.value.trim(),
      room: form.elements.room.value.trim(),
      token: form.elements.token.value.trim(),
      name: form.elements.name.value.trim(),
    };
    if (!/^wss?:\/\//.test(settings.server) || !settings.room || !settings.token || !settings.name) {
      dialog.querySelector('.share-error').textContent = 'A server address (ws:// or wss://), a room, its token and your name are all needed.';
      return;
    }
    dialog.close();
    try {
      state.core.setAnalyst?.(settings.name);
    } catch {
      // A colleague's layer has that name: the name only labels presence then.
    }
    share(settings);
  });
  dialog.querySelector('#share-offline').addEventListener('click', () => {
    dialog.close();
    goOffline();
  });
  dialog.querySelector('#share-online').addEventListener('click', () => {
    dialog.close();
    goOnline();
  });
  const stored = JSON.parse(localStorage.getItem(STORED) || 'null');
  if (stored && state.core.sharing?.()) {
    sync.settings = stored;
    connect();
  }
  // The test and the console can cut the connection without Playwright's offline mode
  // (which leaves open WebSockets alone).
  window.spanmarkSync = { goOffline, goOnline, status: () => ({ status: sync.status, waiting: sync.waiting }) };
}
