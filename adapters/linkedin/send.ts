/**
 * Publishing and deleting (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api,
 * li-lms-2024-07). Network I/O; LinkedIn's errors are let through for classify.ts.
 */
import { ResponseBodyError, encodePath, type SendContext, type SentPost } from "../../src/core/index.js";
import type { LinkedInClient } from "./client.js";
import { isOrganization } from "./config.js";
import type { LinkedInPayload } from "./render.js";
import { uploadThumbnail } from "./upload.js";

const IMAGE_URN = /^urn:li:image:[A-Za-z0-9_-]+$/;

/** "https://www.linkedin.com/feed/update/{urn}/": the post's page. */
export const postUrl = (urn: string): string => `https://www.linkedin.com/feed/update/${urn}/`;

/**
 * The article's thumbnail: uploaded once per delivery. Its URN is checkpointed right after the
 * upload, so that a retry (or the process after a crash) posts with the same image instead of
 * uploading it again.
 */
async function thumbnailFor(client: LinkedInClient, ctx: SendContext): Promise<string | undefined> {
  if (!ctx.image) return undefined;
  const saved = ctx.checkpoint ?? null;
  if (saved !== null && IMAGE_URN.test(saved)) return saved;
  const urn = await uploadThumbnail(client, ctx.image, ctx.signal);
  await ctx.saveCheckpoint?.(urn);
  return urn;
}

/**
 * `POST /rest/posts` → "201 Created", the post's URN (urn:li:share:… or urn:li:ugcPost:…) in the
 * `x-restli-id` header, no body. The Posts API takes no idempotency key: a failure after the
 * request left is an unknown outcome, and LinkedIn's duplicate check (422 DUPLICATE_POST) is what
 * a blind retry would meet.
 */
export async function sendLinkedIn(client: LinkedInClient, payload: LinkedInPayload, ctx: SendContext): Promise<SentPost> {
  const article = payload.content?.article;
  const thumbnail = article ? await thumbnailFor(client, ctx) : undefined;
  const body: LinkedInPayload = article && thumbnail ? { ...payload, content: { article: { ...article, thumbnail } } } : payload;
  // The route names an organization author, so that a 403 says which permission is missing (classify.ts).
  const route = `/rest/posts${isOrganization(payload.author) ? " (author: organization)" : ""}`;
  const res = await client.rest("POST", "/rest/posts", { signal: ctx.signal, json: body, route });
  const id = res.headers["x-restli-id"];
  if (!id) throw new ResponseBodyError({ method: "POST", route }, res.status, "no x-restli-id header: the post's id is unknown");
  const urn = id.includes("%3A") ? decodeURIComponent(id) : id;
  const note = ctx.image && !article ? "image not attached: the item has no link, so the post has no article card for a thumbnail" : undefined;
  return { remoteId: urn, remoteUrl: postUrl(urn), ...(note ? { note } : {}) };
}

/** `DELETE /rest/posts/{encoded urn}` with `X-RestLi-Method: DELETE` → 204, also for a post already deleted. */
export async function deleteLinkedIn(client: LinkedInClient, remoteId: string, signal: AbortSignal): Promise<void> {
  await client.rest("DELETE", encodePath`/rest/posts/${remoteId}`, { signal }, { "x-restli-method": "DELETE" });
}
