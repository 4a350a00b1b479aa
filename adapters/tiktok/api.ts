/**
 * One TikTok API call: the kit's JSON client, TikTok's answer envelope checked, every failure
 * rethrown as a TikTokError naming its step. Send side only (loads undici through the client).
 *
 * https://developers.tiktok.com/doc/tiktok-api-v2-error-handling: every v2 answer carries
 * `error: { code, message, log_id }`, and (photo-post reference, "Response") "Any code other than
 * ok indicates the request did not succeed" — also under HTTP 200, as creator_info's caps come.
 */
import type { Logger } from "pino";
import type { CredentialStore } from "../../src/core/adapter.js";
import { isHttpError, type HttpError } from "../../src/core/kit/http-error.js";
import type { CallOptions, JsonClient } from "../../src/core/kit/json-client.js";
import type { TikTokConfig } from "./config.js";
import { TikTokError, type TikTokErrorContext, type TikTokStep } from "./errors.js";

export interface TikTokClient {
  cfg: TikTokConfig;
  http: JsonClient;
  credentials: CredentialStore;
  /** The clock token expiries are computed with. */
  now: () => number;
  /** Bounds a token refresh, which must not be cut off by a send's timeout (see tokens.ts). */
  refreshTimeoutMs: number;
  logger?: Logger;
}

interface Envelope {
  data?: unknown;
  error?: { code?: unknown; message?: unknown; log_id?: unknown } | string;
  error_description?: unknown;
  log_id?: unknown;
}

/** TikTok's code, its words and log_id, from an API envelope or an OAuth error body. */
export function tiktokWords(body: unknown): { code: string | undefined; words: string } {
  const b = (body && typeof body === "object" ? body : {}) as Envelope;
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  if (typeof b.error === "string") {
    return { code: b.error, words: [text(b.error_description), text(b.log_id) && `log_id ${String(b.log_id)}`].filter(Boolean).join("; ") };
  }
  const e = b.error && typeof b.error === "object" ? b.error : {};
  return { code: text(e.code), words: [text(e.message), text(e.log_id) && `log_id ${String(e.log_id)}`].filter(Boolean).join("; ") };
}

/** Rethrows anything a call threw as a TikTokError of `step` (TikTok's code read from an HttpError's body). */
export function asTikTokError(err: unknown, step: TikTokStep, context: TikTokErrorContext): TikTokError {
  if (err instanceof TikTokError) return err;
  if (isHttpError(err)) {
    const { code, words } = tiktokWords((err as HttpError).body);
    return new TikTokError(step, code, err.status, context, words, false, err);
  }
  return new TikTokError(step, undefined, undefined, context, "", false, err);
}

/** A v2 API call; resolves with `data` and the answer's log_id when `error.code` is "ok". @throws TikTokError */
export async function callApi<T>(client: TikTokClient, step: TikTokStep, context: TikTokErrorContext, method: "GET" | "POST", path: string, call: CallOptions): Promise<{ data: T; logId: string }> {
  let body: unknown;
  let status: number;
  try {
    ({ body, status } = await client.http.request(method, path, call));
  } catch (err) {
    throw asTikTokError(err, step, context);
  }
  const { code, words } = tiktokWords(body);
  if (code !== "ok") throw new TikTokError(step, code ?? "no_error_object", status, context, words || "the answer has no error.code \"ok\"");
  const e = (body as Envelope).error;
  const logId = e && typeof e === "object" && typeof e.log_id === "string" ? e.log_id : "";
  return { data: ((body as Envelope).data ?? {}) as T, logId };
}
