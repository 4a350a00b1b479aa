/**
 * The network side of an Example destination: `POST /v1/posts` and `GET /v1/me`. Types only from
 * the JSON client, so that index.ts names these functions without loading undici. `ctx.signal` is
 * the only bound (the core aborts it at the send timeout and at shutdown); errors are let through
 * for classify.ts and the kit.
 * COPYING: change the routes, the body and how the answer names the post.
 */
import { ResponseBodyError, type SendContext, type SentPost } from "../../src/core/index.js";
import type { JsonClient } from "../../src/core/kit/json-client.js";
import type { ExampleConfig } from "./config.js";
import type { ExamplePayload } from "./render.js";

/** What `connect` opens (open.ts). */
export interface ExampleClient {
  http: JsonClient;
  cfg: ExampleConfig;
}

const nonEmpty = (v: unknown): v is string => typeof v === "string" && v !== "";

/**
 * `POST /v1/posts` (https://docs.example.com/api/posts#create, read 2026-05-13): 201 `{"id", "url"}`.
 * Example takes no idempotency key. COPYING: if your platform does, send `ctx.idempotencyKey` here
 * (Mastodon: the `Idempotency-Key` header) and declare `idempotency` in index.ts.
 * @throws the JSON client's errors; ResponseBodyError for a 2xx without an id (the post probably exists).
 */
export async function sendExample({ http }: ExampleClient, payload: ExamplePayload, ctx: SendContext): Promise<SentPost> {
  const res = await http.post<{ id?: unknown; url?: unknown } | null>("/v1/posts", { signal: ctx.signal, json: { channel: payload.channel, text: payload.text } });
  if (!nonEmpty(res.body?.id)) throw new ResponseBodyError({ method: "POST", route: "/v1/posts" }, res.status, "no post id");
  return { remoteId: res.body.id, remoteUrl: nonEmpty(res.body.url) ? res.body.url : null };
}

/** `GET /v1/me` (https://docs.example.com/api/me): the harmless call behind `crier check`. */
export async function checkExample({ http }: ExampleClient, signal: AbortSignal): Promise<string> {
  const { body } = await http.get<{ handle?: unknown } | null>("/v1/me", { signal });
  return nonEmpty(body?.handle) ? `@${body.handle}` : "an Example account";
}
