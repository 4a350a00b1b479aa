// Members, pages, apps and tokens of the loopback, and the OAuth side: /v2/userinfo,
// /oauth/v2/accessToken (refresh), /oauth/v2/introspectToken.
// - Lifetimes: "By default, access tokens are valid for 60 days and programmatic refresh tokens are
//   valid for a year"; the refresh token's TTL does not restart on refresh ("Day 59 … 306 days")
//   (https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens, li-lms-2024-08).
// - Introspection (https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection):
//   form client_id, client_secret, token → {active, client_id, authorized_at, created_at, status,
//   expires_at, scope, auth_type}; seconds; status active|expired|revoked; 400 bad client id or token,
//   401 bad client secret. A token of another app: {"active": false} (observed, public notes).
// - userinfo: OIDC, scopes openid and profile (…/consumer/integrations/self-serve/sign-in-with-linkedin-v2).
import { randomBytes } from "node:crypto";
import type { RecordedRequest, Reply } from "../harness.js";
import { errors } from "./errors.js";

export interface Member { sub: string; name: string; given_name: string; family_name: string }
export interface Organization { id: string; name: string; admins: string[] }
export interface App { clientId: string; clientSecret: string }

export interface Token {
  value: string;
  sub: string;
  scopes: string[];
  clientId: string;
  createdAt: number;
  /** Epoch ms. */
  expiresAt: number;
  revoked: boolean;
}

export interface RefreshToken { value: string; sub: string; scopes: string[]; clientId: string; expiresAt: number }

export const DAY = 86_400_000;
const secs = (ms: number) => Math.floor(ms / 1000);

export class Accounts {
  readonly tokens = new Map<string, Token>();
  readonly refreshTokens = new Map<string, RefreshToken>();

  constructor(readonly members: Member[], readonly organizations: Organization[], readonly app: App, private readonly now: () => number) {}

  /** A 3-legged member token, 60 days unless said otherwise. */
  issue(sub: string, scopes: string[], ttlMs = 60 * DAY, value = `AQV${randomBytes(24).toString("base64url")}`): Token {
    const token = { value, sub, scopes, clientId: this.app.clientId, createdAt: this.now(), expiresAt: this.now() + ttlMs, revoked: false };
    this.tokens.set(value, token);
    return token;
  }

  issueRefresh(sub: string, scopes: string[], ttlMs = 365 * DAY, value = `AQX${randomBytes(24).toString("base64url")}`): RefreshToken {
    const refresh = { value, sub, scopes, clientId: this.app.clientId, expiresAt: this.now() + ttlMs };
    this.refreshTokens.set(value, refresh);
    return refresh;
  }

  /** The request's bearer token, or LinkedIn's 401 for it. */
  authenticate(req: RecordedRequest): Token | Reply {
    const bearer = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    if (!bearer) return errors.emptyToken();
    const token = this.tokens.get(bearer);
    if (!token) return errors.invalidToken();
    if (token.revoked) return errors.revokedToken();
    if (this.now() >= token.expiresAt) return errors.expiredToken();
    return token;
  }

  member(sub: string): Member | undefined {
    return this.members.find((m) => m.sub === sub);
  }

  /** Who may act for `urn`: the member themself with w_member_social; a page's ADMINISTRATOR (the loopback's one role) with w_organization_social. */
  mayActFor(token: Token, urn: string): boolean {
    if (urn === `urn:li:person:${token.sub}`) return token.scopes.includes("w_member_social");
    const org = /^urn:li:organization:(\d+)$/.exec(urn)?.[1];
    const page = this.organizations.find((o) => o.id === org);
    return Boolean(page && page.admins.includes(token.sub) && token.scopes.includes("w_organization_social"));
  }

  userinfo(req: RecordedRequest): Reply {
    const token = this.authenticate(req);
    if ("status" in token) return token;
    if (!token.scopes.includes("openid") || !token.scopes.includes("profile")) return errors.accessDenied("userinfo.GET.NO_VERSION");
    const m = this.member(token.sub);
    return { status: 200, body: { sub: token.sub, name: m?.name, given_name: m?.given_name, family_name: m?.family_name, locale: { country: "US", language: "en" } } };
  }

  private client(form: Record<string, string | string[]>): Reply | undefined {
    if (form.client_id !== this.app.clientId) return errors.oauth(400, "invalid_request", "A required parameter \"client_id\" is missing or invalid");
    if (form.client_secret !== this.app.clientSecret) return errors.oauth(401, "invalid_client", "Client authentication failed");
    return undefined;
  }

  /** grant_type=refresh_token: a new 60-day access token; the refresh token keeps its original expiry. */
  accessToken(req: RecordedRequest): Reply {
    const form = req.form ?? {};
    const bad = this.client(form);
    if (bad) return bad;
    if (form.grant_type !== "refresh_token") return errors.oauth(400, "unsupported_grant_type", "Only refresh_token is served by the loopback");
    const refresh = this.refreshTokens.get(String(form.refresh_token ?? ""));
    if (!refresh || this.now() >= refresh.expiresAt) return errors.oauth(400, "invalid_request", "The provided refresh token is invalid or expired");
    const token = this.issue(refresh.sub, refresh.scopes);
    const left = (ms: number) => secs(ms - this.now());
    return { status: 200, body: { access_token: token.value, expires_in: left(token.expiresAt), refresh_token: refresh.value, refresh_token_expires_in: left(refresh.expiresAt), scope: refresh.scopes.join(",") } };
  }

  introspect(req: RecordedRequest): Reply {
    const form = req.form ?? {};
    const bad = this.client(form);
    if (bad) return bad;
    const token = this.tokens.get(String(form.token ?? ""));
    if (!token) return errors.oauth(400, "invalid_request", "The token is invalid");
    if (token.clientId !== this.app.clientId) return { status: 200, body: { active: false } };
    const status = token.revoked ? "revoked" : this.now() >= token.expiresAt ? "expired" : "active";
    return {
      status: 200,
      body: {
        active: status === "active", client_id: token.clientId, authorized_at: secs(token.createdAt), created_at: secs(token.createdAt),
        status, expires_at: secs(token.expiresAt), scope: token.scopes.join(","), auth_type: "3L",
      },
    };
  }
}
