/**
 * The network calls of a connection: functions of the client (client.ts). Each lets
 * twitter-api-v2's errors through, for `classify`. Imports the SDK's types only.
 */
import type { SendContext, SentPost } from "../../src/core/index.js";
import { uploadImage } from "./media.js";
import type { XPayload } from "./render.js";
import type { XClient } from "./x-client.js";

export type { XClient } from "./x-client.js";

/** https://x.com/<username>/status/<id>, or the handle-less form X redirects to the author's URL. */
export function postUrl(id: string, username: string | undefined): string {
  return username ? `https://x.com/${username}/status/${id}` : `https://x.com/i/web/status/${id}`;
}

/**
 * `POST /2/tweets` (https://docs.x.com/x-api/posts/create-post), with the article's image as
 * `media.media_ids` when the core gave one (`ctx.image`). An upload that fails, or that X refuses,
 * throws XUploadError before the post: the core retries the image or sends the post without it.
 */
export async function sendPost(client: XClient, payload: XPayload, ctx: SendContext): Promise<SentPost> {
  const upload = ctx.image ? await uploadImage(client, ctx.image, ctx.signal) : undefined;
  const media = upload ? { media: { media_ids: [upload.mediaId] as [string] } } : {};
  const { data } = await client.withSignal(ctx.signal, () => client.api.v2.tweet({ text: payload.text, ...media }));
  const note = upload?.note;
  return { remoteId: data.id, remoteUrl: postUrl(data.id, client.username), ...(note ? { note } : {}) };
}

/**
 * `GET /2/users/me` (https://docs.x.com/x-api/users/get-my-user) → "@handle".
 * @throws Error when `username` is configured and is not the account the tokens belong to.
 */
export async function checkAccount({ api, username, withSignal }: XClient, signal: AbortSignal): Promise<string> {
  const { data } = await withSignal(signal, () => api.v2.me());
  if (username && username.toLowerCase() !== data.username.toLowerCase()) {
    throw new Error(
      `the access token belongs to @${data.username}, but username is "${username}": fix username (post URLs use it) or the tokens`,
    );
  }
  return `@${data.username}`;
}

/** `DELETE /2/tweets/:id` (https://docs.x.com/x-api/posts/delete-post). */
export async function deletePost({ api, withSignal }: XClient, id: string, signal: AbortSignal): Promise<void> {
  const { data } = await withSignal(signal, () => api.v2.deleteTweet(id));
  if (!data.deleted) throw new Error(`X did not delete post ${id}`);
}
