/**
 * The creator's access token, renewed before it lapses, and the single-use refresh token kept.
 *
 * https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token ("Last updated November 2,
 * 2026"): POST /v2/oauth/token/, form-encoded client_key, client_secret, grant_type=refresh_token,
 * refresh_token. "Refresh tokens are rotated: a successful refresh request will return a new
 * refresh_token in place of the one you sent. The previous refresh token stops working once a new
 * one is issued." https://developers.tiktok.com/docs/zh-Hans/oauth-user-access-token-management
 * (2026-11-05): access 2 hours, refresh 180 days — "Both fields return the remaining lifetime in
 * seconds. Use them to schedule refreshes rather than hard-coding the lifetimes." (The older page
 * said 24 hours and 365 days: nothing here assumes either.)
 */
import { createHash } from "node:crypto";
import type { CredentialStore, RefreshableCredential, SessionStore } from "../../src/core/adapter.js";
import { asTikTokError, tiktokWords, type TikTokClient } from "./api.js";
import { TikTokError, type TikTokErrorContext } from "./errors.js";

/** Renewed when it has less than this left: a send never starts with a token about to lapse. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** A fingerprint of the configured refresh token (never the token): a new one in the config starts over from it. */
export const originOf = (refreshToken: string): string => `sha256:${createHash("sha256").update(refreshToken).digest("hex")}`;

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
  refresh_expires_in?: unknown;
}

const seconds = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);

/** One refresh. Its answer must not be lost once sent (the old refresh token is dead by then), so it is bounded by its own timeout, not the send's. */
async function renew(client: TikTokClient, refreshToken: string, context: TikTokErrorContext, signal: AbortSignal): Promise<RefreshableCredential> {
  if (signal.aborted) throw asTikTokError(signal.reason, "token", context); // not started: the send's own signal still decides
  const { cfg, http, now } = client;
  let body: unknown;
  try {
    ({ body } = await http.post("/v2/oauth/token/", {
      signal: AbortSignal.timeout(client.refreshTimeoutMs),
      form: { client_key: cfg.clientKey, client_secret: cfg.clientSecret, grant_type: "refresh_token", refresh_token: refreshToken },
      headers: { "cache-control": "no-cache" },
    }));
  } catch (err) {
    throw asTikTokError(err, "token", context);
  }
  // OAuth errors come as {error, error_description, log_id} (oauth-error-handling); observed under HTTP 200 too.
  const answer = (body ?? {}) as TokenAnswer;
  if (typeof answer.access_token !== "string" || answer.access_token === "") {
    const { code, words } = tiktokWords(body);
    throw new TikTokError("token", code ?? "no_access_token", 200, context, words);
  }
  const at = now();
  const expiresIn = seconds(answer.expires_in);
  const refreshExpiresIn = seconds(answer.refresh_expires_in);
  return {
    accessToken: answer.access_token,
    expiresAt: expiresIn === null ? null : at + expiresIn * 1000,
    // The older page: "may be different than the one passed … use the newly-returned token"; absent, the old one stays.
    refreshToken: typeof answer.refresh_token === "string" && answer.refresh_token !== "" ? answer.refresh_token : refreshToken,
    refreshExpiresAt: refreshExpiresIn === null ? null : at + refreshExpiresIn * 1000,
    origin: originOf(cfg.refreshToken),
  };
}

const fresh = (c: RefreshableCredential, now: number) => c.expiresAt === null || c.expiresAt - now > REFRESH_MARGIN_MS;

/**
 * An access token with more than REFRESH_MARGIN_MS left, refreshing when needed. `refused`: a
 * token TikTok just answered access_token_invalid for, renewed whatever its expiry says.
 * @throws TikTokError (step "token")
 */
export async function accessToken(client: TikTokClient, context: TikTokErrorContext, signal: AbortSignal, refused?: string): Promise<string> {
  try {
    return await currentToken(client, context, signal, refused);
  } catch (err) {
    throw asTikTokError(err, "token", context); // the credential store's I/O errors too: nothing was posted
  }
}

async function currentToken(client: TikTokClient, context: TikTokErrorContext, signal: AbortSignal, refused?: string): Promise<string> {
  const origin = originOf(client.cfg.refreshToken);
  const ours = (c: RefreshableCredential | null) => (c && c.origin === origin ? c : null);
  if (refused === undefined) {
    const stored = ours(await client.credentials.load());
    if (stored && fresh(stored, client.now())) return stored.accessToken;
  }
  const renewed = await client.credentials.refresh(async (current) => {
    const mine = ours(current);
    // Another send renewed it while this one waited: the single-use refresh token is not spent twice.
    if (mine && mine.accessToken !== refused && fresh(mine, client.now())) return mine;
    return renew(client, mine?.refreshToken ?? client.cfg.refreshToken, context, signal);
  });
  return renewed.accessToken;
}

/** Runs `call` with a valid token; once more with a renewed one when TikTok answers access_token_invalid. */
export async function withToken<T>(client: TikTokClient, context: TikTokErrorContext, signal: AbortSignal, call: (token: string) => Promise<T>): Promise<T> {
  const token = await accessToken(client, context, signal);
  try {
    return await call(token);
  } catch (err) {
    if (!(err instanceof TikTokError) || err.code !== "access_token_invalid") throw err;
    return call(await accessToken(client, context, signal, token));
  }
}

/**
 * A CredentialStore kept in the destination's session file (0600, written whole then renamed),
 * for a core that gives no `ConnectDeps.credentials`. One renewal at a time in this process.
 */
export function sessionCredentials(session: SessionStore): CredentialStore {
  let queue: Promise<unknown> = Promise.resolve();
  const load = async (): Promise<RefreshableCredential | null> => {
    const text = await session.load();
    if (!text) return null;
    try {
      const c = JSON.parse(text) as RefreshableCredential;
      return typeof c.accessToken === "string" ? c : null;
    } catch {
      return null;
    }
  };
  return {
    load,
    refresh(renewWith) {
      const run = queue.then(async () => {
        const next = await renewWith(await load());
        await session.save(JSON.stringify(next));
        return next;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    clear: () => session.clear(),
  };
}
