/** The network calls of a connection. Each lets twitter-api-v2's errors through, for `classify`. */
import type { TwitterApi } from "twitter-api-v2";
import type { ConnectDeps, Connection, SendContext, SentPost } from "../../src/core/index.js";
import { createXClient, withSignal } from "./client.js";
import type { XConfig } from "./config.js";
import { uploadImage } from "./media.js";
import { xLimits, type XPayload } from "./render.js";

/** https://x.com/<username>/status/<id>, or the handle-less form X redirects to the author's URL. */
export function postUrl(id: string, username: string | undefined): string {
  return username ? `https://x.com/${username}/status/${id}` : `https://x.com/i/web/status/${id}`;
}

/**
 * `POST /2/tweets` (https://docs.x.com/x-api/posts/create-post), with the article's image as
 * `media.media_ids` when the core gave one (`ctx.image`). An upload that fails, or that X refuses,
 * throws XUploadError before the post: the core retries the image or sends the post without it.
 */
export async function sendPost(api: TwitterApi, payload: XPayload, username: string | undefined, ctx: SendContext): Promise<SentPost> {
  const upload = ctx.image ? await uploadImage(api, ctx.image, ctx.signal) : undefined;
  const media = upload ? { media: { media_ids: [upload.mediaId] as [string] } } : {};
  const { data } = await withSignal(ctx.signal, () => api.v2.tweet({ text: payload.text, ...media }));
  const note = upload?.note;
  return { remoteId: data.id, remoteUrl: postUrl(data.id, username), ...(note ? { note } : {}) };
}

/**
 * `GET /2/users/me` (https://docs.x.com/x-api/users/get-my-user) → "@handle".
 * @throws Error when `username` is configured and is not the account the tokens belong to.
 */
export async function checkAccount(api: TwitterApi, username: string | undefined, signal: AbortSignal): Promise<string> {
  const { data } = await withSignal(signal, () => api.v2.me());
  if (username && username.toLowerCase() !== data.username.toLowerCase()) {
    throw new Error(
      `the access token belongs to @${data.username}, but username is "${username}": fix username (post URLs use it) or the tokens`,
    );
  }
  return `@${data.username}`;
}

/** `DELETE /2/tweets/:id` (https://docs.x.com/x-api/posts/delete-post). */
export async function deletePost(api: TwitterApi, id: string, signal: AbortSignal): Promise<void> {
  const { data } = await withSignal(signal, () => api.v2.deleteTweet(id));
  if (!data.deleted) throw new Error(`X did not delete post ${id}`);
}

/** Opens the client (OAuth 1.0a user context) and the connection around it. */
export async function connectX(cfg: XConfig, deps: ConnectDeps): Promise<Connection<XPayload>> {
  const client = createXClient(cfg, deps.timeoutMs);
  return {
    limits: xLimits(cfg),
    send: (payload, ctx) => sendPost(client.api, payload, cfg.username, ctx),
    check: (signal) => checkAccount(client.api, cfg.username, signal),
    delete: (remoteId, signal) => deletePost(client.api, remoteId, signal),
    close: () => client.close(),
  };
}
