// The wasm core as the page holds it: loading a fresh instance of the module, and
// keeping a trap in one instance (memory exhausted, or a bug) from poisoning the page:
// every call goes through a guard that reports the trap, so the session can restart
// the core from the saved work.

let instance = 0;
let module = null;
let memory = null;

/**
 * Loads a new, independent instance of the wasm module (its own memory) and returns
 * the module's exports. The first call loads the page's core; later calls start over
 * after a trap.
 */
export async function loadCore() {
  instance += 1;
  // A distinct URL is a distinct module record, so a distinct wasm instance and memory.
  const m = await import(`./pkg/spanmark.js?instance=${instance}`);
  const wasm = await m.default();
  module = m;
  memory = wasm.memory;
  document.body.dataset.coreInstance = String(instance);
  return m;
}

/** The exports of the current core module: `Spanmark`, `readFiles`. */
export function core() {
  return module;
}

/** The bytes of wasm memory the current core holds. */
export function wasmMemoryBytes() {
  return memory ? memory.buffer.byteLength : 0;
}

/** An error that says the core stopped in the middle of a call and is being restarted. */
export class CoreStopped extends Error {
  constructor(cause) {
    super(`Spanmark's core stopped (${cause.message}); it restarts from your saved work`, { cause });
    this.name = 'CoreStopped';
  }
}

/**
 * Wraps a Spanmark instance so that a wasm trap in any of its methods calls `onTrap`
 * once and throws `CoreStopped`; other errors (refusals) pass through as they are.
 */
export function guard(target, onTrap) {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj);
      if (typeof value !== 'function') return value;
      return (...args) => {
        try {
          return value.apply(obj, args);
        } catch (err) {
          if (err instanceof WebAssembly.RuntimeError) {
            onTrap(err);
            throw new CoreStopped(err);
          }
          throw err;
        }
      };
    },
  });
}
