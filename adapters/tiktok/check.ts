/**
 * `crier check`: the creator, the tokens' lapses, and what TikTok's audit rules mean for this destination.
 *
 * - GET /v2/user/info/?fields=open_id,union_id,display_name — https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info
 *   (scope user.info.basic). `username` is not asked: since the 2024 scope migration it needs
 *   user.info.profile (https://developers.tiktok.com/bulletin/user-info-scope-migration).
 * - DIRECT_POST: creator_info's creator_username and privacy_level_options.
 * - "All content posted by unaudited clients will be restricted to private viewing mode"
 *   (photo-post reference); "Unaudited API Clients … All user accounts using the API client to post
 *   must be set to private at the time of posting" (https://developers.tiktok.com/doc/content-sharing-guidelines).
 */
import type { CheckResult } from "../../src/core/adapter.js";
import { callApi, type TikTokClient } from "./api.js";
import { TikTokError, type TikTokErrorContext } from "./errors.js";
import { withToken } from "./tokens.js";

const DAY = 86_400_000;
const iso = (ms: number | null | undefined) => (typeof ms === "number" ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z") : "unknown");

interface User {
  open_id?: string;
  display_name?: string;
}
interface Creator {
  creator_username?: string;
  privacy_level_options?: unknown;
}

export async function checkTikTok(client: TikTokClient, signal: AbortSignal): Promise<CheckResult> {
  const { cfg } = client;
  const context: TikTokErrorContext = { mode: cfg.mode };
  const warnings: string[] = []; // what the operator must act on
  const notes: string[] = []; // what they should know
  let who: string;
  try {
    const { data } = await withToken(client, context, signal, (token) =>
      callApi<{ user?: User }>(client, "user_info", context, "GET", "/v2/user/info/", { signal, query: { fields: "open_id,union_id,display_name" }, headers: { authorization: `Bearer ${token}` } }));
    who = `TikTok "${data.user?.display_name ?? "?"}" (open_id ${data.user?.open_id ?? "?"})`;
  } catch (err) {
    // Posting does not need user.info.basic; a creator who did not grant it is still a destination.
    if (!(err instanceof TikTokError) || (err.code !== "scope_not_authorized" && err.code !== "scope_permission_missed")) throw err;
    who = "TikTok creator (name unknown: user.info.basic not granted)";
    notes.push("the creator did not grant user.info.basic, so Crier cannot show who this is");
  }

  if (cfg.mode === "DIRECT_POST") {
    const { data: creator } = await withToken(client, context, signal, (token) =>
      callApi<Creator>(client, "creator_info", context, "POST", "/v2/post/publish/creator_info/query/", { signal, headers: { authorization: `Bearer ${token}`, "content-type": "application/json; charset=UTF-8" } }));
    const allowed = Array.isArray(creator.privacy_level_options) ? creator.privacy_level_options.map(String) : [];
    if (creator.creator_username) who += ` @${creator.creator_username}`;
    who += `; DIRECT_POST, privacy levels offered: ${allowed.join(", ") || "none"}`;
    if (allowed.length === 1 && allowed[0] === "SELF_ONLY") notes.push("unaudited app: posts are private (TikTok offers only SELF_ONLY until the app passes its audit)");
    if (cfg.privacyLevel && !allowed.includes(cfg.privacyLevel)) warnings.push(`privacyLevel ${cfg.privacyLevel} is not offered: every post will fail until it is one of ${allowed.join(", ")}`);
  } else {
    who += "; MEDIA_UPLOAD: posts arrive as drafts in the creator's TikTok inbox";
    notes.push("a person must finish each draft in the TikTok app; TikTok refuses a 6th pending draft within 24 hours");
  }
  notes.push("until the app passes TikTok's audit, everything it posts is private and the creator's account must be private (Crier cannot tell whether it has passed)");

  const cred = await client.credentials.load();
  const now = client.now();
  who += `; access token until ${iso(cred?.expiresAt)} (renewed by Crier), refresh token until ${iso(cred?.refreshExpiresAt)}`;
  if (typeof cred?.refreshExpiresAt === "number" && cred.refreshExpiresAt - now < 30 * DAY) {
    warnings.push(`the refresh token lapses on ${iso(cred.refreshExpiresAt)}: authorise Crier again before then and put the new refresh token in the config`);
  }
  return { account: who, expiresAt: cred?.refreshExpiresAt ?? cred?.expiresAt ?? undefined, warnings, notes };
}
