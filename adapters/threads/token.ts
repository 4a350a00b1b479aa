/**
 * The access token in use, and its renewal. Threads user tokens are long-lived for 60 days and "can
 * be refreshed as long as they are at least 24 hours old but have not expired … Refreshed tokens are
 * valid for 60 days from the date at which they are refreshed"
 * (https://developers.facebook.com/docs/threads/get-started/long-lived-tokens, undated):
 * `GET /refresh_access_token?grant_type=th_refresh_token&access_token=…` (no version in the path)
 * → `{ access_token, token_type: "bearer", expires_in }` (seconds).
 *
 * The refreshed token lives in the core's CredentialStore (never in the config): it is used while its
 * `origin` (sha-256 of the configured token) matches, so a new token in the config starts over.
 */
import { createHash } from "node:crypto";
import type { CredentialStore, RefreshableCredential } from "../../src/core/index.js";
import type { JsonClient } from "../../src/core/kit/json-client.js";
import { BeforePublishError } from "./errors.js";

/** Renew when less than this is left: halfway through the 60 days, well past the 24-hour minimum age. */
export const REFRESH_WHEN_LEFT_MS = 30 * 86_400_000;

export interface TokenSource {
  http: JsonClient;
  configured: string;
  credentials: CredentialStore | undefined;
  now: () => number;
}

export const originOf = (token: string): string => `sha256:${createHash("sha256").update(token).digest("hex")}`;

/** The stored credential when it was derived from the configured token. */
export async function storedFor(src: TokenSource): Promise<RefreshableCredential | null> {
  const stored = await src.credentials?.load();
  return stored && stored.origin === originOf(src.configured) ? stored : null;
}

/** Not refreshed yet (its age is unknown: tried until Meta takes it), or within the window. */
const due = (cred: RefreshableCredential | null, now: number): boolean =>
  cred === null || cred.expiresAt === null || cred.expiresAt - now < REFRESH_WHEN_LEFT_MS;

async function renewed(src: TokenSource, current: RefreshableCredential | null, signal: AbortSignal): Promise<RefreshableCredential> {
  const mine = current && current.origin === originOf(src.configured) ? current : null;
  if (!due(mine, src.now())) return mine as RefreshableCredential; // another caller renewed it meanwhile
  const token = mine?.accessToken ?? src.configured;
  const { body } = await src.http.get<{ access_token?: unknown; expires_in?: unknown }>("/refresh_access_token", {
    signal,
    query: { grant_type: "th_refresh_token", access_token: token },
    route: "/refresh_access_token",
  });
  if (typeof body?.access_token !== "string" || typeof body.expires_in !== "number") throw new Error("refresh_access_token answered without access_token/expires_in");
  return { accessToken: body.access_token, expiresAt: src.now() + body.expires_in * 1000, refreshToken: null, origin: originOf(src.configured) };
}

/**
 * The token to call with: the stored one (renewed first when due) or the configured one. A refresh
 * that fails leaves the current token in use (`refreshError` says why, for the log): a token younger
 * than 24 hours is refused until it is old enough, a dead one fails the call that follows as `auth`,
 * and one refreshed but not stored (the store failed) is lost while the old one stays in use. Only a
 * store that cannot be read fails the send.
 */
export async function currentToken(src: TokenSource, signal: AbortSignal): Promise<{ token: string; expiresAt: number | null | undefined; refreshError?: unknown }> {
  const stored = await storedFor(src).catch((err: unknown) => Promise.reject(new BeforePublishError("refresh", err, false)));
  const fallback = { token: stored?.accessToken ?? src.configured, expiresAt: stored ? stored.expiresAt : undefined };
  if (!src.credentials || !due(stored, src.now())) return fallback;
  try {
    const cred = await src.credentials.refresh((current) => renewed(src, current, signal));
    return { token: cred.accessToken, expiresAt: cred.expiresAt };
  } catch (refreshError) {
    return { ...fallback, refreshError };
  }
}
