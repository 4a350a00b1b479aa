// Instagram User access tokens: how requests carry them and how they are refreshed.
// - Carried as `access_token` (query, form or JSON body: the references' request syntax, e.g.
//   https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-container,
//   "Updated: Jul 23, 2024") or as `Authorization: Bearer` (the Content Publishing guide's curl
//   examples, https://developers.facebook.com/docs/instagram-platform/content-publishing, v25.0).
// - Refresh: https://developers.facebook.com/documentation/instagram-platform/reference/refresh_access_token
//   ("Updated: Jul 17, 2025"): `GET /refresh_access_token?grant_type=ig_refresh_token&access_token=…`,
//   unversioned; "Refresh a long-lived access token that is at least 24 hours old but has not
//   expired. Refreshed tokens are valid for 60 days from the date at which they are refreshed."
//   Answer: {"access_token", "token_type": "bearer", "expires_in": 5183944}.
import type { RecordedRequest, Reply } from "../harness.js";
import { GRAPH, graphError } from "./graph-errors.js";
import type { LoopbackToken } from "./types.js";

export const DAY_MS = 86_400_000;
/** The page's sample `expires_in` (seconds): just under 60 days. */
export const EXPIRES_IN_S = 5_183_944;

/** Request parameters wherever Graph reads them: query, then form or JSON body. */
export function paramsOf(req: RecordedRequest): Record<string, string> {
  const out: Record<string, string> = { ...req.query };
  const body = (req.form ?? (req.json && typeof req.json === "object" ? req.json : {})) as Record<string, unknown>;
  for (const [k, v] of Object.entries(body)) if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = String(v);
  return out;
}

export function presentedToken(req: RecordedRequest): string | undefined {
  const auth = req.headers.authorization;
  const bearer = typeof auth === "string" ? /^Bearer\s+(\S+)$/i.exec(auth)?.[1] : undefined;
  return bearer ?? paramsOf(req).access_token;
}

/** The token a request is made with, or the Graph error for it. */
export function authenticate(tokens: Map<string, LoopbackToken>, req: RecordedRequest, now: number): LoopbackToken | Reply {
  const value = presentedToken(req);
  // loopback choice: Graph's code 2500 wording for a request without a token.
  if (!value) return graphError(2500, "An active access token must be used to query information about the current user.");
  const token = tokens.get(value);
  if (!token || token.revoked) return GRAPH.invalidToken();
  if (now >= token.expiresAt) return GRAPH.expiredToken();
  return token;
}

let issued = 0;
export function newTokenValue(): string {
  return `IGAALoopback${(++issued).toString(36)}${"x".repeat(40)}`;
}

/** GET /refresh_access_token. The refusal codes are not documented: the loopback's choice (100). */
export function refreshToken(tokens: Map<string, LoopbackToken>, req: RecordedRequest, now: number, revokeOld: boolean): Reply {
  const p = paramsOf(req);
  if (p.grant_type !== "ig_refresh_token") return GRAPH.invalidParameter("grant_type must be ig_refresh_token");
  const old = authenticate(tokens, req, now);
  if ("status" in old) return old;
  if (now - old.issuedAt < DAY_MS) return GRAPH.invalidParameter("The access token can only be refreshed when it is at least 24 hours old");
  const value = newTokenValue();
  tokens.set(value, { value, userId: old.userId, issuedAt: now, expiresAt: now + EXPIRES_IN_S * 1000, scopes: old.scopes });
  if (revokeOld) old.revoked = true;
  return { status: 200, body: { access_token: value, token_type: "bearer", expires_in: EXPIRES_IN_S } };
}
