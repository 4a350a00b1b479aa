// The token endpoint and the tokens it issued.
//
// https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token ("Last updated November 2, 2026"):
// POST /v2/oauth/token/, application/x-www-form-urlencoded, client_key, client_secret,
// grant_type=refresh_token, refresh_token. "Refresh tokens are rotated: a successful refresh request
// will return a new refresh_token in place of the one you sent. The previous refresh token stops
// working once a new one is issued." Answer: access_token, expires_in, open_id, refresh_expires_in,
// refresh_token, scope (comma-separated), token_type "Bearer"
// (https://developers.tiktok.com/doc/oauth-user-access-token-management). Lifetimes
// (https://developers.tiktok.com/docs/zh-Hans/oauth-user-access-token-management, 2026-11-05): access 2 h, refresh
// 180 days, both fields "the remaining lifetime in seconds": a rotated refresh token keeps the
// lapse of the one it replaces (loopback choice: the page does not say whether rotation extends it).
import type { RecordedRequest, Reply } from "../harness.js";
import { oauthError } from "./envelope.js";

export interface Grant {
  openId: string;
  scopes: readonly string[];
  expiresAt: number;
}

export interface OAuthOptions {
  clientKey: string;
  clientSecret: string;
  accessTtlSec: number;
  refreshTtlSec: number;
  errorStatus: number;
  now: () => number;
}

export class TokenIssuer {
  readonly access = new Map<string, Grant>();
  readonly refresh = new Map<string, Grant & { used: boolean }>();
  private seq = 0;

  constructor(readonly opts: OAuthOptions) {}

  /** What the authorization-code exchange would hand the operator: a refresh token for this creator. */
  issueRefreshToken(openId: string, scopes: readonly string[], ttlSec = this.opts.refreshTtlSec): string {
    const token = `rft.loopback-${++this.seq}-${openId.slice(0, 8)}`;
    this.refresh.set(token, { openId, scopes, expiresAt: this.opts.now() + ttlSec * 1000, used: false });
    return token;
  }

  /** The grant of a live access token, or undefined (missing, unknown, expired). */
  grantOf(req: RecordedRequest): (Grant & { token: string }) | undefined {
    const token = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const grant = token === undefined ? undefined : this.access.get(token);
    return token !== undefined && grant && grant.expiresAt > this.opts.now() ? { ...grant, token } : undefined;
  }

  /** Every access token lapses now (the test's "the token expired during the run"). */
  expireAccessTokens(): void {
    for (const g of this.access.values()) g.expiresAt = Math.min(g.expiresAt, this.opts.now());
  }

  token(req: RecordedRequest): Reply {
    const { now, clientKey, clientSecret, errorStatus, accessTtlSec } = this.opts;
    const at = now();
    if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded") || !req.form) {
      return oauthError(at, errorStatus, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
    }
    const f = (name: string) => (typeof req.form?.[name] === "string" ? (req.form[name] as string) : "");
    if (f("client_key") !== clientKey || f("client_secret") !== clientSecret) return oauthError(at, errorStatus, "invalid_client", "Client key or secret is incorrect.");
    if (f("grant_type") !== "refresh_token") return oauthError(at, errorStatus, "unsupported_grant_type", "Only refresh_token is served by the loopback.");
    const old = this.refresh.get(f("refresh_token"));
    if (!old || old.used || old.expiresAt <= at) return oauthError(at, errorStatus, "invalid_grant", "Refresh token is invalid or expired.");
    old.used = true; // single use: "stops working once a new one is issued"
    const access = `act.loopback-${++this.seq}-${old.openId.slice(0, 8)}`;
    this.access.set(access, { openId: old.openId, scopes: old.scopes, expiresAt: at + accessTtlSec * 1000 });
    const refreshTtl = Math.max(0, Math.floor((old.expiresAt - at) / 1000));
    const next = this.issueRefreshToken(old.openId, old.scopes, refreshTtl);
    return {
      status: 200,
      body: { access_token: access, expires_in: accessTtlSec, open_id: old.openId, refresh_expires_in: refreshTtl, refresh_token: next, scope: old.scopes.join(","), token_type: "Bearer" },
    };
  }
}
