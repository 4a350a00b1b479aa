// The Content Posting API's photo publishes: init's validation, the pending-draft cap, and the
// status each publish_id goes through.
//
// https://developers.tiktok.com/doc/content-posting-api-reference-photo-post (snapshot fetched 2026-09-11):
// body media_type "Currently only PHOTO is allowed"; post_mode DIRECT_POST | MEDIA_UPLOAD; post_info.title
// "maximum length for photo posts is 90 in UTF-16 runes", description "4000 in UTF-16 runes" (counted
// here in UTF-16 code units, `length`); privacy_level "must match one of the privacy_level_options …
// Required for DIRECT POST"; source_info.source "Only PULL_FROM_URL is allowed"; photo_images "up to 35";
// photo_cover_index "index (starting from 0)", required. Errors: 400 invalid_param, 403
// spam_risk_too_many_pending_share ("at most 5 pending shares within any 24-hour period"),
// unaudited_client_can_only_post_to_private_accounts, url_ownership_unverified, privacy_level_option_mismatch.
// publish_id: "The maximum length of this field is 64" (example "p_pub_url~v2.123456789").
// Status (https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status): PROCESSING_DOWNLOAD
// ("Only available for PULL_FROM_URL"), SEND_TO_USER_INBOX, PUBLISH_COMPLETE, FAILED + fail_reason;
// publicaly_available_post_id (list<int64>) "returned only if the post is published for public viewership".
import type { Reply } from "../harness.js";
import { apiError } from "./envelope.js";
import { owned, pullPhoto, type PullResult } from "./pull.js";

export const PRIVACY_LEVELS = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"];
export const PENDING_CAP = 5;
const DAY = 86_400_000;

export interface Creator {
  openId: string;
  displayName: string;
  username: string;
  /** A private account (creator_info offers FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY). */
  private: boolean;
}

export interface Publish {
  id: string;
  openId: string;
  mode: "MEDIA_UPLOAD" | "DIRECT_POST";
  body: InitBody;
  createdAt: number;
  /** PROCESSING_DOWNLOAD answers left before the outcome. */
  readsLeft: number;
  /** A FAILED outcome the test forced (fail_reason), else the pull decides. */
  forcedFail?: string;
  pull: Promise<PullResult[]>;
  /** MEDIA_UPLOAD: the creator finished the draft in the app (PUBLISH_COMPLETE). */
  finished: boolean;
  postId: string;
  /** FAILED once read (it is no pending share any more). */
  failed?: boolean;
}

export interface InitBody {
  media_type: string;
  post_mode: "MEDIA_UPLOAD" | "DIRECT_POST";
  post_info: { title?: string; description?: string; privacy_level?: string; [k: string]: unknown };
  source_info: { source: string; photo_images: string[]; photo_cover_index: number };
}

/** What the creator's account offers (loopback choice: an unaudited client is offered SELF_ONLY only, per the Content Sharing Guidelines). */
export function privacyOptions(creator: Creator, audited: boolean): string[] {
  if (!audited) return ["SELF_ONLY"];
  return creator.private ? ["FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"] : ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"];
}

const str = (v: unknown): v is string => typeof v === "string";

/** The first rule of the reference the body breaks, as TikTok's 400 invalid_param message; undefined when it is valid. */
export function invalidInit(json: unknown): string | undefined {
  const b = json as Partial<InitBody> | undefined;
  if (!b || typeof b !== "object") return "request body must be a JSON object";
  if (b.media_type !== "PHOTO") return "media_type: currently only PHOTO is allowed";
  if (b.post_mode !== "MEDIA_UPLOAD" && b.post_mode !== "DIRECT_POST") return "post_mode must be DIRECT_POST or MEDIA_UPLOAD";
  const info = b.post_info;
  if (!info || typeof info !== "object") return "post_info is required";
  if (info.title !== undefined && (!str(info.title) || info.title.length > 90)) return "post_info.title: the maximum length for photo posts is 90 in UTF-16 runes";
  if (info.description !== undefined && (!str(info.description) || info.description.length > 4000)) return "post_info.description: the maximum length for photo posts is 4000 in UTF-16 runes";
  if (info.privacy_level !== undefined && !PRIVACY_LEVELS.includes(String(info.privacy_level))) return "post_info.privacy_level is not a privacy level";
  const src = b.source_info;
  if (!src || typeof src !== "object" || src.source !== "PULL_FROM_URL") return "source_info.source: only PULL_FROM_URL is allowed";
  if (!Array.isArray(src.photo_images) || src.photo_images.length < 1 || src.photo_images.length > 35 || !src.photo_images.every(str)) return "source_info.photo_images: 1 to 35 photo URLs";
  if (!Number.isInteger(src.photo_cover_index) || src.photo_cover_index < 0 || src.photo_cover_index >= src.photo_images.length) return "source_info.photo_cover_index must index photo_images";
  return undefined;
}

export interface InitRules {
  creator: Creator;
  audited: boolean;
  verified: readonly string[];
  hosts: Readonly<Record<string, string>>;
  processingReads: number;
  forcedFail?: string;
  now: number;
}

/** Validates an init for this creator; the new publish, or TikTok's refusal. */
export function initPublish(body: InitBody, publishes: readonly Publish[], rules: InitRules, ids: () => string): Publish | Reply {
  const { creator, now } = rules;
  if (!body.source_info.photo_images.every((u) => owned(u, rules.verified))) {
    return apiError(now, 403, "url_ownership_unverified", "To use PULL_FROM_URL as the content transfer method, developer must verify the ownership of the URL prefix or domain.");
  }
  if (body.post_mode === "DIRECT_POST") {
    // "Unaudited clients can only post to private account." (whether MEDIA_UPLOAD is held to it is unconfirmed: not here)
    if (!rules.audited && !creator.private) return apiError(now, 403, "unaudited_client_can_only_post_to_private_accounts", "Unaudited clients can only post to private account.");
    const level = body.post_info.privacy_level;
    if (level === undefined || !privacyOptions(creator, rules.audited).includes(level)) {
      return apiError(now, 403, "privacy_level_option_mismatch", "privacy_level is either unspecified or not among the options from the privacy_level_options returned in /publish/creator_info/query/ API.");
    }
  } else {
    const pending = publishes.filter((p) => p.openId === creator.openId && p.mode === "MEDIA_UPLOAD" && !p.finished && !p.failed && p.createdAt > now - DAY);
    if (pending.length >= PENDING_CAP) {
      return apiError(now, 403, "spam_risk_too_many_pending_share", "To reduce spamming, TikTok limits the number of videos that can be uploaded via API that are not pending approval and posting by the creator. There may be at most 5 pending shares within any 24-hour period.");
    }
  }
  const id = ids();
  return {
    id: `p_pub_url~v2.${id}`,
    openId: creator.openId,
    mode: body.post_mode,
    body,
    createdAt: now,
    readsLeft: rules.processingReads,
    ...(rules.forcedFail ? { forcedFail: rules.forcedFail } : {}),
    // TikTok starts the download when init answers; the outcome is read once the processing reads are used up.
    pull: Promise.all(body.source_info.photo_images.map((u) => pullPhoto(u, rules.hosts))),
    finished: false,
    postId: `7${(400_000_000_000_000_000n + BigInt(id)).toString()}`, // 19 digits: above 2^53, as TikTok's ids are
  };
}

/** status/fetch's `data` for a publish, advancing it one read. */
export async function statusOf(p: Publish, audited: boolean): Promise<Record<string, unknown>> {
  if (p.readsLeft > 0) {
    p.readsLeft -= 1;
    return { status: "PROCESSING_DOWNLOAD", downloaded_bytes: 0 };
  }
  const pulled = await p.pull;
  const downloaded = pulled.reduce((n, r) => n + (r.ok ? r.bytes : 0), 0);
  const failure = p.forcedFail ?? pulled.find((r): r is Extract<PullResult, { ok: false }> => !r.ok)?.failReason;
  if (failure) {
    p.failed = true;
    return { status: "FAILED", fail_reason: failure, publicaly_available_post_id: [], downloaded_bytes: downloaded };
  }
  if (p.mode === "MEDIA_UPLOAD" && !p.finished) return { status: "SEND_TO_USER_INBOX", downloaded_bytes: downloaded };
  const level = p.mode === "DIRECT_POST" ? p.body.post_info.privacy_level : undefined;
  const isPublic = p.mode === "MEDIA_UPLOAD" ? audited : level === "PUBLIC_TO_EVERYONE";
  return { status: "PUBLISH_COMPLETE", publicaly_available_post_id: isPublic ? [p.postId] : [], downloaded_bytes: downloaded };
}
