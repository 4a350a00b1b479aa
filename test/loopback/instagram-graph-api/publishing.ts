// Content publishing on the loopback: containers, their status, publishing, the quota, and the
// media it makes. Pages (read 2026-12):
// [media]     IG User Media, POST /<IG_ID>/media (Markdown served 2026-09-11)
//             https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
// [container] IG Container ("Updated: Jul 23, 2024")
//             https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-container
// [publish]   IG User Media Publish (Markdown served 2026-09-11)
//             https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user/media_publish
// [limit]     IG User Content Publishing Limit (example v25.0)
//             https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit
// [errors]    Error Codes ("Updated: Jun 2, 2026")
//             https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/error-codes
import type { Reply } from "../harness.js";
import { captionLength, hashtagCount, mentionCount } from "./caption.js";
import { fetchImage, type ImageFetch } from "./fetch-image.js";
import { GRAPH, IG } from "./graph-errors.js";
import { DAY_MS } from "./tokens.js";
import type { Container, LoopbackAccount, Media } from "./types.js";

export type Status = "EXPIRED" | "ERROR" | "FINISHED" | "IN_PROGRESS" | "PUBLISHED";

export interface Publishing {
  containers: Map<string, Container>;
  media: Media[];
  imageFetches: ImageFetch[];
  account: LoopbackAccount;
  now(): number;
  processing: { reads: number; ms: number };
  quota: { total: number; durationS: number };
  imageFetchTimeoutMs: number;
  captionsWithoutAt: boolean;
  nextId(kind: "container" | "media"): string;
}

/** [container] "EXPIRED — The container was not published within 24 hours and has expired." */
export function statusOf(c: Container, now: number): Status {
  if (c.state === "PUBLISHED" || c.state === "ERROR") return c.state;
  if (now - c.createdAt >= DAY_MS) return "EXPIRED";
  return c.reads >= c.processingReads && now >= c.readyAt ? "FINISHED" : "IN_PROGRESS";
}

/** POST /<IG_ID>/media for a single image: [media] parameters image_url, caption, alt_text. */
export async function createContainer(p: Publishing, params: Record<string, string>): Promise<Reply> {
  // [media] `media_type` is for video, reels, stories and carousels; this loopback publishes single images only.
  if (params.media_type !== undefined && params.media_type !== "IMAGE") return GRAPH.invalidParameter(`media_type ${params.media_type} is not reproduced by this loopback`);
  const url = params.image_url;
  if (!url) return GRAPH.invalidParameter("The parameter image_url is required");
  const caption = params.caption ?? "";
  // [media] caption: "Maximum 2200 characters, 30 hashtags, and 20 @ tags." [errors] 36004/2207010, 100/2207040.
  if (captionLength(caption) > 2200) return IG.captionTooLong(captionLength(caption));
  if (mentionCount(caption) > 20) return IG.tooManyTags(mentionCount(caption));
  // unconfirmed: no error row names hashtags; 2207010's advice lists them, so the loopback answers with it.
  if (hashtagCount(caption) > 30) return IG.captionTooLong(captionLength(caption));
  // [media] alt_text "up to 1000 character"; the refusal is not documented: loopback choice (code 100).
  if (params.alt_text !== undefined && captionLength(params.alt_text) > 1000) return GRAPH.invalidParameter("alt_text must be at most 1000 characters");
  // [media] "We strongly recommended … URLs that contain only US ASCII characters, or the request will fail."
  if (/[^\x20-\x7e]/.test(url)) return IG.fetchFailed(url);
  const image = await fetchImage(url, p.imageFetchTimeoutMs, p.imageFetches);
  if ("status" in image) return image;
  const now = p.now();
  const c: Container = {
    id: p.nextId("container"), userId: p.account.userId, imageUrl: url, caption, createdAt: now, image,
    reads: 0, processingReads: p.processing.reads, readyAt: now + p.processing.ms, state: "IN_PROGRESS", publishCalls: 0,
    ...(params.alt_text !== undefined ? { altText: params.alt_text } : {}),
  };
  p.containers.set(c.id, c);
  return { status: 200, body: { id: c.id } };
}

const pick = (all: Record<string, unknown>, fields: string | undefined): Record<string, unknown> => {
  const wanted = (fields ?? "id").split(",").map((f) => f.trim()).filter(Boolean);
  return Object.fromEntries(wanted.filter((f) => all[f] !== undefined).map((f) => [f, all[f]]));
};

/** GET /<IG_CONTAINER_ID>?fields=status_code,status — each IN_PROGRESS answer counts toward FINISHED. */
export function readContainer(p: Publishing, c: Container, fields: string | undefined): Reply {
  const status = statusOf(c, p.now());
  if (status === "IN_PROGRESS") c.reads += 1;
  // [container] `status`: "If status_code is ERROR, this value will be an error subcode." Its text is not
  // documented; this form is what third parties observe (github.com/gitroomhq/postiz-app/pull/1992, 2026-08).
  const text = status === "ERROR" ? `Error: Media upload has failed with error code ${c.errorSubcode ?? 2207001}` : undefined;
  return { status: 200, body: { ...pick({ status_code: status, status: text, id: c.id }, fields), id: c.id } };
}

/** IG Media fields (timestamp "in ISO 8601 format", as +0000). */
export function mediaFields(p: Publishing, m: Media): Record<string, unknown> {
  // IG Media reference: "Captions don't include the @ symbol unless the app user is also able to perform admin-equivalent tasks on the app."
  const caption = p.captionsWithoutAt ? m.caption.replace(/@/g, "") : m.caption;
  const timestamp = new Date(m.publishedAt).toISOString().replace(/\.\d{3}Z$/, "+0000");
  return { id: m.id, caption, media_type: "IMAGE", permalink: m.permalink, timestamp, username: p.account.username };
}

export const readMedia = (p: Publishing, m: Media, fields: string | undefined): Reply => ({ status: 200, body: { ...pick(mediaFields(p, m), fields), id: m.id } });

/** GET /<IG_ID>/media: the account's media, newest first, `limit` per page (default 25). */
export function listMedia(p: Publishing, fields: string | undefined, limit: string | undefined): Reply {
  const n = Math.min(100, Math.max(1, Number(limit ?? 25) || 25));
  const page = [...p.media].reverse().slice(0, n).map((m) => ({ ...pick(mediaFields(p, m), fields), id: m.id }));
  const paging = page.length ? { paging: { cursors: { before: `b${page[0]?.id}`, after: `a${page.at(-1)?.id}` } } } : {};
  return { status: 200, body: { data: page, ...paging } };
}

/** Publishes in the moving window ending now. [publish] "50 posts within a 24 hour moving period". */
const used = (p: Publishing, since: number): number => p.media.filter((m) => m.publishedAt >= since).length;

/** GET /<IG_ID>/content_publishing_limit. [limit] `quota_usage` is "returned by default if fields is omitted". */
export function publishingLimit(p: Publishing, fields: string | undefined, since: string | undefined): Reply {
  const now = p.now();
  const windowStart = now - p.quota.durationS * 1000;
  // [limit] since: "A Unix timestamp no older than 24 hours." Older: refusal not documented (loopback choice, code 100).
  const from = since === undefined ? windowStart : Number(since) * 1000;
  if (!Number.isFinite(from) || from < now - DAY_MS) return GRAPH.invalidParameter("since must be a Unix timestamp no older than 24 hours");
  const all = { quota_usage: used(p, Math.max(from, windowStart)), config: { quota_total: p.quota.total, quota_duration: p.quota.durationS } };
  return { status: 200, body: { data: [pick(all, fields ?? "quota_usage")] } };
}

/** POST /<IG_ID>/media_publish?creation_id=… → {"id": <IG media id>}. */
export function publish(p: Publishing, creationId: string | undefined): Reply {
  const c = creationId ? p.containers.get(creationId) : undefined;
  if (!c || c.userId !== p.account.userId) return IG.builderMissing(creationId ?? "");
  c.publishCalls += 1;
  const status = statusOf(c, p.now());
  // [errors] -2/2207020 "expired … try to upload again" (unconfirmed that publish answers it rather than 24/2207008).
  if (status === "EXPIRED") return IG.expired();
  // [errors] 9007/2207027 "The media is not ready for publishing". For an ERROR container: loopback choice.
  if (status === "IN_PROGRESS" || status === "ERROR") return IG.notReady();
  // unconfirmed: what Meta answers for a container published already. Loopback choice: the "does not
  // exist or has been expired" builder error; Crier's tests prove it never asks twice.
  if (status === "PUBLISHED") return IG.builderMissing(c.id);
  const now = p.now();
  // [errors] 9/2207042, enforced "on the POST /<IG_ID>/media_publish endpoint" (Content Publishing guide).
  if (used(p, now - p.quota.durationS * 1000) >= p.quota.total) return IG.quota();
  const id = p.nextId("media");
  const shortcode = Buffer.from(id).toString("base64url").slice(0, 11);
  p.media.push({ id, userId: c.userId, containerId: c.id, caption: c.caption, permalink: `https://www.instagram.com/p/${shortcode}/`, publishedAt: now, ...(c.altText !== undefined ? { altText: c.altText } : {}) });
  c.state = "PUBLISHED";
  c.mediaId = id;
  return { status: 200, body: { id } };
}
