/**
 * Reading a Graph API answer: the error object and the usage headers. Pure; never throws.
 */
import { isHttpError, type HttpError } from "../../src/core/index.js";

/**
 * The error object, Handling Errors (https://developers.facebook.com/docs/graph-api/guides/error-handling,
 * undated copy): `message`, `type`, `code`, `error_subcode`, `error_user_title`, `error_user_msg`,
 * `fbtrace_id`. `is_transient` is not on that page; Meta's Instagram error sample carries it
 * (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes,
 * "Updated: Jun 2, 2026"), and Graph answers show it with codes 1 and 2 (observed, e.g.
 * https://github.com/restfb/restfb/issues/650). Absent means "not said", never false.
 */
export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id?: string;
}

/** The Graph error object of an HttpError, or undefined when the body is not one (a proxy's page). */
export function graphErrorOf(err: unknown): GraphError | undefined {
  if (!isHttpError(err)) return undefined;
  const body = err.body as { error?: unknown } | null;
  const e = body && typeof body === "object" ? body.error : undefined;
  if (!e || typeof e !== "object") return undefined;
  const g = e as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const out: GraphError = {};
  const fields: Array<[keyof GraphError, unknown]> = [
    ["message", str(g.message)], ["type", str(g.type)], ["code", num(g.code)], ["error_subcode", num(g.error_subcode)],
    ["is_transient", typeof g.is_transient === "boolean" ? g.is_transient : undefined],
    ["error_user_title", str(g.error_user_title)], ["error_user_msg", str(g.error_user_msg)], ["fbtrace_id", str(g.fbtrace_id)],
  ];
  for (const [k, v] of fields) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** "HTTP 400, (#190/463) Error validating access token… [OAuthException] fbtrace_id AbC": the platform's words for `detail`. */
export function describeGraphError(err: HttpError, g: GraphError): string {
  const code = g.code === undefined ? "" : `code ${g.code}${g.error_subcode !== undefined ? `/${g.error_subcode}` : ""}`;
  const words = [g.message, g.error_user_title && g.error_user_title !== g.message ? `(${g.error_user_title})` : undefined].filter(Boolean).join(" ");
  const parts = [`HTTP ${err.status}`, code, words, g.type ? `[${g.type}]` : "", g.is_transient === true ? "is_transient" : "", g.fbtrace_id ? `fbtrace_id ${g.fbtrace_id}` : ""];
  return parts.filter((p) => p !== "").join(", ").slice(0, 400);
}

/**
 * Minutes to regain access, as milliseconds: the largest `estimated_time_to_regain_access` in the
 * usage headers (Rate Limits, https://developers.facebook.com/docs/graph-api/overview/rate-limiting,
 * current undated text: "Time, in minutes, until calls will not longer be throttled").
 * `X-Business-Use-Case-Usage` is `{ "<business-object-id>": [ { type, call_count, …,
 * estimated_time_to_regain_access } ] }`; `X-App-Usage` is a flat `{ call_count, total_time,
 * total_cputime }` that documents no such field but is read the same way in case it carries one;
 * `X-Page-Usage` is not on the current page and is read only if present. Undefined when none says.
 */
export function regainAccessMs(headers: Readonly<Record<string, string>>): number | undefined {
  let minutes: number | undefined;
  const visit = (v: unknown, depth: number): void => {
    if (depth > 4 || !v || typeof v !== "object") return;
    if (Array.isArray(v)) return v.forEach((x) => visit(x, depth + 1));
    const o = v as Record<string, unknown>;
    const m = o.estimated_time_to_regain_access;
    if (typeof m === "number" && Number.isFinite(m) && m > 0) minutes = Math.max(minutes ?? 0, m);
    for (const x of Object.values(o)) if (x && typeof x === "object") visit(x, depth + 1);
  };
  for (const name of ["x-business-use-case-usage", "x-app-usage", "x-page-usage"]) {
    const raw = headers[name];
    if (!raw) continue;
    try {
      visit(JSON.parse(raw) as unknown, 0);
    } catch {
      // an unreadable header says nothing
    }
  }
  return minutes === undefined ? undefined : Math.round(minutes * 60_000);
}
