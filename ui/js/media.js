// Recordings and videos played in the page: their object URLs, revoked on
// every screen change, lock and quick exit so the decrypted bytes can be
// freed. An answer that arrives after that (the bytes were asked for
// before the lock) is dropped, not played.

const playing = new Set();
let generation = 0;

/** A token for a request about to start: [`stillWanted`] says whether the
 * screen it was made for is still there. */
export const ticket = () => generation;

/** Whether nothing was released since `token` was taken. */
export const stillWanted = (token) => token === generation;

/** Keeps `url` to revoke at the next release. */
export function hold(url) {
  playing.add(url);
}

/** Revokes one URL now (its player was closed). */
export function drop(url) {
  URL.revokeObjectURL(url);
  playing.delete(url);
}

/** Frees every recording the page holds. */
export function releaseMedia() {
  generation += 1;
  for (const url of playing) URL.revokeObjectURL(url);
  playing.clear();
}
