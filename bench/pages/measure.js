// Shared by the benchmark's comparison pages: timing helpers the driver (bench/run.mjs) reads.

/** Resolves after the browser has painted the current DOM. */
export function painted() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
}

/** Reads the file chosen in #file as text, then calls `open(text)`; records the time to paint. */
export function onFile(open) {
  document.getElementById('file').addEventListener('change', async (e) => {
    const start = performance.now();
    const text = await e.target.files[0].text();
    await open(text);
    await painted();
    window.benchOpenMs = performance.now() - start;
    document.body.dataset.opened = 'true';
  });
}
