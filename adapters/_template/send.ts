/**
 * The network side of an Example destination: `POST {apiBase}/v1/posts` and `GET {apiBase}/v1/me`
 * with undici. Not pure. Errors are let through for `classify.ts`: a non-2xx answer becomes an
 * ExampleApiError (typed fields to classify on), a network failure stays undici's own error.
 * COPYING: keep the shape (own Agent, ctx.signal, typed errors that never carry the secret); change
 * the routes, the body and how the answer names the post. With an SDK instead of undici, let the
 * SDK's errors through and classify those (see adapters/x, adapters/telegram).
 */
import { Agent, request } from "../../src/core/http.js";
import type { ConnectDeps, Connection, SendContext, SentPost } from "../../src/core/index.js";
import type { ExampleConfig } from "./config.js";
import { exampleLimits, type ExamplePayload } from "./render.js";

/** Example answered with a non-2xx status. Names the route, never the URL or the token. */
export class ExampleApiError extends Error {
  override name = "ExampleApiError";
  constructor(
    /** e.g. "POST /v1/posts". */
    readonly route: string,
    readonly status: number,
    /** `error.code` of the body (https://docs.example.com/api/errors), when it was one. */
    readonly code: string | undefined,
    /** `error.message` of the body. */
    readonly description: string | undefined,
    /** The `Retry-After` header as sent (seconds, for 429). */
    readonly retryAfter: string | undefined,
  ) {
    super(`${route}: ${status}${code ? ` ${code}` : ""}${description ? `: ${description}` : ""}`);
  }
}

/** A 2xx whose body could not be read: the post was (probably) made, but its id is unknown. */
export class ExampleResponseError extends Error {
  override name = "ExampleResponseError";
  constructor(readonly route: string, readonly status: number, reason: string) {
    super(`${route}: ${status} with an unreadable body (${reason})`);
  }
}

interface Client {
  agent: Agent;
  apiBase: string;
  token: string;
  timeoutMs: number;
}

const firstHeader = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `apiBase` + path, keeping a path prefix of apiBase ("http://proxy/example" + "v1/posts"). */
function endpoint(apiBase: string, path: string): string {
  const base = new URL(apiBase);
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  return new URL(path, base).toString();
}

/**
 * One call; resolves to the JSON body of a 2xx.
 * @throws ExampleApiError, ExampleResponseError, or undici's / the signal's error.
 */
async function call(client: Client, method: "GET" | "POST", path: string, signal: AbortSignal, body?: unknown): Promise<Record<string, unknown>> {
  const route = `${method} /${path}`;
  const res = await request(endpoint(client.apiBase, path), {
    method,
    dispatcher: client.agent,
    // The core's signal (send timeout, shutdown) and this destination's timeoutMs, whichever first.
    signal: AbortSignal.any([signal, AbortSignal.timeout(client.timeoutMs)]),
    headers: {
      authorization: `Bearer ${client.token}`,
      accept: "application/json",
      "user-agent": "crier/0.1.0",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  const json = parseJson(text);
  const object = json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  if (res.statusCode >= 200 && res.statusCode < 300) {
    if (!object) throw new ExampleResponseError(route, res.statusCode, "not a JSON object");
    return object;
  }
  // https://docs.example.com/api/errors: `{"error": {"code": "...", "message": "..."}}`.
  const error = object?.error && typeof object.error === "object" ? (object.error as Record<string, unknown>) : undefined;
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  throw new ExampleApiError(route, res.statusCode, str(error?.code), str(error?.message), firstHeader(res.headers["retry-after"]));
}

/**
 * `POST /v1/posts` (https://docs.example.com/api/posts#create): 201 `{"id", "url"}`.
 * Example takes no idempotency key. COPYING: if your platform does, send `ctx.idempotencyKey`
 * here (Mastodon: the `Idempotency-Key` header) and declare `capabilities.idempotentSend`.
 */
export async function createPost(client: Client, payload: ExamplePayload, ctx: SendContext): Promise<SentPost> {
  const json = await call(client, "POST", "v1/posts", ctx.signal, { channel: payload.channel, text: payload.text });
  if (typeof json.id !== "string" || json.id === "") throw new ExampleResponseError("POST /v1/posts", 201, "no post id");
  return { remoteId: json.id, remoteUrl: typeof json.url === "string" && json.url !== "" ? json.url : null };
}

/** `GET /v1/me` (https://docs.example.com/api/me): the harmless call behind `crier check`. */
export async function whoAmI(client: Client, signal: AbortSignal): Promise<string> {
  const json = await call(client, "GET", "v1/me", signal);
  return typeof json.handle === "string" ? `@${json.handle}` : "an Example account";
}

/** Opens a client: no network until the first call (nothing at import time either). */
export async function connectExample(cfg: ExampleConfig, deps: ConnectDeps): Promise<Connection<ExamplePayload>> {
  const t = deps.timeoutMs;
  // Our own pool, so that close() really releases its sockets.
  const client: Client = {
    agent: new Agent({ connect: { timeout: t }, headersTimeout: t, bodyTimeout: t }),
    apiBase: cfg.apiBase,
    token: cfg.token,
    timeoutMs: t,
  };
  return {
    limits: exampleLimits(cfg),
    send: (payload, ctx) => createPost(client, payload, ctx),
    check: (signal) => whoAmI(client, signal),
    // COPYING: with `capabilities.delete`, add `delete(remoteId, signal)` here.
    async close() {
      await client.agent.destroy().catch(() => undefined);
    },
  };
}
