/**
 * The article's image on Bluesky: the thumbnail of the post's link card. The bytes go up with
 * com.atproto.repo.uploadBlob, and the blob ref it returns becomes `embed.external.thumb`
 * (https://docs.bsky.app/docs/advanced-guides/posts#website-card-embeds). Imports @atproto/api's
 * types only.
 */
import type { BlobRef } from "@atproto/api";
import type { AttachedImage } from "../../src/core/index.js";
import { describeXrpc, isXrpcError, TOKEN_REFUSED } from "./classify.js";
import { BlueskyImageError } from "./errors.js";
import type { BlueskyPostRecord } from "./render.js";
import type { BlueskySession } from "./session.js";

export { BLUESKY_IMAGE_LIMITS } from "./limits.js";

/** The record to write, and what the operator should know about the image. */
export interface Thumbed {
  /** The record with `embed.external.thumb` set; absent when the post has no card to carry it. */
  record?: BlueskyPostRecord;
  note?: string;
}

/**
 * The PDS refusing the image, as opposed to the request failing: a 4xx answer (e.g. 413
 * PayloadTooLarge over its upload limit, 400 InvalidMimeType) other than 401 and a refused token
 * (the login's problem) and 429 (a limit the core waits out). A 5xx and no answer (network,
 * timeout, abort) are failures the core retries a few times: undefined. Pure.
 */
export function refusalOf(err: unknown): string | undefined {
  if (!isXrpcError(err) || err.status < 400 || err.status >= 500) return undefined;
  if (err.status === 401 || err.status === 429 || TOKEN_REFUSED.has(err.error)) return undefined;
  return describeXrpc(err);
}

/**
 * Uploads `image` and returns the record with it as the card's thumbnail. A post without a link has
 * no card to carry it: the image is left out, and the note says so. Each attempt uploads again;
 * the PDS keeps one copy per CID, and a blob no record uses is dropped by it later.
 * @throws BlueskyImageError around what uploadBlob threw (`refused` set when the PDS refused the image: see refusalOf).
 */
export async function withThumb(session: BlueskySession, record: BlueskyPostRecord, image: AttachedImage, signal: AbortSignal): Promise<Thumbed> {
  const embed = record.embed;
  if (!embed) return { note: "image not attached: Bluesky shows it as the link card's thumbnail, and this post has no link card" };
  let blob: BlobRef;
  try {
    ({ blob } = (await session.call(() => session.agent.uploadBlob(image.bytes, { encoding: image.mime, signal }))).data);
  } catch (err) {
    throw new BlueskyImageError("upload", err, refusalOf(err));
  }
  return { record: { ...record, embed: { ...embed, external: { ...embed.external, thumb: blob } } } };
}
