/**
 * `crier check`: the Page the token posts to, the token's expiry, and the API version's retirement.
 */
import { encodePath, errorText, type CheckResult } from "../../src/core/index.js";
import { redactFacebook } from "./classify.js";
import type { FacebookClient } from "./send.js";
import { versionWarnings } from "./versions.js";

/** Permissions a Page post needs (Pages API overview, https://developers.facebook.com/documentation/pages-api, "Updated: May 7, 2026"). */
export const NEEDED_SCOPES = ["pages_manage_posts", "pages_read_engagement", "pages_show_list"] as const;

/**
 * The `data` of `GET /debug_token?input_token=…` (debug_token reference,
 * https://developers.facebook.com/docs/graph-api/reference/debug_token, example `GET /v25.0/debug_token`).
 */
interface TokenInfo {
  type?: string;
  is_valid?: boolean;
  expires_at?: number;
  profile_id?: string;
  scopes?: string[];
  error?: { message?: string };
}

interface TokenReport {
  expiresAt?: number | null;
  notes: string[];
}

/**
 * What debug_token says about the Page token. `expires_at` 0 is how Graph reports a token that does
 * not expire (the Access Token Debugger's "Expires: Never"): UNCONFIRMED on a Meta page, observed by
 * https://github.com/logly/mureo/pull/744 (2 Sep 2026). A Page token made from a long-lived user
 * token "has no expiration date" (Pages Access Tokens, https://developers.facebook.com/docs/pages/access-tokens/).
 */
function readToken(info: TokenInfo, pageId: string): TokenReport {
  const notes: string[] = [];
  if (info.is_valid === false) notes.push(`debug_token says the Page token is not valid${info.error?.message ? `: ${info.error.message}` : ""}`);
  if (info.type && info.type !== "PAGE") notes.push(`the token is a ${info.type} token, not a Page token: a user token lapses within 60 days; use the Page token from /me/accounts`);
  if (info.profile_id && info.profile_id !== pageId) notes.push(`the token belongs to Page ${info.profile_id}, not pageId ${pageId}`);
  const missing = NEEDED_SCOPES.filter((s) => info.scopes && !info.scopes.includes(s));
  if (missing.length) notes.push(`the token lacks ${missing.join(", ")}: make it again with those permissions`);
  if (typeof info.expires_at !== "number") return { notes };
  return { expiresAt: info.expires_at === 0 ? null : info.expires_at * 1000, notes };
}

export async function checkFacebook(client: FacebookClient, signal: AbortSignal): Promise<CheckResult> {
  const { http, cfg, page, app } = client;
  // GET /{page-id}?fields=id,name (Pages API overview shows `GET /<PAGE_ID>?fields=id,name,about,fan_count`).
  const res = await http.get<{ id?: string; name?: string }>(encodePath`/${cfg.pageId}`, { signal, route: `/${cfg.apiVersion}/{page-id}`, query: { fields: "id,name", ...page } });
  const account = `Page ${res.body?.name ?? "(no name)"} (id ${res.body?.id ?? cfg.pageId})`;
  const warnings = versionWarnings(cfg.apiVersion, client.now());
  if (!app) {
    // A choice of the operator's, not a fault: a note (crier check still exits 0).
    return { account, warnings, notes: ["the token's expiry was not read: debug_token needs the app token, so set appId and appSecret (a Page token made from a long-lived user token does not expire)"] };
  }
  let token: TokenReport;
  try {
    const debug = await http.get<{ data?: TokenInfo }>("/debug_token", { signal, route: `/${cfg.apiVersion}/debug_token`, query: { input_token: cfg.pageAccessToken, ...app } });
    token = readToken(debug.body?.data ?? {}, cfg.pageId);
  } catch (err) {
    token = { notes: [`the token's expiry could not be read (debug_token failed: ${redactFacebook(errorText(err)).slice(0, 200)})`] };
  }
  warnings.push(...token.notes);
  const result: CheckResult = { account: token.expiresAt === null ? `${account}; the Page token does not expire` : account, warnings };
  if (token.expiresAt !== undefined) result.expiresAt = token.expiresAt;
  return result;
}
