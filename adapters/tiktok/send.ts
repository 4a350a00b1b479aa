/**
 * One photo post: init once, then the publish status, read once per send (the adapter never
 * sleeps: while TikTok is still pulling the picture, the send fails as a short-wait transient and
 * the core's retry resumes from the saved publish_id).
 *
 * - init: POST /v2/post/publish/content/init/ — https://developers.tiktok.com/doc/content-posting-api-reference-photo-post (snapshot fetched 2026-09-11)
 * - creator_info (DIRECT_POST): POST /v2/post/publish/creator_info/query/ — https://developers.tiktok.com/doc/content-posting-api-reference-query-creator-info/
 * - status: POST /v2/post/publish/status/fetch/ — https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status
 */
import { createHash } from "node:crypto";
import type { SendContext, SentPost } from "../../src/core/adapter.js";
import { callApi, type TikTokClient } from "./api.js";
import { imageHostProblem, type PrivacyLevel } from "./config.js";
import { TikTokError, type TikTokErrorContext } from "./errors.js";
import type { TikTokPayload } from "./render.js";
import { withToken } from "./tokens.js";

const JSON_UTF8 = "application/json; charset=UTF-8";
const bearer = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": JSON_UTF8 });

export const DRAFT_NOTE = "draft in the creator's TikTok inbox: a person finishes and posts it in the TikTok app";

interface StatusData {
  /** The answer's log_id (not TikTok's field: kept for the operator's message). */
  logId?: string;
  status?: string;
  fail_reason?: string;
  publicaly_available_post_id?: unknown[]; // sic: TikTok's spelling
}

/** The checkpoint: the publish_id, and a fingerprint of the picture URL it was made with (the URL may carry a capability). */
export interface TikTokCheckpoint {
  publishId: string;
  photo: string;
}

export const photoFingerprint = (url: string): string => createHash("sha256").update(url).digest("hex").slice(0, 16);

export function readCheckpoint(value: string | null | undefined): TikTokCheckpoint | null {
  if (!value) return null;
  try {
    const c = JSON.parse(value) as Partial<TikTokCheckpoint>;
    return typeof c.publishId === "string" && c.publishId !== "" && typeof c.photo === "string" ? { publishId: c.publishId, photo: c.photo } : null;
  } catch {
    return null;
  }
}

/** The URL TikTok pulls the picture from. @throws TikTokError (step "photo") */
function pictureUrl(payload: TikTokPayload, ctx: SendContext, context: TikTokErrorContext): string {
  const url = payload.photo.source === "fallback" ? payload.photo.url : ctx.image?.publicUrl;
  if (!url) throw new TikTokError("photo", "no_public_url", undefined, context, 'the core gave no URL TikTok could pull the article\'s picture from (ImageLimits.delivery "pull")');
  return url;
}

/**
 * The post id, when TikTok gave one that reads exactly. list<int64>: an id above 2^53 written as a
 * JSON number loses its last digits in JSON.parse (the kit's client gives no raw text): "lossy".
 */
function postIdOf(data: StatusData): string | "lossy" | null {
  const id = data.publicaly_available_post_id?.[0];
  if (typeof id === "string" && /^\d+$/.test(id)) return id;
  if (typeof id === "number") return Number.isSafeInteger(id) && id > 0 ? String(id) : "lossy";
  return null;
}

/** What a publish status means: the post, or a TikTokError for classify. */
function settle(data: StatusData, context: TikTokErrorContext, resumed: boolean): SentPost {
  const publishId = context.publishId ?? "";
  switch (data.status) {
    case "SEND_TO_USER_INBOX":
      return { remoteId: publishId, remoteUrl: null, note: DRAFT_NOTE };
    case "PUBLISH_COMPLETE": {
      // "post_id is returned only if the post is published for public viewership and has been approved by the TikTok moderation process."
      const found = postIdOf(data);
      const postId = found === "lossy" ? null : found;
      const how = context.mode === "MEDIA_UPLOAD" ? (resumed ? "the creator finished the draft and posted it" : "posted") : "published";
      const note = postId
        ? `${how}; TikTok post id ${postId} (TikTok documents no post URL)`
        : found === "lossy"
          ? `${how}; TikTok's post id came as a number too large to read exactly: find the post on the creator's profile (publish_id ${publishId})`
          : `${how}; TikTok gives no post id for it (private, or still in moderation): publish_id ${publishId}`;
      return { remoteId: postId ?? publishId, remoteUrl: null, note };
    }
    case "FAILED":
      throw new TikTokError("status", data.fail_reason || "unknown_fail_reason", 200, context, `the publish FAILED; log_id ${data.logId}`, true);
    default: // PROCESSING_DOWNLOAD, PROCESSING_UPLOAD, or a status not documented yet
      throw new TikTokError("status", data.status ?? "no_status", 200, context, `log_id ${data.logId}`);
  }
}

/** FAILED reasons that a new init with the same content would only repeat. */
const SAME_CONTENT_FAILS = new Set(["spam_risk_text", "spam_risk", "publish_cancelled", "duration_check_failed", "frame_rate_check_failed"]);
const PICTURE_FAILS = new Set(["file_format_check_failed", "picture_size_check_failed"]);
const initAgainFixes = (reason: string | undefined, samePicture: boolean) =>
  !SAME_CONTENT_FAILS.has(reason ?? "") && !(samePicture && PICTURE_FAILS.has(reason ?? ""));

async function fetchStatus(client: TikTokClient, publishId: string, context: TikTokErrorContext, signal: AbortSignal): Promise<StatusData> {
  const { data, logId } = await withToken(client, context, signal, (token) =>
    callApi<StatusData>(client, "status", context, "POST", "/v2/post/publish/status/fetch/", { signal, headers: bearer(token), json: { publish_id: publishId } }));
  return { ...data, logId };
}

/** DIRECT_POST: the configured privacy level, if the creator's account offers it now. */
async function privacyFor(client: TikTokClient, context: TikTokErrorContext, signal: AbortSignal): Promise<{ level: PrivacyLevel; allowed: string[] }> {
  const { data } = await withToken(client, context, signal, (token) =>
    callApi<{ privacy_level_options?: unknown }>(client, "creator_info", context, "POST", "/v2/post/publish/creator_info/query/", { signal, headers: bearer(token) }));
  const allowed = Array.isArray(data.privacy_level_options) ? data.privacy_level_options.filter((o): o is string => typeof o === "string") : [];
  const level = client.cfg.privacyLevel as PrivacyLevel;
  if (!allowed.includes(level)) throw new TikTokError("creator_info", "privacy_level_not_offered", 200, { ...context, allowed }, `privacyLevel ${level}`);
  return { level, allowed };
}

function initBody(client: TikTokClient, payload: TikTokPayload, url: string, privacy: PrivacyLevel | undefined): object {
  const post_info: Record<string, unknown> = {};
  if (payload.title !== "") post_info.title = payload.title;
  if (payload.description !== "") post_info.description = payload.description;
  // DIRECT_POST only; the reference marks both toggles required: an article is neither a paid partnership nor the creator's own business.
  if (privacy) Object.assign(post_info, { privacy_level: privacy, brand_content_toggle: false, brand_organic_toggle: false });
  return {
    media_type: "PHOTO",
    post_mode: client.cfg.mode,
    post_info,
    source_info: { source: "PULL_FROM_URL", photo_images: [url], photo_cover_index: 0 },
  };
}

export async function sendTikTok(client: TikTokClient, payload: TikTokPayload, ctx: SendContext): Promise<SentPost> {
  const { signal } = ctx;
  const context: TikTokErrorContext = { mode: client.cfg.mode, photo: payload.photo.source };
  const url = pictureUrl(payload, ctx, context);
  const problem = imageHostProblem(url, client.cfg);
  if (problem) throw new TikTokError("photo", "photo_host", undefined, context, problem);
  const picture = photoFingerprint(url);

  const saved = readCheckpoint(ctx.checkpoint);
  if (saved) {
    const resumed: TikTokErrorContext = { ...context, publishId: saved.publishId, checkpointed: true };
    const data = await fetchStatus(client, saved.publishId, resumed, signal);
    if (data.status !== "FAILED" || !initAgainFixes(data.fail_reason, saved.photo === picture)) return settle(data, resumed, true);
    // FAILED: nothing was posted, and a new init can do better (a new picture, a retryable reason).
    // The saved publish_id no longer tells what the next init does: it is replaced first, so that
    // an init whose answer is lost is held as uncertain instead of resumed from the FAILED publish.
    try {
      await ctx.saveCheckpoint?.(JSON.stringify({ failed: saved.publishId }));
    } catch (err) {
      throw new TikTokError("checkpoint", "checkpoint_not_replaced", undefined, resumed, String((err as Error)?.message ?? err).slice(0, 200), false, err);
    }
  }

  const privacy = client.cfg.mode === "DIRECT_POST" ? await privacyFor(client, context, signal) : undefined;
  const initContext: TikTokErrorContext = privacy ? { ...context, allowed: privacy.allowed } : context;
  const { data } = await withToken(client, initContext, signal, (token) =>
    callApi<{ publish_id?: unknown }>(client, "init", initContext, "POST", "/v2/post/publish/content/init/", { signal, headers: bearer(token), json: initBody(client, payload, url, privacy?.level) }));
  const publishId = data.publish_id;
  if (typeof publishId !== "string" || publishId === "" || publishId.length > 64) {
    throw new TikTokError("init", "no_publish_id", 200, initContext, `error.code ok without a usable publish_id (${JSON.stringify(publishId)?.slice(0, 80)})`);
  }
  const made: TikTokErrorContext = { ...context, publishId };
  if (ctx.saveCheckpoint) {
    try {
      await ctx.saveCheckpoint(JSON.stringify({ publishId, photo: picture } satisfies TikTokCheckpoint));
    } catch (err) {
      throw new TikTokError("checkpoint", "checkpoint_not_saved", undefined, made, String((err as Error)?.message ?? err).slice(0, 200), false, err);
    }
    made.checkpointed = true;
  }
  return settle(await fetchStatus(client, publishId, made, signal), made, false);
}
