/**
 * The 60-day Instagram User token, refreshed before it lapses and kept in the core's credential store.
 *
 * https://developers.facebook.com/documentation/instagram-platform/reference/refresh_access_token
 * ("Updated: Jul 17, 2025"): `GET https://graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token&access_token=…`
 * "Refresh a long-lived access token that is at least 24 hours old but has not expired. Refreshed
 * tokens are valid for 60 days from the date at which they are refreshed." → {access_token,
 * token_type: "bearer", expires_in (seconds)}. No app secret. Instagram documents no way to read a
 * token's expiry (no debug_token for Instagram Login; unconfirmed), so the expiry of the configured
 * token is unknown until its first refresh, which is therefore tried on first use (refused, harmlessly,
 * while the token is younger than 24 hours: then once an hour at most).
 */
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { errorText, type CredentialStore, type RefreshableCredential } from "../../src/core/index.js";
import { graphDetail } from "./classify.js";

const DAY_MS = 86_400_000;
/** While a refresh keeps failing (a token younger than 24 h, Instagram down), try again at most this often. */
export const REFRESH_RETRY_MS = 3_600_000;

export interface RefreshAnswer {
  access_token: string;
  expires_in: number;
}

export interface TokenKeeperOptions {
  /** The token in the config. */
  configured: string;
  /** Refresh once the stored token is within this many days of expiry. */
  refreshDays: number;
  store: CredentialStore | undefined;
  refresh(token: string, signal: AbortSignal): Promise<RefreshAnswer>;
  logger: Pick<Logger, "warn" | "info">;
  now?: () => number;
}

/** A fingerprint of the configured token, never the token: a new token in the config starts afresh. */
export const fingerprint = (token: string): string => `sha256:${createHash("sha256").update(token).digest("hex")}`;

export class TokenKeeper {
  private readonly origin: string;
  private readonly now: () => number;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private known: RefreshableCredential | null = null;
  /** Why the last refresh failed, for `crier check`; undefined after a success. */
  lastError: string | undefined;

  constructor(private readonly o: TokenKeeperOptions) {
    this.origin = fingerprint(o.configured);
    this.now = o.now ?? Date.now;
  }

  /** When the token in use lapses (epoch ms), when known. */
  expiresAt(): number | undefined {
    return this.known?.expiresAt ?? undefined;
  }

  private due(c: RefreshableCredential | null): boolean {
    return c === null || c.expiresAt === null || c.expiresAt - this.now() <= this.o.refreshDays * DAY_MS;
  }

  private async stored(): Promise<RefreshableCredential | null> {
    try {
      const c = await this.o.store?.load();
      return c && c.origin === this.origin ? c : null;
    } catch (err) {
      this.o.logger.warn({ err: errorText(err) }, "cannot read the stored Instagram token; using the configured one");
      return null;
    }
  }

  /** The token to call with: the stored refreshed one, else the configured one; refreshed first when due. Never throws. */
  async current(signal: AbortSignal): Promise<string> {
    if (!this.o.store) return this.o.configured;
    const cred = await this.stored();
    this.known = cred;
    const fallback = cred?.accessToken ?? this.o.configured;
    if (!this.due(cred) || this.now() - this.lastAttempt < REFRESH_RETRY_MS) return fallback;
    this.lastAttempt = this.now();
    try {
      const fresh = await this.o.store.refresh(async (current) => {
        const base = current?.origin === this.origin ? current : null;
        if (base && !this.due(base)) return base; // another caller refreshed it meanwhile
        const answer = await this.o.refresh(base?.accessToken ?? this.o.configured, signal);
        if (typeof answer?.access_token !== "string" || !(answer.expires_in > 0)) throw new Error("refresh_access_token answered without access_token and expires_in");
        return { accessToken: answer.access_token, expiresAt: this.now() + answer.expires_in * 1000, refreshToken: null, origin: this.origin };
      });
      this.known = fresh;
      this.lastError = undefined;
      this.o.logger.info({ expiresAt: new Date(fresh.expiresAt ?? 0).toISOString() }, "Instagram token refreshed");
      return fresh.accessToken;
    } catch (err) {
      this.lastError = graphDetail(err);
      this.o.logger.warn({ err: this.lastError }, "refreshing the Instagram token failed; using the current one");
      return fallback;
    }
  }
}
