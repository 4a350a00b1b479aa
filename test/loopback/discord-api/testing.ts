// Test helpers for the Discord loopback: plain fetch against it.
import type { DiscordLoopback, LoopbackWebhook } from "./types.js";
import { DEFAULT_WEBHOOK } from "./server.js";

export interface CallOptions {
  method?: string;
  json?: unknown;
  body?: string;
  contentType?: string;
  query?: Record<string, string>;
  webhook?: Pick<LoopbackWebhook, "id" | "token">;
  /** Path after the webhook, e.g. `/messages/123`. */
  suffix?: string;
  /** API prefix; default `/api/v10`. */
  prefix?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Calls `/api/v10/webhooks/{id}/{token}{suffix}` on the loopback. */
export async function call(lb: DiscordLoopback, o: CallOptions = {}): Promise<CallResult> {
  const w = o.webhook ?? DEFAULT_WEBHOOK;
  const url = new URL(`${lb.url}${o.prefix ?? "/api/v10"}/webhooks/${w.id}/${w.token}${o.suffix ?? ""}`);
  for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
  const body = o.json !== undefined ? JSON.stringify(o.json) : o.body;
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = o.contentType ?? "application/json";
  const res = await fetch(url, { method: o.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : null };
}

/** Execute Webhook with `wait=true`. */
export const execute = (lb: DiscordLoopback, json: unknown, o: CallOptions = {}) =>
  call(lb, { ...o, method: "POST", json, query: { wait: "true", ...o.query } });
