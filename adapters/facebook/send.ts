/**
 * Posting and deleting. Types only from the JSON client (index.ts names these functions without
 * loading undici). Honours the send's signal, nothing else bounds a call; errors are let through
 * for classify.ts.
 */
import { ResponseBodyError, encodePath, isHttpError, type SendContext, type SentPost } from "../../src/core/index.js";
import type { JsonClient } from "../../src/core/kit/json-client.js";
import { describeGraphError, graphErrorOf } from "./graph-error.js";
import { isImageRefusal } from "./classify.js";
import type { FacebookConfig } from "./config.js";
import type { FacebookLinkPost, FacebookPayload, FacebookPhotoPost } from "./render.js";

export interface TokenParams {
  access_token: string;
  appsecret_proof?: string;
  [name: string]: string | undefined;
}

export interface FacebookClient {
  http: JsonClient;
  cfg: FacebookConfig;
  now: () => number;
  /** The Page token's parameters. */
  page: TokenParams;
  /** The app token's parameters, when appId and appSecret are configured (for debug_token). */
  app?: TokenParams;
}

/** "The URL, or permalink, for a Page post is https://www.facebook.com/page_post_id" (Page Posts guide, https://developers.facebook.com/docs/pages-api/posts). */
export const postUrl = (postId: string): string => `https://www.facebook.com/${encodeURIComponent(postId)}`;

const sent = (id: string, note?: string): SentPost => ({ remoteId: id, remoteUrl: postUrl(id), ...(note ? { note } : {}) });

/** A 2xx without the id: Facebook made something, but what is unknown (classified unknown-outcome). */
function idOf(body: unknown, field: "id" | "post_id", route: string, status: number): string | undefined {
  const v = body && typeof body === "object" ? (body as Record<string, unknown>)[field] : undefined;
  if (typeof v === "string" && v !== "") return v;
  if (field === "id") throw new ResponseBodyError({ method: "POST", route }, status, "no post id in the answer");
  return undefined;
}

/** POST /{page-id}/feed → `{ "id": "page_post_id" }` (Page Posts guide). */
export async function postLink({ http, cfg, page }: FacebookClient, post: FacebookLinkPost, signal: AbortSignal): Promise<string> {
  const route = `/${cfg.apiVersion}/{page-id}/feed`;
  const res = await http.post(encodePath`/${cfg.pageId}/feed`, { signal, route, form: { message: post.message || undefined, link: post.link, ...page } });
  return idOf(res.body, "id", route, res.status) as string;
}

/**
 * POST /{page-id}/photos → `{ "id": "photo_id", "post_id": "page_post_id" }` (Page Posts guide;
 * Photo reference: "the post_id value is not returned for photos added to Albums", which a Page
 * photo without `album` is not). The Page post id is the remote id: its permalink is the post's,
 * and `DELETE /{page_post_id}` is the documented delete.
 */
export async function postPhoto({ http, cfg, page }: FacebookClient, photo: FacebookPhotoPost, signal: AbortSignal): Promise<string> {
  const route = `/${cfg.apiVersion}/{page-id}/photos`;
  const res = await http.post(encodePath`/${cfg.pageId}/photos`, { signal, route, form: { url: photo.url, caption: photo.caption, alt_text_custom: photo.altText, ...page } });
  return idOf(res.body, "post_id", route, res.status) ?? (idOf(res.body, "id", route, res.status) as string);
}

/**
 * One post, no checkpoint needed: Facebook publishes in a single call (`published` defaults to
 * true). A photo Facebook refuses outright (see isImageRefusal) was not posted, so the link post
 * goes instead, with a note; any other failure is let through.
 */
export async function sendFacebook(client: FacebookClient, payload: FacebookPayload, ctx: SendContext): Promise<SentPost> {
  if (!payload.photo) return sent(await postLink(client, payload.feed, ctx.signal));
  try {
    return sent(await postPhoto(client, payload.photo, ctx.signal));
  } catch (err) {
    if (!isImageRefusal(err)) throw err;
    const g = isHttpError(err) ? graphErrorOf(err) : undefined;
    const why = isHttpError(err) && g ? describeGraphError(err, g) : String(err);
    return sent(await postLink(client, payload.feed, ctx.signal), `image refused by Facebook (${why}); posted as a link post`);
  }
}

/** DELETE /{page_post_id} → `{ "success": true }` (Page Posts guide, "Delete a Post"). A real DELETE: method override is closed to new apps since 4 Nov 2026 (v27.0 blog). */
export async function deleteFacebook({ http, cfg, page }: FacebookClient, remoteId: string, signal: AbortSignal): Promise<void> {
  const res = await http.delete<{ success?: unknown }>(encodePath`/${remoteId}`, { signal, route: `/${cfg.apiVersion}/{post-id}`, query: { ...page } });
  if (res.body?.success !== true) throw new Error(`Facebook did not confirm deleting post ${remoteId}: ${JSON.stringify(res.body).slice(0, 200)}`);
}
