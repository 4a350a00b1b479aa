/** The subscriber's rules, on a real store and fastify's inject: intent verification, refusals, secrets kept out of records. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { untilClock, waitFor } from "../../test/support/timing.js";
import { createHttpServer } from "../http/server.js";
import { SqliteStore } from "../store/sqlite/index.js";
import { websubSchema } from "../config/schema.js";
import type { Feed } from "../config/load.js";
import { WebSubSubscriber } from "./subscriber.js";
import { subscriptionSecret } from "./signature.js";

const MASTER = "master-key-for-unit-tests-0123456789";
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

/** A stand-in hub on 127.0.0.1 (at `path`): records each request's body and arrival time; `answer` replies to the n-th (from 0). */
async function fakeHub(answer: (res: http.ServerResponse, body: string, n: number) => void, path = "/"): Promise<{ url: string; bodies: string[]; arrivals: number[] }> {
  const bodies: string[] = [];
  const arrivals: number[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      bodies.push(body);
      arrivals.push(Date.now());
      answer(res, body, bodies.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, bodies, arrivals };
}

/** A hub that answers every request with `status` (or the status for the n-th request) and echoes the request body. */
function echoHub(status: number | ((n: number) => number)): Promise<{ url: string; bodies: string[]; arrivals: number[] }> {
  return fakeHub((res, body, n) =>
    res.writeHead(typeof status === "number" ? status : status(n), { "content-type": "text/plain" }).end(`cannot accept: ${decodeURIComponent(body)}`),
  );
}

/** A hub that redirects every request to `to` with `status`. */
function redirectingHub(status: number, to: string): Promise<{ url: string; bodies: string[]; arrivals: number[] }> {
  return fakeHub((res) => res.writeHead(status, { location: to }).end(), "/hub");
}

async function setup(settings: { retryMs?: number } = {}, allowPrivateAddresses = true) {
  const store = new SqliteStore(path.join(mkdtempSync(path.join(tmpdir(), "crier-websub-")), "crier.db"));
  closers.push(() => store.close());
  let logged = "";
  const logger = pino({ level: "debug" }, new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) }));
  const feed = { id: "news", enabled: true, websub: true, source: { kind: "http", url: "https://news.example.org/feed/" } } as unknown as Feed;
  const pushed: string[] = [];
  const pushedTypes: Array<string | null> = [];
  const subscriber = new WebSubSubscriber({ ...websubSchema().parse({ secret: MASTER, ...settings }), publicUrl: "https://crier.example.org/" }, {
    store: store.subscriptions,
    logger,
    now: Date.now,
    userAgent: "Crier/test",
    feeds: [feed],
    acceptPushed: async (feedId, content) => {
      pushed.push(typeof content === "string" ? content : content.body.toString());
      pushedTypes.push(typeof content === "string" ? null : content.contentType);
      return { feedId, status: "parsed", queued: 0 };
    },
    onQueued: () => undefined,
    scrub: (t) => t.split(MASTER).join("[redacted]"),
    allowPrivateAddresses,
  });
  const server = await createHttpServer({ bodyLimit: 1024 * 1024 });
  subscriber.register(server);
  closers.push(() => server.close());
  return { store, subscriber, server, feed, pushed, pushedTypes, log: () => logged };
}

/** Waits (up to 5 s, scaled to the machine) until `check` holds. */
const until = (check: () => boolean | Promise<boolean>): Promise<void> => waitFor(check, 5_000, "the condition");

describe("WebSubSubscriber", () => {
  it("keeps the secret out of what it stores and logs when a hub refuses and echoes the request", async () => {
    const { store, subscriber, log } = await setup();
    const hub = await echoHub(400);
    await subscriber.subscribe("news", hub.url, "https://news.example.org/feed/", "callback-one");
    const secret = subscriptionSecret(MASTER, "callback-one");
    expect(hub.bodies[0]).toContain(`hub.secret=${secret}`);
    expect(hub.bodies[0]).toContain(`hub.callback=${encodeURIComponent("https://crier.example.org/websub/callback-one")}`);
    const stored = await store.subscriptions.getSubscription("news");
    expect(stored).toMatchObject({ state: "failed" });
    expect(stored?.lastError).toMatch(/^HTTP 400 from the hub: cannot accept/);
    expect(stored?.lastError).toContain("[secret]");
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(log()).not.toContain(secret);
    expect(log()).not.toContain(MASTER);
  });

  it("answers the hub's verification only for the subscription it asked for: callback, topic and mode", async () => {
    const { store, subscriber, server } = await setup();
    const hub = await echoHub(202);
    await subscriber.subscribe("news", hub.url, "https://news.example.org/feed/", "cb");
    const verify = (query: Record<string, string>, id = "cb") => server.inject({ method: "GET", url: `/websub/${id}?${new URLSearchParams(query)}` });
    const topic = "https://news.example.org/feed/";
    for (const [query, id] of [
      [{ "hub.mode": "subscribe", "hub.topic": topic, "hub.challenge": "c1" }, "other"], // never asked for this callback
      [{ "hub.mode": "subscribe", "hub.topic": "https://evil.example/", "hub.challenge": "c2" }, "cb"], // another topic
      [{ "hub.mode": "unsubscribe", "hub.topic": topic, "hub.challenge": "c3" }, "cb"], // we did not ask to leave
      [{ "hub.mode": "subscribe", "hub.topic": topic }, "cb"], // no challenge
    ] as const) {
      const answer = await verify(query, id);
      expect(answer.statusCode).toBe(404);
      expect(answer.body).not.toMatch(/c[123]/);
    }
    expect(subscriber.safetyNetMs("news")).toBeNull();
    const ok = await verify({ "hub.mode": "subscribe", "hub.topic": topic, "hub.challenge": "the-challenge", "hub.lease_seconds": "600" });
    expect([ok.statusCode, ok.body]).toEqual([200, "the-challenge"]);
    const active = await store.subscriptions.getSubscription("news");
    expect(active).toMatchObject({ state: "active", leaseSeconds: 600 });
    expect((active?.expiresAt ?? 0) - (active?.verifiedAt ?? 0)).toBe(600_000);
    expect(subscriber.safetyNetMs("news")).toBe(60 * 60_000);
    await subscriber.close();
  });

  it("asks again by itself, every retryMs, while the hub fails or never verifies; never once it has verified", async () => {
    const { store, subscriber, server } = await setup({ retryMs: 150 });
    const hub = await echoHub((n) => (n === 0 ? 503 : 202)); // down at first, then accepting
    const topic = "https://news.example.org/feed/";
    await subscriber.subscribe("news", hub.url, topic, "cb");
    expect(await store.subscriptions.getSubscription("news")).toMatchObject({ state: "failed" });
    await until(() => hub.bodies.length >= 2); // no discovery, no restart: the retry timer
    await until(async () => (await store.subscriptions.getSubscription("news"))?.state === "requested");
    await until(() => hub.bodies.length >= 3); // accepted, but no verification came: asked again
    expect(hub.bodies.every((b) => b.includes("hub.mode=subscribe") && b.includes(encodeURIComponent("https://crier.example.org/websub/cb")))).toBe(true);
    const ok = await server.inject({ method: "GET", url: `/websub/cb?${new URLSearchParams({ "hub.mode": "subscribe", "hub.topic": topic, "hub.challenge": "x", "hub.lease_seconds": "3600" })}` });
    expect(ok.statusCode).toBe(200);
    const asked = hub.bodies.length;
    // A negative: past three periods of the retry timer that the verification cancelled (retryMs 150,
    // counted from the last request, as the subscriber counts it).
    await untilClock((hub.arrivals.at(-1) ?? 0) + 3 * 150);
    expect(hub.bodies.length).toBe(asked); // verified: the next request is the renewal, an hour away
    expect(await store.subscriptions.getSubscription("news")).toMatchObject({ state: "active" });
    await subscriber.close();
  });

  it("asks a hub that denied the subscription again only after four times retryMs", async () => {
    const { store, subscriber, server } = await setup({ retryMs: 100 });
    const hub = await echoHub(202);
    const topic = "https://news.example.org/feed/";
    await subscriber.subscribe("news", hub.url, topic, "cb");
    const denied = await server.inject({ method: "GET", url: `/websub/cb?${new URLSearchParams({ "hub.mode": "denied", "hub.topic": topic, "hub.reason": "not today" })}` });
    expect(denied.statusCode).toBe(200);
    const denial = await store.subscriptions.getSubscription("news");
    expect(denial).toMatchObject({ state: "denied" });
    await until(() => hub.bodies.length === 2);
    // Asked again no sooner than 4 x retryMs after the request the hub denied.
    expect((hub.arrivals[1] ?? 0) - (denial?.requestedAt ?? Infinity)).toBeGreaterThanOrEqual(4 * 100);
    await subscriber.close();
  });

  it("follows a hub's 307 and 308 redirects with the same request, and keeps the hub the feed names", async () => {
    const { store, subscriber } = await setup();
    const real = await echoHub(202);
    const temporary = await redirectingHub(307, real.url);
    const permanent = await redirectingHub(308, temporary.url); // 308 -> 307 -> the hub that accepts
    const topic = "https://news.example.org/feed/";
    await subscriber.subscribe("news", permanent.url, topic, "cb");
    expect([permanent.bodies.length, temporary.bodies.length, real.bodies.length]).toEqual([1, 1, 1]);
    expect(real.bodies[0]).toBe(permanent.bodies[0]); // method and body kept: the same form, secret included
    expect(real.bodies[0]).toContain("hub.mode=subscribe");
    expect(await store.subscriptions.getSubscription("news")).toMatchObject({ state: "requested", hub: permanent.url, lastError: null });

    const loop = await redirectingHub(307, "/hub"); // itself, for ever
    await subscriber.subscribe("news", loop.url, topic, "cb2");
    expect(loop.bodies.length).toBe(3);
    expect(await store.subscriptions.getSubscription("news")).toMatchObject({ state: "failed", lastError: "HTTP 307 from the hub: more than 3 redirects" });
    await subscriber.close();
  });

  it("ignores pushes without a valid signature, hands signed ones to the pipeline, and answers 410 for unknown callbacks", async () => {
    const { subscriber, server, pushed } = await setup();
    const hub = await echoHub(202);
    const topic = "https://news.example.org/feed/";
    await subscriber.subscribe("news", hub.url, topic, "cb");
    await server.inject({ method: "GET", url: `/websub/cb?${new URLSearchParams({ "hub.mode": "subscribe", "hub.topic": topic, "hub.challenge": "x" })}` });
    const { createHmac } = await import("node:crypto");
    const body = "<rss><channel><title>T</title></channel></rss>";
    const sign = (key: string) => `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;
    const post = (headers: Record<string, string>, id = "cb") =>
      server.inject({ method: "POST", url: `/websub/${id}`, payload: body, headers: { "content-type": "application/rss+xml", ...headers } });
    expect((await post({ "x-hub-signature": sign("wrong") })).statusCode).toBe(202);
    expect((await post({ "x-hub-signature": sign(MASTER) })).statusCode).toBe(202); // the master key is not the subscription's secret
    expect((await post({})).statusCode).toBe(202);
    expect((await post({ "x-hub-signature": sign(subscriptionSecret(MASTER, "cb")) }, "unknown")).statusCode).toBe(410);
    await subscriber.close();
    expect(pushed).toEqual([]);
    expect((await post({ "x-hub-signature": sign(subscriptionSecret(MASTER, "cb")) })).statusCode).toBe(202);
    await subscriber.close();
    expect(pushed).toEqual([body]);
  });

  it("moves to a new hub with a new callback, so the old hub's pushes meet a 410", async () => {
    const { store, subscriber, server, feed } = await setup();
    const [a, b] = [await echoHub(202), await echoHub(202)];
    subscriber.discovered(feed, { hubs: [a.url], self: "https://news.example.org/feed/" });
    await subscriber.close();
    const first = await store.subscriptions.getSubscription("news");
    expect(first?.hub).toBe(a.url);
    const moved = new WebSubSubscriber({ ...websubSchema().parse({ secret: MASTER }), publicUrl: "https://crier.example.org/" }, (subscriber as unknown as { host: ConstructorParameters<typeof WebSubSubscriber>[1] }).host);
    moved.discovered(feed, { hubs: [b.url, a.url], self: "https://news.example.org/feed/" });
    await moved.close();
    const second = await store.subscriptions.getSubscription("news");
    expect(second?.hub).toBe(b.url);
    expect(second?.callbackId).not.toBe(first?.callbackId);
    expect(b.bodies).toHaveLength(1);
    const old = await server.inject({ method: "POST", url: `/websub/${first?.callbackId}`, payload: "<rss/>", headers: { "content-type": "application/rss+xml" } });
    expect(old.statusCode).toBe(410);
  });

  it("checks the signature over the exact bytes whatever the media type (JSON, text), while other routes keep fastify's JSON parser", async () => {
    const { subscriber, server, pushed, pushedTypes } = await setup();
    // An operator endpoint outside the WebSub scope, registered on the same listener.
    server.post("/operator/echo", async (req) => ({ parsed: req.body }));
    const hub = await echoHub(202);
    const topic = "https://news.example.org/feed.json";
    await subscriber.subscribe("news", hub.url, topic, "cb");
    await server.inject({ method: "GET", url: `/websub/cb?${new URLSearchParams({ "hub.mode": "subscribe", "hub.topic": topic, "hub.challenge": "x" })}` });
    const { createHmac } = await import("node:crypto");
    const secret = subscriptionSecret(MASTER, "cb");
    const sign = (body: string, key = secret) => `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;
    // Spacing and key order a JSON parser would not keep: the signature is over these bytes.
    const jsonFeed = `{ "version": "https://jsonfeed.org/version/1.1",\n  "title": "T", "items": [ {"id": "1", "title": "Pushed as JSON"} ] }`;
    const text = "<rss><channel><title>T</title><item><title>Pushed as text</title></item></channel></rss>";
    const push = (body: string, contentType: string, signature: string) =>
      server.inject({ method: "POST", url: "/websub/cb", payload: body, headers: { "content-type": contentType, "x-hub-signature": signature } });
    expect((await push(jsonFeed, "application/json", sign(jsonFeed, "wrong"))).statusCode).toBe(202);
    expect((await push(text, "text/plain", sign(text, "wrong"))).statusCode).toBe(202);
    expect((await push(jsonFeed, "application/json", sign(jsonFeed))).statusCode).toBe(202);
    expect((await push(text, "text/plain; charset=utf-8", sign(text))).statusCode).toBe(202);
    expect((await push(jsonFeed, "application/feed+json", sign(jsonFeed))).statusCode).toBe(202);
    await subscriber.close();
    expect(pushed).toEqual([jsonFeed, text, jsonFeed]);
    expect(pushedTypes).toEqual(["application/json", "text/plain; charset=utf-8", "application/feed+json"]);

    const echoed = await server.inject({ method: "POST", url: "/operator/echo", payload: { a: [1, 2] } });
    expect(echoed.json()).toEqual({ parsed: { a: [1, 2] } });
  });

  it.each([
    ["a loopback address", "http://127.0.0.1:PORT/", /: 127\.0\.0\.1 is a private address \(loopback\); nothing was sent/],
    ["a name that resolves to loopback", "http://localhost:PORT/", /: localhost resolves to a private address \((127\.0\.0\.1|::1), loopback\); nothing was sent/],
  ])("never asks a hub on %s unless private addresses are allowed, and records why", async (_name, template, reason) => {
    const { store, subscriber, feed, log } = await setup({}, false);
    const hub = await echoHub(202);
    const hubUrl = template.replace("PORT", new URL(hub.url).port);
    subscriber.discovered(feed, { hubs: [hubUrl], self: "https://news.example.org/feed/" });
    await subscriber.close();
    expect(hub.bodies).toEqual([]);
    const stored = await store.subscriptions.getSubscription("news");
    expect(stored).toMatchObject({ state: "failed", hub: hubUrl });
    expect(stored?.lastError).toContain(`refused to ask the hub ${hubUrl} named by feed news`);
    expect(stored?.lastError).toMatch(reason);
    expect(stored?.lastError).toContain("network.allowPrivateAddresses");
    expect(log()).toContain("the hub is on a non-public address");
  });
});
