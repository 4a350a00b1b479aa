/**
 * What send throws besides the JSON client's errors: the states of the container and the quota,
 * each one of the flow's own conclusions, for classify.ts. Plain classes; load nothing.
 */

/** Where the flow stood: everything before `threads_publish` posts nothing (a container is no post). */
export type Step = "refresh" | "quota" | "create" | "checkpoint" | "status" | "lookup";

export type ThreadsFailure =
  /** The container is still IN_PROGRESS: publish later (Meta: "wait on average 30 seconds"). */
  | { what: "not-ready"; container: string }
  /** The container ended in ERROR, with Meta's `error_message`. */
  | { what: "container-error"; container: string; image: boolean; errorMessage: string | null }
  /** The profile's publishing quota is used up (threads_publishing_limit). */
  | { what: "quota"; usage: number; total: number; windowS: number }
  /** An earlier attempt published the container, and the post could not be found among the profile's. */
  | { what: "already-published"; container: string }
  /** postAs image, and the core gave no URL Threads could fetch the image from. */
  | { what: "no-image-url" };

export class ThreadsError extends Error {
  override name = "ThreadsError";
  constructor(readonly failure: ThreadsFailure, message: string) {
    super(message);
  }
}

/** A failure before `threads_publish` was sent: whatever it was, nothing was posted. */
export class BeforePublishError extends Error {
  override name = "ThreadsBeforePublishError";
  constructor(
    readonly step: Step,
    override readonly cause: unknown,
    /** The failing step was making an IMAGE container: the image may be what failed. */
    readonly image: boolean,
  ) {
    super(`${step} failed before publishing`, { cause });
  }
}
