/**
 * `crier check`: who posts, when the token lapses, and whether the LinkedIn-Version is near its
 * retirement. Network I/O.
 */
import { isHttpError, type CheckResult } from "../../src/core/index.js";
import type { LinkedInClient } from "./client.js";
import { isOrganization } from "./config.js";
import { versionWarnings } from "./versions.js";

/** `GET /v2/userinfo` (OpenID Connect, scopes openid and profile; https://learn.microsoft.com/en-gb/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2). */
interface UserInfo {
  sub: string;
  name?: string;
}

/**
 * `POST /oauth/v2/introspectToken` (form: client_id, client_secret, token;
 * https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection): `status`
 * is active, expired or revoked; `expires_at` in epoch seconds; `scope` comma-separated.
 */
interface Introspection {
  active?: boolean;
  status?: string;
  expires_at?: number;
  scope?: string;
}

async function introspect(client: LinkedInClient, signal: AbortSignal): Promise<{ expiresAt?: number; warnings: string[]; notes?: string[] }> {
  const { cfg, auth } = client;
  if (!cfg.clientId || !cfg.clientSecret) {
    if (auth.expiresAt !== null) return { expiresAt: auth.expiresAt, warnings: [] };
    // A choice of the operator's, not a fault: a note (crier check still exits 0).
    return { warnings: [], notes: ["token expiry unknown: set clientId and clientSecret so that crier check can ask LinkedIn (member tokens last 60 days)"] };
  }
  try {
    const { body } = await client.oauth.post<Introspection>("/introspectToken", { signal, form: { client_id: cfg.clientId, client_secret: cfg.clientSecret, token: auth.token } });
    const warnings: string[] = [];
    if (body.active === false || (body.status && body.status !== "active")) warnings.push(`LinkedIn says the access token is ${body.status ?? "inactive"}: authorise again`);
    const need = isOrganization(cfg.author) ? "w_organization_social" : "w_member_social";
    if (body.scope !== undefined && !body.scope.split(",").map((s) => s.trim()).includes(need)) warnings.push(`the token lacks the ${need} scope: posts will be refused (403)`);
    return { ...(typeof body.expires_at === "number" ? { expiresAt: body.expires_at * 1000 } : {}), warnings };
  } catch (err) {
    if (!isHttpError(err)) throw err;
    // 400: bad client id or token; 401: bad client secret (same page). The account check still stands.
    return { warnings: [`token introspection refused (${err.status}): check clientId and clientSecret; expiry unknown`] };
  }
}

/** The member behind the token, the author, the token's expiry, and what to act on soon. */
export async function checkLinkedIn(client: LinkedInClient, signal: AbortSignal): Promise<CheckResult> {
  const { cfg } = client;
  const warnings = versionWarnings(cfg.linkedinVersion, Date.now());
  let member: UserInfo | undefined;
  try {
    member = (await client.auth.with(signal, (token) => client.api.get<UserInfo>("/v2/userinfo", { signal, headers: { authorization: `Bearer ${token}` } }))).body;
  } catch (err) {
    // A token without openid/profile cannot read its own name (403); a refused token (401) fails the check.
    if (!isHttpError(err) || err.status !== 403) throw err;
    warnings.push("the token lacks the openid and profile scopes: the member's name cannot be shown");
  }
  const who = member ? `${member.name ?? "member"} (urn:li:person:${member.sub})` : "the token's member";
  let account: string;
  if (isOrganization(cfg.author)) {
    account = `LinkedIn Page ${cfg.author}, posted by ${who}`;
  } else {
    account = member ? `${member.name ?? "LinkedIn member"} (${cfg.author})` : `LinkedIn member ${cfg.author}`;
    if (member && cfg.author !== `urn:li:person:${member.sub}`) warnings.push(`the token belongs to ${who}, not to author ${cfg.author}: LinkedIn refuses posts for another member (403)`);
  }
  const expiry = await introspect(client, signal);
  warnings.push(...expiry.warnings);
  if (!client.auth.canRefresh && expiry.expiresAt !== undefined && expiry.expiresAt - Date.now() < 14 * 86_400_000) {
    warnings.push(`the access token lapses on ${new Date(expiry.expiresAt).toISOString().slice(0, 10)} and cannot be refreshed (no refreshToken): authorise again`);
  }
  return { account, ...(expiry.expiresAt !== undefined ? { expiresAt: expiry.expiresAt } : {}), warnings, ...(expiry.notes ? { notes: expiry.notes } : {}) };
}
