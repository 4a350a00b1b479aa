/** Errors of the adapter's own, apart from send.ts so that classify (loaded at import) needs no SDK. */
import { errorText } from "../../src/core/index.js";

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

/**
 * Thrown by `send` when the article's image could not go with the post: its upload failed
 * (`step` "upload"), or the PDS refused the record for its thumbnail ("record": a 400, nothing
 * written). Nothing was posted. `cause` is @atproto/api's error; `refused`, the PDS's words when it
 * refused the image (thumb.ts decides), as opposed to the request failing.
 */
export class BlueskyImageError extends Error {
  override name = "BlueskyImageError";
  constructor(
    readonly step: "upload" | "record",
    cause: unknown,
    readonly refused?: string,
  ) {
    super(`${step === "upload" ? "uploading the image" : "writing the post with its image"} failed: ${refused ?? errorText(cause)}`, { cause });
  }
}
