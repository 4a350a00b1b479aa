/**
 * What a Slack connection throws when Slack answered 2xx but did not do what was asked: the Web
 * API's `ok: false` (https://api.slack.com/web#evaluating_responses, read 2026-11-27), or a
 * webhook's answer that is not `ok`. A non-2xx answer stays the kit's HttpError. Carries the fields
 * `classify` decides on; never the token or the webhook URL.
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
    /** Extra words from Slack: `errors[]`, `response_metadata.messages`, or a non-JSON body (cut short). */
    readonly extra: string | undefined,
  ) {
    super(`${call}: ${status}${error ? ` ${error}` : ""}${extra ? ` (${extra})` : ""}`);
  }
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

/** A webhook's plain-text answer as Slack's error string: a single snake_case word; anything else (an HTML page) is not one. */
export function webhookWord(text: string): string | undefined {
  return /^[a-z_]{2,64}$/.test(text.trim()) ? text.trim() : undefined;
}

/** A JSON object body, or undefined (a proxy's page, an empty answer). */
export function objectOf(body: unknown): Record<string, unknown> | undefined {
  return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

/** How errors name a webhook request (its path holds the secret). */
export const WEBHOOK_ROUTE = "/services/{team}/{hook}/{secret}";
