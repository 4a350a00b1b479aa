/**
 * What the connection throws when Slack answered but did not do what was asked. Carries the
 * fields `classify` decides on; never the token or the webhook URL.
 */
export class SlackError extends Error {
  override name = "SlackError";

  constructor(
    /** `chat.postMessage`, `auth.test`, … or `webhook`. */
    readonly call: string,
    /** HTTP status of the answer (the Web API answers most errors with 200 and `ok: false`). */
    readonly status: number,
    /** Slack's error string: the Web API's `error` field, or a webhook's plain-text body. Absent when the answer had none. */
    readonly error: string | undefined,
    /** `Retry-After` in seconds, when given (https://api.slack.com/apis/rate-limits). */
    readonly retryAfterSeconds: number | undefined,
    /** Extra words from Slack: `errors[]`, `response_metadata.messages`, or a non-JSON body (cut short). */
    readonly extra: string | undefined,
  ) {
    super(`${call}: ${status}${error ? ` ${error}` : ""}${extra ? ` (${extra})` : ""}`);
  }
}

/** Retry-After is "the number of seconds until you can retry"; also accepts an HTTP date. Pure; NaN-safe. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === "") return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim());
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined;
}

/** `errors[]` (block validation) and `response_metadata.messages`, joined; undefined when none. */
export function extraOf(body: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  if (Array.isArray(body.errors)) parts.push(...body.errors.map((e) => (typeof e === "string" ? e : JSON.stringify(e))));
  const meta = body.response_metadata as { messages?: unknown } | undefined;
  if (meta && Array.isArray(meta.messages)) parts.push(...meta.messages.filter((m): m is string => typeof m === "string"));
  const unique = [...new Set(parts)];
  return unique.length ? unique.join("; ").slice(0, 500) : undefined;
}
