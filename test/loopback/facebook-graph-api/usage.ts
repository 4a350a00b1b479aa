// Rate limits and usage headers, Rate Limits (https://developers.facebook.com/docs/graph-api/overview/rate-limiting,
// current undated text, read Dec 2026):
// - "requests made with … page access tokens are subject to Business Use Case Rate Limits":
//   "Calls within 24 hours = 4800 * Number of Engaged Users", a rolling window; answers carry
//   `X-Business-Use-Case-Usage: {"<id>": [{"type": "pages", "call_count", "total_cputime",
//   "total_time", "estimated_time_to_regain_access"}]}` (minutes); over it: code 80001.
// - user tokens get the Platform Rate Limits, a "rolling one hour window" (loopback: 200 calls, the
//   per-user figure of "200 * Number of Users"); answers carry `X-App-Usage: {"call_count",
//   "total_time", "total_cputime"}`; over it: code 32 ("Pages API request" with a user token).
// - the headers are sent "once enough calls have been made to an endpoint": from a threshold.
// `total_cputime` and `total_time` are the loopback's (a quarter of `call_count`).
import type { LimitRule, RecordedRequest } from "../harness.js";
import { WindowLimiter, type LimitState } from "../harness-limits.js";
import { authenticate, isReply, paramsOf } from "./auth.js";
import { ERRORS } from "./errors.js";
import type { GraphApp, GraphToken } from "./types.js";

const percent = (s: LimitState) => (s.allowed ? Math.min(100, Math.round((100 * (s.limit - s.remaining)) / Math.max(1, s.limit))) : 100);
const minutesLeft = (s: LimitState, now: number) => (s.allowed ? 0 : Math.max(1, Math.ceil((s.resetAt - now) / 60_000)));

export interface UsageConfig {
  apps: readonly GraphApp[];
  tokens: readonly GraphToken[];
  now: () => number;
  pageCallsPerDay: number;
  userCallsPerHour: number;
  headersFrom: number;
}

/** The token a counted call is made with; undefined (not counted) for app tokens and refused tokens. */
function tokenOfCall(req: RecordedRequest, cfg: UsageConfig): GraphToken | undefined {
  const caller = authenticate(req, paramsOf(req), cfg.apps, cfg.tokens, cfg.now());
  return isReply(caller) || caller.kind !== "token" ? undefined : caller.token;
}

/** One rule per Page (its own BUC window, its id in the header), and one for user tokens. */
export function usageRules(cfg: UsageConfig, pageIds: readonly string[]): LimitRule[] {
  const pages = pageIds.map((pageId): LimitRule => ({
    key: (req) => {
      const t = tokenOfCall(req, cfg);
      return t?.type === "PAGE" && t.pageId === pageId ? pageId : undefined;
    },
    limiter: new WindowLimiter({ limit: cfg.pageCallsPerDay, windowMs: 24 * 3_600_000, mode: "sliding" }),
    headers: (s, now): Record<string, string> => {
      if (s.allowed && percent(s) < cfg.headersFrom) return {};
      const pct = percent(s);
      const usage = { type: "pages", call_count: pct, total_cputime: Math.floor(pct / 4), total_time: Math.floor(pct / 4), estimated_time_to_regain_access: minutesLeft(s, now) };
      return { "x-business-use-case-usage": JSON.stringify({ [pageId]: [usage] }) };
    },
    tooMany: () => ERRORS.pageThrottled(),
  }));
  const users: LimitRule = {
    key: (req) => {
      const t = tokenOfCall(req, cfg);
      return t?.type === "USER" ? t.userId : undefined;
    },
    limiter: new WindowLimiter({ limit: cfg.userCallsPerHour, windowMs: 3_600_000, mode: "sliding" }),
    headers: (s): Record<string, string> => {
      if (s.allowed && percent(s) < cfg.headersFrom) return {};
      const pct = percent(s);
      return { "x-app-usage": JSON.stringify({ call_count: pct, total_time: Math.floor(pct / 4), total_cputime: Math.floor(pct / 4) }) };
    },
    tooMany: () => ERRORS.userThrottled(),
  };
  return [...pages, users];
}
