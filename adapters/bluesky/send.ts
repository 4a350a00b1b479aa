/** The network calls of a connected session. Each lets @atproto/api's XRPCError through, for `classify`. Imports the SDK's types only. */
import type { SendContext, SentPost } from "../../src/core/index.js";
import { describeXrpc, isXrpcError } from "./classify.js";
import { BlueskyImageError, RecordKeyTakenError } from "./errors.js";
import type { BlueskyPayload, BlueskyPostRecord } from "./render.js";
import type { BlueskySession } from "./session.js";
import { withThumb } from "./thumb.js";
import { deliveryTid } from "./tid.js";

export { RecordKeyTakenError } from "./errors.js";

export const POST_COLLECTION = "app.bsky.feed.post";

/** https://bsky.app/profile/<handle or DID>/post/<rkey>. Pure. */
export function postUrl(handleOrDid: string, rkey: string): string {
  return `https://bsky.app/profile/${handleOrDid}/post/${rkey}`;
}

function sentPost(session: BlueskySession, uri: string): SentPost {
  const { rkey } = new session.AtUri(uri);
  const handle = session.handle();
  // "handle.invalid": the PDS could not verify the handle (DNS or DID document broken); the DID always works.
  return { remoteId: uri, remoteUrl: postUrl(handle === "handle.invalid" ? session.did() : handle, rkey) };
}

/**
 * com.atproto.repo.getRecord at the delivery's key: the post a previous attempt wrote, undefined
 * when there is none. @throws RecordKeyTakenError when the key holds a different post.
 */
async function existingPost(session: BlueskySession, rkey: string, payload: BlueskyPayload, signal: AbortSignal): Promise<SentPost | undefined> {
  try {
    const { data } = await session.agent.com.atproto.repo.getRecord({ repo: session.did(), collection: POST_COLLECTION, rkey }, { signal });
    // Ours if the text matches, or the card's article does (the post may have been rendered again
    // since, with another template); anything else is another program's post.
    const stored = data.value as { text?: unknown; embed?: { external?: { uri?: unknown } } };
    const card = payload.record.embed?.external.uri;
    if (stored.text !== payload.record.text && (card === undefined || stored.embed?.external?.uri !== card)) {
      throw new RecordKeyTakenError(data.uri);
    }
    return sentPost(session, data.uri);
  } catch (err) {
    if (err instanceof RecordKeyTakenError) throw err;
    return undefined; // RecordNotFound, or the PDS is still failing: the first error stands
  }
}

/**
 * com.atproto.repo.createRecord at a key derived from the delivery, so that a retry writes to the
 * same record instead of posting twice. A key that is already taken makes the reference PDS answer a
 * bare `500 InternalServerError` (fixtures/500-record-exists.json), so after any 5xx the key is
 * read back: if our post is there, that is the success a previous attempt had.
 */
async function writePost(session: BlueskySession, rkey: string, record: BlueskyPostRecord, payload: BlueskyPayload, signal: AbortSignal): Promise<SentPost> {
  // createdAt is the time of this attempt (see README): Bluesky sorts a post by the earlier of
  // createdAt and when it saw the post, so an older stamp would bury it in followers' feeds.
  const stamped = { ...record, createdAt: new Date().toISOString() };
  try {
    const { data } = await session.call(() =>
      session.agent.com.atproto.repo.createRecord({ repo: session.did(), collection: POST_COLLECTION, rkey, record: stamped }, { signal }),
    );
    return sentPost(session, data.uri);
  } catch (err) {
    if (!isXrpcError(err) || err.status < 500 || signal.aborted) throw err;
    const found = await existingPost(session, rkey, payload, signal);
    if (found) return found;
    throw err;
  }
}

/**
 * Writes the post; with `ctx.image`, with the image as the link card's thumbnail (thumb.ts). A
 * failed or refused upload throws BlueskyImageError. So does a record refused for its thumb (400:
 * the PDS checks the thumb against the lexicon when the record is written, e.g. "blob too big"):
 * nothing was written, and the core writes the same key again without it. A 400 about the rest of
 * the record fails that second try too, as a plain rejection.
 */
export async function sendPost(session: BlueskySession, payload: BlueskyPayload, ctx: SendContext): Promise<SentPost> {
  const rkey = deliveryTid(ctx.queuedAt, ctx.deliveryId);
  const thumbed = ctx.image ? await withThumb(session, payload.record, ctx.image, ctx.signal) : {};
  if (!thumbed.record) {
    const sent = await writePost(session, rkey, payload.record, payload, ctx.signal);
    return thumbed.note ? { ...sent, note: thumbed.note } : sent;
  }
  try {
    return await writePost(session, rkey, thumbed.record, payload, ctx.signal);
  } catch (err) {
    if (!isXrpcError(err) || err.status !== 400 || ctx.signal.aborted) throw err;
    throw new BlueskyImageError("record", err, describeXrpc(err));
  }
}

/** com.atproto.server.getSession → "@handle (did:plc:…)". */
export async function checkAccount(session: BlueskySession, signal: AbortSignal): Promise<string> {
  const { data } = await session.call(() => session.agent.com.atproto.server.getSession(undefined, { signal }));
  return `@${data.handle} (${data.did})`;
}

/**
 * com.atproto.repo.deleteRecord (succeeds for a post already gone).
 * @throws Error when `remoteId` is not a post of this account.
 */
export async function deletePost(session: BlueskySession, remoteId: string, signal: AbortSignal): Promise<void> {
  const uri = new session.AtUri(remoteId);
  if (uri.host !== session.did() || uri.collection !== POST_COLLECTION) {
    throw new Error(`${remoteId} is not a post of ${session.did()}: nothing deleted`);
  }
  await session.call(() =>
    session.agent.com.atproto.repo.deleteRecord({ repo: session.did(), collection: POST_COLLECTION, rkey: uri.rkey }, { signal }),
  );
}
