/** Errors of the adapter's own, apart from send.ts so that classify (loaded at import) needs no SDK. */

/**
 * Thrown when the record key of a delivery already holds a different post. Keys come from the
 * delivery (tid.ts), so this means another program, or another Crier database, posts to this
 * account with colliding keys; retrying cannot help.
 */
export class RecordKeyTakenError extends Error {
  override name = "RecordKeyTakenError";
  constructor(readonly uri: string) {
    super(`${uri} already holds a different post`);
  }
}
