/**
 * The network side: functions of the connected client (open.ts). Each lets masto's errors through,
 * for `classify`, and is bound by the signal the core gives it (the send timeout, shutdown) and by
 * nothing else. Imports masto's types only.
 */
import { createHash } from "node:crypto";
import type { mastodon } from "masto";
import type { Limits, SendContext, SentPost } from "../../src/core/index.js";
import { MastodonImageError, isMastoHttpError } from "./classify.js";
import { uploadImage } from "./media.js";
import type { MastodonPayload } from "./render.js";

/** What connect opens: masto's REST client and what the instance announced. */
export interface MastodonClient {
  rest: mastodon.rest.Client;
  /** The server's account domain, for `@user@domain`. */
  domain: string;
  limits: Limits;
}

/**
 * The `Idempotency-Key` for a delivery (https://docs.joinmastodon.org/methods/statuses/#create:
 * "any arbitrary string … stored for up to 1 hour"). Crier's key is stable across retries and
 * used as it is; one that is not a plain visible-ASCII header value is hashed instead. Pure.
 */
export function idempotencyKeyFor(ctx: Pick<SendContext, "idempotencyKey">): string {
  const key = ctx.idempotencyKey;
  return /^[\x21-\x7e]{1,200}$/.test(key) ? key : `crier-sha256-${createHash("sha256").update(key).digest("hex")}`;
}

/**
 * `POST /api/v1/statuses` (https://docs.joinmastodon.org/methods/statuses/#create). masto 7 takes
 * per-request fetch options as the call's second argument (`HttpMetaParams.requestInit`): its
 * headers are merged over the client's (Authorization stays), its signal used as given.
 * The post URL is the status's own `url` (a status of a local account always has one; `uri` else).
 *
 * With `ctx.image`, the image is uploaded first (media.ts) and named in `media_ids[]`; a failed or
 * refused upload throws MastodonImageError. So does a status refused for its attachment: with
 * media, PostStatusService checks the attachments before anything else and answers 422 ("not found
 * or already attached", "not finished processing"), having created nothing and stored no key; the
 * core then sends the same status without it. A 422 that was about the text fails that second try
 * too, as a plain rejection.
 */
export async function sendStatus({ rest }: MastodonClient, payload: MastodonPayload, ctx: SendContext): Promise<SentPost> {
  const upload = ctx.image ? await uploadImage(rest, ctx.image, ctx.signal) : undefined;
  const mediaIds = upload ? [upload.id] : undefined;
  const create = (ids: string[] | undefined) =>
    rest.v1.statuses.create(
      { status: payload.status, visibility: payload.visibility, language: payload.language, spoilerText: payload.spoilerText, ...(ids ? { mediaIds: ids } : {}) },
      { requestInit: { headers: { "Idempotency-Key": idempotencyKeyFor(ctx) }, signal: ctx.signal } },
    );
  let status: mastodon.v1.Status;
  try {
    status = await create(mediaIds);
  } catch (err) {
    if (!mediaIds || !isMastoHttpError(err) || err.statusCode !== 422) throw err;
    throw new MastodonImageError("status", err, `${err.statusCode} ${err.message}`);
  }
  return { remoteId: status.id, remoteUrl: status.url ?? status.uri ?? null };
}

/** `GET /api/v1/accounts/verify_credentials` (https://docs.joinmastodon.org/methods/accounts/#verify_credentials) → "@acct@domain". */
export async function checkAccount({ rest, domain }: MastodonClient, signal: AbortSignal): Promise<string> {
  const account = await rest.v1.accounts.verifyCredentials(undefined, { requestInit: { signal } });
  return account.acct.includes("@") ? `@${account.acct}` : `@${account.acct}@${domain}`;
}

/** `DELETE /api/v1/statuses/:id` (https://docs.joinmastodon.org/methods/statuses/#delete). */
export async function deleteStatus({ rest }: MastodonClient, id: string, signal: AbortSignal): Promise<void> {
  await rest.v1.statuses.$select(encodeURIComponent(id)).remove(undefined, { requestInit: { signal } });
}
