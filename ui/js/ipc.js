// The only module that touches window.__TAURI__: every call to the Rust
// side goes through here, so tests can replace one object and the rest of
// the UI never knows how it talks to the diary.

const tauri = () => {
  if (!window.__TAURI__) throw new Error('The app bridge is missing');
  return window.__TAURI__;
};

/** Calls a Rust command; rejects with {code, message}. */
export async function call(command, args = {}) {
  try {
    return await tauri().core.invoke(command, args);
  } catch (err) {
    if (err && typeof err === 'object' && 'code' in err) throw err;
    throw { code: 'other', message: String(err) };
  }
}

/** Calls `handler` when Rust has locked the diary by itself (window minimised). */
export async function onLocked(handler) {
  return tauri().event.listen('locked', () => handler());
}

/** Listens to `progress` events; returns a function that stops listening. */
export async function onProgress(handler) {
  return tauri().event.listen('progress', (event) => handler(event.payload));
}
