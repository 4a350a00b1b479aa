// TikTok's answer envelopes, as its references document them. Imports nothing from src/ or adapters/.
//
// - v2 APIs: `{ data, error: { code, message, log_id } }`, "Any code other than ok indicates the
//   request did not succeed" — https://developers.tiktok.com/doc/tiktok-api-v2-error-handling and
//   https://developers.tiktok.com/doc/content-posting-api-reference-photo-post ("Response", snapshot fetched 2026-09-11).
//   Errors carry `data: {}`, as a real 401 does (the research's recorded body, tiktok_rust test fixture).
// - OAuth: `{ error, error_description, log_id }` — https://developers.tiktok.com/doc/oauth-error-handling.
import type { Reply } from "../harness.js";

let logSeq = 0;

/** A log_id shaped like the references' example "202210112248442CB9319E1FB30C1073F3": UTC time to the second, then 20 hex digits. */
export function logId(now: number): string {
  const d = new Date(now).toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `${d}${(++logSeq).toString(16).toUpperCase().padStart(20, "0")}`;
}

export const ok = (now: number, data: unknown = {}): Reply => ({ status: 200, body: { data, error: { code: "ok", message: "", log_id: logId(now) } } });

export const apiError = (now: number, status: number, code: string, message: string): Reply => ({
  status,
  body: { data: {}, error: { code, message, log_id: logId(now) } },
});

/**
 * The status of OAuth errors is not documented; a sandbox app saw HTTP 200 with invalid_grant
 * (observed 2026-09-02, github.com tiktok-poster README). 200 by default, the test may choose another.
 */
export const oauthError = (now: number, status: number, error: string, description: string): Reply => ({
  status,
  body: { error, error_description: description, log_id: logId(now) },
});

/**
 * A JSON body whose int64 fields are written as JSON numbers, exactly (status/fetch's
 * `publicaly_available_post_id` is list<int64>; JSON.stringify cannot write 19 digits exactly).
 */
export function rawJson(status: number, value: unknown, int64: ReadonlySet<string>): Reply {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "string" && int64.has(v) ? `@@int64:${v}@@` : v)).replace(/"@@int64:(\d+)@@"/g, "$1");
  return { status, body: text, headers: { "content-type": "application/json; charset=utf-8" } };
}
