/**
 * What the TikTok adapter throws: every failure of a send or check, wrapped with the step it
 * happened in, so that classify.ts (pure) can tell a refused init from a failed status read.
 * Pure data classes; no HTTP client is loaded here.
 */

/** The call that failed. "checkpoint": saving the publish_id after init; "photo": the adapter's own picture checks. */
export type TikTokStep = "token" | "creator_info" | "init" | "status" | "user_info" | "checkpoint" | "photo";

export interface TikTokErrorContext {
  mode: "MEDIA_UPLOAD" | "DIRECT_POST";
  /** Whose picture this post carried: the article's (an image-stage failure) or the configured fallback. */
  photo?: "attached" | "fallback";
  /** The publish_id the failure is about, when there is one. Not a secret. */
  publishId?: string;
  /** The publish_id is saved as this delivery's checkpoint: a retry asks for its status and never inits again. */
  checkpointed?: boolean;
  /** creator_info's privacy_level_options, for the operator's message. */
  allowed?: readonly string[];
}

export class TikTokError extends Error {
  override name = "TikTokError";
  constructor(
    readonly step: TikTokStep,
    /**
     * TikTok's `error.code` (API), `error` (OAuth), a publish status (`PROCESSING_DOWNLOAD`), a
     * `fail_reason` (with `failed`), or the adapter's own ("photo_host", "privacy_level_not_offered"); undefined for a network failure.
     */
    readonly code: string | undefined,
    /** HTTP status of TikTok's answer, when it answered. */
    readonly status: number | undefined,
    readonly context: TikTokErrorContext,
    /** TikTok's own words (`message`, `error_description`) and `log_id`, for `DeliveryError.detail`. */
    readonly words: string,
    /** The code is a `fail_reason` of a FAILED publish (status/fetch answered `ok`). */
    readonly failed = false,
    cause?: unknown,
  ) {
    super(`TikTok ${step}: ${code ?? "network failure"}${status !== undefined ? ` (HTTP ${status})` : ""}${words ? `: ${words}` : ""}`, cause === undefined ? undefined : { cause });
  }
}

export function isTikTokError(err: unknown): err is TikTokError {
  return err instanceof TikTokError || (err instanceof Error && err.name === "TikTokError" && typeof (err as Partial<TikTokError>).step === "string");
}
