// Spanmark's service worker: once the app has been loaded, it opens without the server.
//
// On install it precaches the app shell (the page, its style, every module, the demo
// articles, the wasm package, the icons and the manifest: the list in version.js, which
// `make build` generates) into a cache named after the build's version, and serves those
// files from that cache first (the network only for what is not there). The workspace
// itself is in IndexedDB already.
//
// A new build changes version.js, so the browser's next update check (on a navigation)
// finds a new worker: it precaches the new files (all or nothing), takes over at once
// (skipWaiting, clients.claim), deletes the caches of older versions and tells the open
// pages its version, and a page of another version offers a reload (offline.js). The
// reload after that runs the new version.

importScripts('version.js');

const { version: VERSION, files: FILES } = self.spanmarkBuild;
const PREFIX = 'spanmark-shell-';
const CACHE = `${PREFIX}${VERSION}`;
const SCOPE = new URL(self.registration.scope);
// The paths served from the cache ('./' is the page; a navigation to index.html gets it too).
const CACHED = new Set(FILES.map((f) => new URL(f, SCOPE).pathname));
const PAGE_PATHS = new Set([SCOPE.pathname, `${SCOPE.pathname}index.html`]);

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Past the HTTP cache: every file as the server has it now.
      await cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' })));
      // A deploy that happened while these were fetched would mix two builds: the cached
      // version.js must be this worker's. If not, this install fails and the next update check retries.
      const stamp = await (await cache.match('version.js')).text();
      if (!stamp.includes(`"${VERSION}"`)) {
        await caches.delete(CACHE);
        throw new Error(`the files changed while version ${VERSION} was being cached`);
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
      for (const client of await self.clients.matchAll({ type: 'window' })) {
        client.postMessage({ kind: 'spanmark-version', version: VERSION });
      }
    })(),
  );
});

// A page asks which version serves it (offline.js): one that started before this worker took over learns of it.
self.addEventListener('message', (event) => {
  if (event.data?.kind === 'spanmark-version?') event.source?.postMessage({ kind: 'spanmark-version', version: VERSION });
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return;
  if (request.mode === 'navigate') {
    if (PAGE_PATHS.has(url.pathname)) event.respondWith(cacheFirst(SCOPE.href, request));
    return;
  }
  // The search is ignored: core.js imports pkg/spanmark.js?instance=N for a fresh instance.
  if (CACHED.has(url.pathname)) event.respondWith(cacheFirst(url.pathname, request));
});

/** The cached response for `key`, or else the network's answer to `request`. */
async function cacheFirst(key, request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key, { ignoreSearch: true });
  return hit ?? fetch(request);
}
