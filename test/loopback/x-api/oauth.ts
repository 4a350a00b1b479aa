// OAuth 1.0a (HMAC-SHA1) user-context verification, as X documents it (pages read 2026-11-27):
//   https://docs.x.com/fundamentals/authentication/oauth-1-0a/authorizing-a-request
//   https://docs.x.com/fundamentals/authentication/oauth-1-0a/creating-a-signature
//   https://docs.x.com/fundamentals/authentication/oauth-1-0a/percent-encoding-parameters
// The signature itself is recomputed with the independent `oauth-1.0a` package.
import { createHmac, timingSafeEqual } from "node:crypto";
import OAuth from "oauth-1.0a";

/** Hosts the X API v2 answers on; a client signs the https URL of one of them. */
export const OFFICIAL_API_ORIGINS = ["https://api.x.com", "https://api.twitter.com"] as const;

/** "The X API will reject requests which were created too far in the past" (authorizing-a-request). */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export type ParamList = Array<[string, string]>;

export interface OAuthUser {
  id: string;
  accessToken: string;
  accessSecret: string;
}

export interface VerifyInput {
  method: string;
  /** Request path without query, e.g. `/2/tweets`. */
  path: string;
  /** Query parameters, already decoded. */
  query: ParamList;
  /** Parameters of an `application/x-www-form-urlencoded` body; empty for JSON and multipart bodies. */
  formBody: ParamList;
  authorization: string | undefined;
}

export type VerifyResult<U extends OAuthUser> =
  | { ok: true; user: U; nonceKey: string }
  | { ok: false; reason: string };

/**
 * Parse `Authorization: OAuth k="v", ...` (RFC 5849 §3.5.1): comma separated,
 * values double-quoted and percent-encoded. `realm` is dropped (not signed).
 */
export function parseOAuthHeader(value: string | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  const match = /^\s*OAuth\s+(.*)$/is.exec(value);
  if (!match || match[1] === undefined) return undefined;
  const out: Record<string, string> = {};
  const re = /\s*([^=,\s]+)\s*=\s*"([^"]*)"\s*(?:,|$)/gy;
  const rest = match[1].trim();
  let consumed = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    const [, key, raw] = m;
    if (key === undefined || raw === undefined) return undefined;
    try {
      out[decodeURIComponent(key)] = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    consumed = re.lastIndex;
  }
  if (consumed !== rest.length) return undefined;
  delete out.realm;
  return out;
}

function hmacSha1(base: string, key: string): string {
  return createHmac("sha1", key).update(base).digest("base64");
}

/** Group repeated names into arrays, the shape oauth-1.0a expects for duplicate parameters. */
function toOAuthData(params: ParamList): Record<string, string | string[]> {
  const data: Record<string, string | string[]> = {};
  for (const [k, v] of params) {
    const prev = data[k];
    if (prev === undefined) data[k] = v;
    else data[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return data;
}

/**
 * Recompute the HMAC-SHA1 signature with the `oauth-1.0a` package.
 * `baseUrl` is scheme://host/path exactly as the client signed it (no query).
 */
export function computeSignature(args: {
  method: string;
  baseUrl: string;
  params: ParamList;
  oauthParams: Record<string, string>;
  consumerKey: string;
  consumerSecret: string;
  tokenSecret: string;
}): string {
  const oauth = new OAuth({
    consumer: { key: args.consumerKey, secret: args.consumerSecret },
    signature_method: "HMAC-SHA1",
    hash_function: hmacSha1,
  });
  const oauthData: Record<string, string> = { ...args.oauthParams };
  delete oauthData.oauth_signature;
  // oauth-1.0a mutates the objects it merges; hand it fresh copies.
  return oauth.getSignature(
    { url: args.baseUrl, method: args.method, data: toOAuthData(args.params) },
    args.tokenSecret,
    oauthData as unknown as OAuth.Data,
  );
}

function sameSignature(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/**
 * Check an incoming request's OAuth 1.0a header. Pure: the nonce is only
 * reported (`nonceKey`), the caller records it with `NonceStore.commit` once
 * the request is really processed.
 */
export function verifyOAuthRequest<U extends OAuthUser>(
  input: VerifyInput,
  consumer: { key: string; secret: string },
  users: readonly U[],
  nonces: NonceStore,
  nowMs: number,
): VerifyResult<U> {
  const p = parseOAuthHeader(input.authorization);
  if (!p) return { ok: false, reason: "missing or malformed OAuth Authorization header" };
  const required = ["oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_timestamp", "oauth_token"];
  for (const name of required) {
    if (!p[name]) return { ok: false, reason: `missing ${name}` };
  }
  if (p.oauth_signature_method !== "HMAC-SHA1") return { ok: false, reason: "oauth_signature_method must be HMAC-SHA1" };
  if (p.oauth_version !== undefined && p.oauth_version !== "1.0") return { ok: false, reason: "oauth_version must be 1.0" };
  if (p.oauth_consumer_key !== consumer.key) return { ok: false, reason: "unknown oauth_consumer_key" };
  const user = users.find((u) => u.accessToken === p.oauth_token);
  if (!user) return { ok: false, reason: "unknown oauth_token" };
  const ts = Number(p.oauth_timestamp);
  if (!/^\d+$/.test(p.oauth_timestamp ?? "") || Math.abs(nowMs / 1000 - ts) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: "stale or invalid oauth_timestamp" };
  }
  const params = [...input.query, ...input.formBody];
  const matches = OFFICIAL_API_ORIGINS.some((origin) =>
    sameSignature(
      computeSignature({
        method: input.method.toUpperCase(),
        baseUrl: origin + input.path,
        params,
        oauthParams: p,
        consumerKey: consumer.key,
        consumerSecret: consumer.secret,
        tokenSecret: user.accessSecret,
      }),
      p.oauth_signature ?? "",
    ),
  );
  if (!matches) return { ok: false, reason: "signature mismatch" };
  const nonceKey = `${p.oauth_consumer_key}|${p.oauth_token}|${p.oauth_timestamp}|${p.oauth_nonce}`;
  if (nonces.has(nonceKey)) return { ok: false, reason: "replayed oauth_nonce" };
  return { ok: true, user, nonceKey };
}

/**
 * Nonces seen recently. "The X API uses this value to determine whether a
 * request has been submitted multiple times" (authorizing-a-request). Entries
 * older than twice the allowed skew can never be replayed (the timestamp check
 * rejects them first) and are pruned.
 */
export class NonceStore {
  private readonly seen = new Map<string, number>();

  has(key: string): boolean {
    return this.seen.has(key);
  }

  commit(key: string, nowMs: number): void {
    this.seen.set(key, nowMs);
    const horizon = nowMs - 2 * MAX_CLOCK_SKEW_SECONDS * 1000;
    for (const [k, at] of this.seen) {
      if (at < horizon) this.seen.delete(k);
    }
  }
}
