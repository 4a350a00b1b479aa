// POST /api/v1/statuses and DELETE /api/v1/statuses/:id (https://docs.joinmastodon.org/methods/statuses/,
// read 2026-12-06).
import type { WindowLimiter } from "../harness-limits.js";
import { accountEntity, statusEntity } from "./entities.js";
import { statusLength } from "./length.js";
import { rateLimitHeaders } from "./limits.js";
import type { MediaStore } from "./media.js";
import type { MastodonLoopbackAccount, Reply, StoredStatus } from "./types.js";

const VISIBILITIES = new Set(["public", "unlisted", "private", "direct"]);

export interface StatusRules {
  base: string;
  maxCharacters: number;
  perUrl: number;
  idempotencyTtlMs: number;
  /** The :statuses family of app/lib/rate_limiter.rb, per account (aligned windows). */
  limiter: WindowLimiter;
  media: MediaStore;
  /** Status ids (the harness's sequential ids: entities/Status `id` is "cast from an integer, but not guaranteed to be a number"). */
  nextId: () => string;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);
const bool = (v: unknown): boolean => v === true || v === "true" || v === "1";

export class Statuses {
  private readonly keys = new Map<string, { statusId: string; expiresAt: number }>();

  constructor(readonly all: StoredStatus[], private readonly rules: StatusRules) {}

  private account(a: MastodonLoopbackAccount): Record<string, unknown> {
    return accountEntity(this.rules.base, a, this.all.filter((s) => s.accountId === a.id && !s.deleted).length);
  }

  create(a: MastodonLoopbackAccount, params: Record<string, unknown>, idempotencyKey: string | undefined, now: number): Reply {
    // PostStatusService#call: a key seen within the hour (per account) returns that status, before
    // any validation or rate limit; a deleted status is no duplicate (`find_by` finds nothing).
    const key = idempotencyKey ? `${a.id}:${idempotencyKey}` : undefined;
    const known = key ? this.keys.get(key) : undefined;
    const previous = known && known.expiresAt > now ? this.all.find((s) => s.id === known.statusId && !s.deleted) : undefined;
    if (previous) return { status: 200, body: this.entity(previous, a, now) };

    // validate_media! runs before the status is built: `media_ids[]` must name the caller's own
    // unattached, processed uploads (docs: statuses#create `media_ids[]`; source: PostStatusService).
    const media = this.rules.media.resolve(a, params.media_ids, now);
    if (!Array.isArray(media)) return media;
    const text = str(params.status) ?? "";
    const spoilerText = str(params.spoiler_text) ?? "";
    const visibility = str(params.visibility) ?? "public";
    if (!VISIBILITIES.has(visibility)) return invalid("Visibility is not included in the list"); // loopback wording
    // Status validates text presence unless media is attached (docs: "If media_ids is provided, status becomes optional").
    if (text.trim() === "" && media.length === 0) return invalid("Text can't be blank"); // documented example
    if (statusLength(text, spoilerText, this.rules.perUrl) > this.rules.maxCharacters) {
      return invalid(`Text character limit of ${this.rules.maxCharacters} exceeded`); // statuses.over_character_limit
    }
    // RateLimitable: the :statuses family is recorded when a status is created; full -> 429.
    const window = this.rules.limiter.take(a.id, now);
    if (!window.allowed) return { status: 429, body: { error: "Too many requests" }, headers: rateLimitHeaders(window) };

    const status: StoredStatus = {
      id: this.rules.nextId(),
      accountId: a.id,
      text: text.trim(),
      spoilerText: spoilerText.trim(),
      visibility,
      language: str(params.language) ?? null,
      sensitive: bool(params.sensitive) || spoilerText.trim() !== "",
      idempotencyKey: idempotencyKey ?? null,
      createdAt: now,
      deleted: false,
      mediaIds: media.map((m) => m.id),
    };
    this.all.push(status);
    for (const m of media) m.statusId = status.id;
    if (key) this.keys.set(key, { statusId: status.id, expiresAt: now + this.rules.idempotencyTtlMs });
    return { status: 200, body: this.entity(status, a, now), headers: rateLimitHeaders(window) };
  }

  /** Own, undeleted status -> 200 with its source `text`; anything else -> 404 "Record not found". */
  delete(a: MastodonLoopbackAccount, id: string): Reply {
    const status = this.all.find((s) => s.id === id && s.accountId === a.id && !s.deleted);
    if (!status) return { status: 404, body: { error: "Record not found" } };
    status.deleted = true;
    return { status: 200, body: this.entity(status, a, Date.now(), true) };
  }

  private entity(s: StoredStatus, a: MastodonLoopbackAccount, now: number, withSource = false): Record<string, unknown> {
    return statusEntity(this.rules.base, s, this.account(a), this.rules.media.entities(s.mediaIds, now), withSource);
  }
}

/** Api::BaseController: ActiveRecord::RecordInvalid -> 422 {"error":"Validation failed: …"}. */
function invalid(message: string): Reply {
  return { status: 422, body: { error: `Validation failed: ${message}` } };
}
