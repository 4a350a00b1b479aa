/**
 * The HTTP calls of a Slack connection, over undici with the connection's own Agent (so that
 * `close()` really releases its sockets). Every call is bounded by the caller's signal and the
 * destination's timeout. Failures are thrown as SlackError (Slack answered) or as undici/Node
 * errors (it did not), for `classify`.
 */
import { Agent, request } from "../../src/core/http.js";
import { SlackError, extraOf, parseRetryAfter } from "./errors.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class SlackHttp {
  private readonly agent = new Agent({ keepAliveTimeout: 10_000 });

  constructor(private readonly timeoutMs: number) {}

  private async send(url: string, init: { method: "GET" | "POST"; headers: Record<string, string>; body?: string }, signal: AbortSignal): Promise<Answer> {
    const res = await request(url, {
      ...init,
      dispatcher: this.agent,
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
    });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  }

  /**
   * Calls a Web API method with a JSON body, or (`get`) with query parameters — read methods such
   * as chat.getPermalink take form fields, not JSON (https://api.slack.com/web#posting_json).
   * Resolves to the answer when `ok: true`.
   * @throws SlackError for `ok: false`, a non-2xx status or an unreadable answer.
   */
  async call(apiUrl: string, method: string, token: string, params: Record<string, unknown>, signal: AbortSignal, get = false): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let url = apiUrl;
    let body: string | undefined;
    if (get) {
      const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
      url = `${apiUrl}?${query.toString()}`;
    } else {
      headers["content-type"] = "application/json; charset=utf-8";
      body = JSON.stringify(params);
    }
    const answer = await this.send(url, { method: get ? "GET" : "POST", headers, ...(body === undefined ? {} : { body }) }, signal);
    const retryAfter = parseRetryAfter(answer.headers["retry-after"], Date.now());
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(answer.body);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      // not JSON: a proxy's page, a cut-off answer
    }
    if (json?.ok === true && answer.status >= 200 && answer.status < 300) return json;
    const error = typeof json?.error === "string" ? json.error : undefined;
    const extra = json ? extraOf(json) : answer.body.trim().slice(0, 200) || undefined;
    throw new SlackError(method, answer.status, error, retryAfter, extra);
  }

  /**
   * Posts to an incoming webhook. https://api.slack.com/messaging/webhooks: success is HTTP 200
   * with the body `ok`; errors are a status code and a plain-text body such as `no_text`.
   * @throws SlackError for anything else.
   */
  async webhook(url: string, payload: unknown, signal: AbortSignal): Promise<void> {
    const answer = await this.send(url, { method: "POST", headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(payload) }, signal);
    const text = answer.body.trim();
    if (answer.status === 200 && text === "ok") return;
    const retryAfter = parseRetryAfter(answer.headers["retry-after"], Date.now());
    // Error bodies are a single snake_case word; anything else (an HTML page) is kept as detail only.
    const error = /^[a-z_]{2,64}$/.test(text) ? text : undefined;
    throw new SlackError("webhook", answer.status, error, retryAfter, error ? undefined : text.slice(0, 200) || undefined);
  }

  /** Never throws. */
  async close(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }
}
