// The kit end to end: a two-step platform (create a container, then publish it, as Threads and
// Instagram do) written with defineAdapter and the JSON client, its loopback server written with the
// harness, and the core's adapter contract kit run against it unchanged. The draft of the new
// adapters/_template (render is the current template's).
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { describeAdapterContract } from "../../../test/contract/adapter-contract.js";
import { startHarness, closedPort, type Harness, type RecordedRequest } from "../../../test/loopback/harness.js";
import { WindowLimiter, secondsUntil } from "../../../test/loopback/harness-limits.js";
import { sequentialIds } from "../../../test/loopback/harness-ids.js";
import { thrownBy } from "../../../test/support/recorded-response.js";
import { exampleLimits, renderExample, type ExamplePayload } from "../../../adapters/_template/render.js";
import type { ConnectDeps, SendContext } from "../adapter.js";
import { deliveryError } from "../delivery-error.js";
import { defineAdapter } from "./define-adapter.js";
import { isHttpError } from "./http-error.js";
import { statusDeliveryError } from "./http-classify.js";
import { JsonClient, encodePath } from "./json-client.js";
import { SECRET } from "./secret-fields.js";

// ---- the adapter: config, classify, connect/send/check/delete (each would be its own small file)
const config = z
  .object({
    token: z.string().min(8).meta(SECRET).describe("API token, e.g. ${EXAMPLE_TOKEN}."),
    channel: z.string().regex(/^[a-z0-9-]{1,32}$/).describe("Channel slug."),
    apiBase: z.url({ protocol: /^https?$/ }).default("https://api.example.com").describe("API server."),
  })
  .strict();
type Cfg = z.infer<typeof config>;

const answer = (id: unknown, url?: unknown) => ({ remoteId: String(id), remoteUrl: typeof url === "string" ? url : null });

const exampleAdapter = defineAdapter({
  platform: "kit-example",
  displayName: "Example",
  description: "Posts to a channel of the Example API in two steps (container, publish). The kit's worked example.",
  config,
  images: "by-url",
  rateLimits: [{ posts: 2, windowMs: 60_000 }],
  defaultTemplate: "{title}\n\n{summary}\n\n{link}\n{hashtags}",
  defaultLimits: exampleLimits,
  render: renderExample as (...args: Parameters<typeof renderExample>) => ReturnType<typeof renderExample>,
  classify(err) {
    if (!isHttpError(err)) return undefined;
    const code = (err.body as { error?: { code?: string } } | undefined)?.error?.code;
    if (err.status === 409 && code === "already_published") return deliveryError("duplicate", "Example already published this container");
    return statusDeliveryError(err, { platform: "Example", fixAuth: "check token and apiBase", fixTarget: "check channel and apiBase", rateLimit: { scope: "account", defaultWaitMs: 60_000 }, retryNote: "no idempotency key" });
  },
  network: { retryNote: "no idempotency key" },
  connect: async (cfg: Cfg, _deps: ConnectDeps) => ({ http: new JsonClient({ baseUrl: cfg.apiBase, headers: { authorization: `Bearer ${cfg.token}` }, secrets: [cfg.token] }), cfg }),
  async send({ http }, payload: ExamplePayload, ctx: SendContext) {
    // Step 1, once per delivery: the container id is checkpointed before it is published.
    let container = ctx.checkpoint ?? null;
    if (container === null) {
      container = String((await http.post<{ id: string }>("/v1/containers", { signal: ctx.signal, json: payload })).body.id);
      await ctx.saveCheckpoint?.(container);
    }
    const { body } = await http.post<{ id: string; url?: string }>(encodePath`/v1/containers/${container}/publish`, { signal: ctx.signal });
    return answer(body.id, body.url);
  },
  check: async ({ http }, signal) => `@${(await http.get<{ handle: string }>("/v1/me", { signal })).body.handle}`,
  delete: async ({ http }, remoteId, signal) => void (await http.delete(encodePath`/v1/posts/${remoteId}`, { signal })),
  close: ({ http }) => http.close(),
});

// ---- its loopback server, on the harness: only the platform's rules
const TOKEN = "ex-token-0123456789abcdef";
interface Post { id: string; channel: string; text: string }

async function startExample(): Promise<{ h: Harness; containers: Map<string, { payload: ExamplePayload; post?: string }>; posts: Post[] }> {
  const containers = new Map<string, { payload: ExamplePayload; post?: string }>();
  const posts: Post[] = [];
  const ids = sequentialIds(1000);
  const fail = (status: number, code: string) => ({ status, body: { error: { code, message: code.replace(/_/g, " ") } } });
  const authorized = (req: RecordedRequest) => req.headers.authorization === `Bearer ${TOKEN}`;
  const h = await startHarness({
    limits: [{
      match: "/v1/containers/:id/publish",
      key: (req) => (authorized(req) ? TOKEN : undefined),
      limiter: new WindowLimiter({ limit: 2, windowMs: 60_000 }),
      tooMany: (s, now) => ({ ...fail(429, "rate_limited"), headers: { "retry-after": String(secondsUntil(s.resetAt, now)) } }),
    }],
  });
  h.route("GET", "/v1/me", (req) => (authorized(req) ? { status: 200, body: { handle: "crier" } } : fail(401, "invalid_token")));
  h.route("POST", "/v1/containers", (req) => {
    if (!authorized(req)) return fail(401, "invalid_token");
    const p = req.json as ExamplePayload | undefined;
    if (!p || p.channel !== "news") return fail(404, "channel_not_found");
    if (Array.from(p.text).length > 500) return fail(422, "text_too_long");
    const id = `c${ids("container")}`;
    containers.set(id, { payload: p });
    return { status: 201, body: { id } };
  });
  h.route("POST", "/v1/containers/:id/publish", (req) => {
    if (!authorized(req)) return fail(401, "invalid_token");
    const c = containers.get(req.params.id ?? "");
    if (!c) return fail(404, "container_not_found");
    if (c.post) return fail(409, "already_published");
    c.post = ids("post");
    posts.push({ id: c.post, channel: c.payload.channel, text: c.payload.text });
    return { status: 201, body: { id: c.post, url: `https://example.com/news/posts/${c.post}` } };
  });
  h.route("DELETE", "/v1/posts/:id", (req) => {
    const i = posts.findIndex((p) => p.id === req.params.id);
    return !authorized(req) ? fail(401, "invalid_token") : i < 0 ? fail(404, "post_not_found") : (posts.splice(i, 1), { status: 204 });
  });
  return { h, containers, posts };
}

const replay = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  thrownBy({ request: "POST /v1/containers", source: "kit example", status, headers: { "content-type": "application/json", ...headers }, body }, "Example", async (base) => {
    const conn = await exampleAdapter.connect(config.parse({ token: TOKEN, channel: "news", apiBase: base }), undefined as never);
    try {
      await conn.send({ channel: "news", text: "x" }, { deliveryId: 1, idempotencyKey: "k", queuedAt: 0, signal: AbortSignal.timeout(5_000) });
    } finally {
      await conn.close();
    }
  });

describeAdapterContract({
  adapter: exampleAdapter,
  validConfig: { token: "${EXAMPLE_TOKEN}", channel: "news" },
  invalidConfigs: [{ config: { channel: "news" }, path: "token" }, { config: { token: TOKEN, channel: "News Desk" }, path: "channel" }],
  errorCases: [
    { name: "409 already_published", error: replay(409, { error: { code: "already_published" } }), kind: "duplicate" },
    { name: "429 with Retry-After", error: replay(429, { error: { code: "rate_limited" } }, { "retry-after": "42" }), kind: "rate-limited", waitMs: 42_000 },
    { name: "401", error: replay(401, { error: { code: "invalid_token" } }), kind: "auth" },
    { name: "a proxy's 502 page", error: replay(502, "<html>Bad gateway</html>", { "content-type": "text/html" }), kind: "unknown-outcome" },
  ],
  async startLoopback() {
    const { h, posts } = await startExample();
    return {
      cfg: { token: TOKEN, channel: "news", apiBase: h.url },
      badCredentialsCfg: { token: "ex-wrong-token-fedcba9876543210", channel: "news", apiBase: h.url },
      verify(rendered, sent) {
        expect(posts).toEqual([{ id: sent.remoteId, channel: "news", text: (rendered.payload as ExamplePayload).text }]);
        expect(sent.remoteUrl).toBe(`https://example.com/news/posts/${sent.remoteId}`);
      },
      close: () => h.close(),
    };
  },
});

describe("the kit example against its loopback", () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const open = async (apiBase?: string) => {
    const server = apiBase ? undefined : await startExample();
    if (server) cleanup.push(() => server.h.close());
    const conn = await exampleAdapter.connect(config.parse({ token: TOKEN, channel: "news", apiBase: apiBase ?? server?.h.url }), undefined as never);
    cleanup.push(() => conn.close());
    return { server, conn };
  };
  const saved: string[] = [];
  const ctx = (checkpoint: string | null, signal = AbortSignal.timeout(5_000)): SendContext => ({
    deliveryId: 1, idempotencyKey: "k", queuedAt: 0, signal, checkpoint, saveCheckpoint: async (v) => void saved.push(v),
  });
  const kindOf = (p: Promise<unknown>) => p.then(() => "sent", (err: unknown) => exampleAdapter.classify(err).kind);

  it("a retry resumes from the checkpoint: one container, one post", async () => {
    const { server, conn } = await open();
    server?.h.inject({ kind: "status", status: 503, body: { error: { code: "unavailable" } } }, { match: (r) => r.route === "/v1/containers/:id/publish" });
    expect(await kindOf(conn.send({ channel: "news", text: "two steps" }, ctx(null)))).toBe("unknown-outcome");
    expect(saved.at(-1)).toBe("c1000");
    const sent = await conn.send({ channel: "news", text: "two steps" }, ctx(saved.at(-1) ?? null));
    expect([server?.containers.size, server?.posts]).toEqual([1, [{ id: sent.remoteId, channel: "news", text: "two steps" }]]);
    expect(await kindOf(conn.send({ channel: "news", text: "two steps" }, ctx("c1000")))).toBe("duplicate");
  });

  it("check names the account; delete removes the post; the platform's limit is rate-limited with its wait", async () => {
    const { server, conn } = await open();
    expect(await conn.check(AbortSignal.timeout(5_000))).toBe("@crier");
    const first = await conn.send({ channel: "news", text: "a" }, ctx(null));
    await conn.delete?.(first.remoteId, AbortSignal.timeout(5_000));
    expect(server?.posts).toEqual([]);
    await conn.send({ channel: "news", text: "b" }, ctx(null));
    const limited = await conn.send({ channel: "news", text: "c" }, ctx(null)).catch((err: unknown) => exampleAdapter.classify(err));
    expect(limited).toMatchObject({ kind: "rate-limited", scope: "account" });
    expect((limited as { waitMs: number }).waitMs).toBeGreaterThan(55_000);
  });

  it("nothing listening → transient; the answer lost after publishing → unknown-outcome", async () => {
    const { conn } = await open(`http://127.0.0.1:${await closedPort()}`);
    expect(await kindOf(conn.send({ channel: "news", text: "x" }, ctx(null)))).toBe("transient");
    const { server, conn: live } = await open();
    server?.h.inject({ kind: "destroy-after" }, { match: (r) => r.route === "/v1/containers/:id/publish" });
    expect(await kindOf(live.send({ channel: "news", text: "lost" }, ctx(null)))).toBe("unknown-outcome");
    expect(server?.posts.map((p) => p.text)).toEqual(["lost"]);
  });
});
