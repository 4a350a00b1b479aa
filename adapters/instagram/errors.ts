/**
 * What send throws besides the kit's errors: which step failed (so that classify knows whether
 * anything can have been published), and the states of the flow that are not HTTP errors. Pure
 * data classes; classify.ts reads them without loading an HTTP client.
 */
import { errorText } from "../../src/core/index.js";

/**
 * quota: reading content_publishing_limit; create: POST /media; checkpoint: saving the container id;
 * status: reading the container; publish: POST /media_publish. Only "publish" can have posted.
 */
export type Step = "quota" | "create" | "checkpoint" | "status" | "publish";

export class InstagramStepError extends Error {
  override name = "InstagramStepError";
  constructor(
    readonly step: Step,
    override readonly cause: unknown,
  ) {
    super(`${step}: ${errorText(cause)}`, { cause });
  }
}

/** The container is IN_PROGRESS: the send ends here and the core comes back soon (the checkpoint keeps it). */
export class InstagramNotReadyError extends Error {
  override name = "InstagramNotReadyError";
  constructor(readonly container: string) {
    super(`container ${container} is still IN_PROGRESS`);
  }
}

/** content_publishing_limit says the account has published `usage` of `total` in the last `durationS`. */
export class InstagramQuotaError extends Error {
  override name = "InstagramQuotaError";
  constructor(
    readonly usage: number,
    readonly total: number,
    readonly durationS: number,
    /** When the window surely has room again: the answer's time + the window (epoch ms). */
    readonly retryAt: number,
    readonly waitMs: number,
  ) {
    super(`publishing quota used: ${usage} of ${total} in ${durationS} s`);
  }
}

/** The container's status_code is ERROR; `status` is Instagram's text ("…error code 2207052"). */
export class InstagramContainerError extends Error {
  override name = "InstagramContainerError";
  readonly subcode: number | undefined;
  constructor(
    readonly container: string,
    readonly status: string,
  ) {
    super(`container ${container} failed: ${status}`);
    const m = /\b(2207\d{3})\b/.exec(status);
    this.subcode = m ? Number(m[1]) : undefined;
  }
}

/** An answer that is not what the reference describes (no id, an unknown status_code). */
export class InstagramAnswerError extends Error {
  override name = "InstagramAnswerError";
}
