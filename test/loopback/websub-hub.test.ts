// Self-test of the loopback WebSub hub against a minimal node:http subscriber (no Crier code).
import http from "node:http";
import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { startWebSubHub, type WebSubHub, type WebSubHubOptions } from "./websub-hub.js";

interface Received {
  method: string;
  query: URLSearchParams;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface Subscriber {
  url: string; // callback base, http://127.0.0.1:PORT/cb
  received: Received[];
  wanted: Set<string>; // topics it agrees to (un)subscribe
  getAnswer?: (q: URLSearchParams) => { status: number; body: string };
  postStatuses: number[]; // answers to POSTs, in order; then 200
  close(): Promise<void>;
}

/** A subscriber callback: echoes hub.challenge for wanted topics (§5.3.1), 404 otherwise. */
async function startSubscriber(): Promise<Subscriber> {
  const sub: Subscriber = { url: "", received: [], wanted: new Set(), postStatuses: [], close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      sub.received.push({ method: req.method ?? "", query: url.searchParams, path: url.pathname, headers: req.headers, body: Buffer.concat(chunks) });
      if (req.method === "POST") return void res.writeHead(sub.postStatuses.shift() ?? 200).end();
      const q = url.searchParams;
      const answer = sub.getAnswer?.(q) ??
        (q.get("hub.mode") === "denied"
          ? { status: 200, body: "" }
          : sub.wanted.has(q.get("hub.topic") ?? "")
            ? { status: 200, body: q.get("hub.challenge") ?? "" }
            : { status: 404, body: "not found" });
      res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  sub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
  sub.close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return sub;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function setup(opts: WebSubHubOptions = {}): Promise<{ hub: WebSubHub; sub: Subscriber }> {
  const hub = await startWebSubHub(opts);
  closers.push(() => hub.close());
  const sub = await startSubscriber();
  closers.push(() => sub.close());
  return { hub, sub };
}

async function post(hub: WebSubHub, params: Record<string, string> | string, contentType = "application/x-www-form-urlencoded") {
  const body = typeof params === "string" ? params : new URLSearchParams(params).toString();
  const res = await fetch(hub.url, { method: "POST", headers: { "content-type": contentType }, body });
  return { status: res.status, text: await res.text() };
}

const TOPIC = "http://127.0.0.1:1/feed.xml";

/** Subscribes and waits until verified. */
async function subscribe(hub: WebSubHub, sub: Subscriber, extra: Record<string, string> = {}, topic = TOPIC) {
  sub.wanted.add(topic);
  const res = await post(hub, { "hub.mode": "subscribe", "hub.topic": topic, "hub.callback": sub.url, ...extra });
  expect(res.status).toBe(202);
  await hub.idle();
  return hub.subscriptions().find((s) => s.topic === topic && s.callback === sub.url);
}

const hmac = (alg: string, key: string, body: Buffer) => createHmac(alg, key).update(body).digest("hex");

describe("WebSub loopback hub: subscription (§5.1, §5.3)", () => {
  it("answers 202, then verifies intent with a challenge on the callback, keeping its query string", async () => {
    const { hub, sub } = await setup();
    const callback = `${sub.url}?id=abc&hub.mode=keep`;
    sub.wanted.add(TOPIC);
    const res = await post(hub, { "hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": callback, "hub.lease_seconds": "3600", "x.extra": "ignored" });
    expect(res.status).toBe(202);
    const get = await hub.waitFor(() => sub.received.find((r) => r.method === "GET"));
    expect(get.query.get("id")).toBe("abc");
    expect(get.query.getAll("hub.mode")).toEqual(["keep", "subscribe"]); // appended, not overwritten
    expect(get.query.get("hub.topic")).toBe(TOPIC);
    expect(get.query.get("hub.challenge")).toMatch(/^[\w-]{20,}$/);
    expect(get.query.get("hub.lease_seconds")).toBe("3600");
    await hub.idle();
    const [s] = hub.subscriptions();
    expect(s).toMatchObject({ topic: TOPIC, callback, verified: true, active: true, leaseSeconds: 3600 });
    expect(s?.expiresAt).toBeGreaterThan(Date.now() + 3_590_000);
    expect(s?.verifications).toHaveLength(1);
    expect(hub.requests()[0]).toMatchObject({ mode: "subscribe", leaseSeconds: 3600, grantedLeaseSeconds: 3600, status: 202 });
  });

  it("clamps the lease to [min, max] and uses the default when none is asked", async () => {
    const { hub, sub } = await setup({ minLeaseSeconds: 100, maxLeaseSeconds: 1000, defaultLeaseSeconds: 500 });
    expect((await subscribe(hub, sub, { "hub.lease_seconds": "5" }, `${TOPIC}?a`))?.leaseSeconds).toBe(100);
    expect((await subscribe(hub, sub, { "hub.lease_seconds": "99999999" }, `${TOPIC}?b`))?.leaseSeconds).toBe(1000);
    expect((await subscribe(hub, sub, {}, `${TOPIC}?c`))?.leaseSeconds).toBe(500);
    const leases = sub.received.filter((r) => r.method === "GET").map((r) => r.query.get("hub.lease_seconds"));
    expect(leases).toEqual(["100", "1000", "500"]);
  });

  it("a wrong challenge, a 404 or a 500 leaves the subscription inactive", async () => {
    const { hub, sub } = await setup();
    sub.getAnswer = () => ({ status: 200, body: "not-the-challenge" });
    const s = await subscribe(hub, sub);
    expect(s).toMatchObject({ verified: false, active: false });
    expect(hub.verifications()[0]).toMatchObject({ ok: false, status: 200, body: "not-the-challenge" });
    sub.getAnswer = () => ({ status: 404, body: "" });
    expect(await subscribe(hub, sub)).toMatchObject({ active: false });
    sub.getAnswer = (q) => ({ status: 500, body: q.get("hub.challenge") ?? "" });
    expect(await subscribe(hub, sub)).toMatchObject({ active: false });
    expect(hub.verifications().map((v) => v.status)).toEqual([200, 404, 500]);
    expect(await hub.publish(TOPIC, { body: "x" })).toEqual([]);
  });

  it("a failed re-subscription leaves the active one unchanged; a verified one renews the lease", async () => {
    const { hub, sub } = await setup();
    const first = await subscribe(hub, sub, { "hub.lease_seconds": "600", "hub.secret": "s1" });
    sub.getAnswer = () => ({ status: 404, body: "" });
    const after = await subscribe(hub, sub, { "hub.lease_seconds": "900", "hub.secret": "s2" });
    expect(after).toMatchObject({ active: true, leaseSeconds: 600, secret: "s1", expiresAt: first?.expiresAt });
    sub.getAnswer = undefined;
    expect(await subscribe(hub, sub, { "hub.lease_seconds": "900", "hub.secret": "s2" })).toMatchObject({ active: true, leaseSeconds: 900, secret: "s2" });
    expect(hub.requests().filter((r) => r.mode === "subscribe")).toHaveLength(3);
  });

  it("unsubscribe is verified with hub.mode=unsubscribe and removes the subscription", async () => {
    const { hub, sub } = await setup();
    await subscribe(hub, sub);
    expect((await post(hub, { "hub.mode": "unsubscribe", "hub.topic": TOPIC, "hub.callback": sub.url, "hub.lease_seconds": "bogus" })).status).toBe(202);
    await hub.idle();
    const get = sub.received.filter((r) => r.method === "GET").at(-1);
    expect(get?.query.get("hub.mode")).toBe("unsubscribe");
    expect(get?.query.has("hub.lease_seconds")).toBe(false);
    expect(hub.subscriptions()).toEqual([]);
  });

  it("answers 400 with a plain-text reason for malformed requests", async () => {
    const { hub, sub } = await setup();
    const ok = { "hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": sub.url };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ "hub.topic": TOPIC, "hub.callback": sub.url }, /hub\.mode is required/],
      [{ ...ok, "hub.mode": "subscribed" }, /unknown hub\.mode/],
      [{ ...ok, "hub.topic": "" }, /hub\.topic is required/],
      [{ "hub.mode": "subscribe", "hub.topic": TOPIC }, /hub\.callback is required/],
      [{ ...ok, "hub.callback": "ftp://127.0.0.1/cb" }, /http or https/],
      [{ ...ok, "hub.callback": "not a url" }, /absolute URL/],
      [{ ...ok, "hub.callback": "http://example.com/cb" }, /127\.0\.0\.1/],
      [{ ...ok, "hub.topic": "mailto:a@b" }, /http or https/],
      [{ ...ok, "hub.lease_seconds": "0" }, /positive decimal integer/],
      [{ ...ok, "hub.lease_seconds": "1.5" }, /positive decimal integer/],
      [{ ...ok, "hub.secret": "a".repeat(200) }, /less than 200 bytes/],
      [{ ...ok, "hub.secret": "é".repeat(100) }, /less than 200 bytes/], // 200 bytes in UTF-8
      [{ "hub.mode": "publish" }, /hub\.url is required/],
    ];
    for (const [params, reason] of cases) {
      const res = await post(hub, params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.text).toMatch(reason);
    }
    expect((await post(hub, `${new URLSearchParams(ok)}&hub.topic=${encodeURIComponent(TOPIC)}`)).status).toBe(400); // twice
    expect((await post(hub, JSON.stringify(ok), "application/json")).text).toMatch(/Content-Type/);
    expect((await post(hub, { ...ok, "hub.secret": "a".repeat(199) })).status).toBe(202);
    await hub.idle();
    expect(sub.received.filter((r) => r.method === "GET")).toHaveLength(1); // only the good one is verified
    expect(hub.requests().filter((r) => r.status === 400)).toHaveLength(cases.length + 2);
  });
});

describe("WebSub loopback hub: validation denial (§5.2)", () => {
  it("a denied topic gets hub.mode=denied with the reason instead of a verification", async () => {
    const { hub, sub } = await setup();
    await hub.denySubscription(TOPIC, "not allowed here");
    expect(await subscribe(hub, sub)).toBeUndefined();
    const get = sub.received.find((r) => r.method === "GET");
    expect(Object.fromEntries(get?.query ?? [])).toEqual({ "hub.mode": "denied", "hub.topic": TOPIC, "hub.reason": "not allowed here" });
    hub.allowSubscription(TOPIC);
    expect(await subscribe(hub, sub)).toMatchObject({ active: true });
  });

  it("denying a topic later ends its active subscriptions", async () => {
    const { hub, sub } = await setup({ deny: {} });
    await subscribe(hub, sub);
    const notices = await hub.denySubscription(TOPIC, "gone");
    expect(notices).toMatchObject([{ mode: "denied", reason: "gone", status: 200 }]);
    expect(hub.subscriptions()).toEqual([]);
  });
});

describe("WebSub loopback hub: content distribution (§7, §7.1)", () => {
  it("delivers the body with Content-Type, Link headers and a sha256 HMAC of the exact bytes", async () => {
    const { hub, sub } = await setup();
    await subscribe(hub, sub, { "hub.secret": "s3cret" });
    const body = "<rss>é</rss>";
    const [r] = await hub.publish(TOPIC, { body, contentType: "application/rss+xml; charset=utf-8" });
    expect(r).toMatchObject({ callback: sub.url, status: 200, ok: true, attempts: 1 });
    const got = sub.received.find((x) => x.method === "POST");
    expect(got?.body.toString("utf8")).toBe(body);
    expect(got?.headers["content-type"]).toBe("application/rss+xml; charset=utf-8");
    expect(got?.headers.link).toBe(`<${hub.url}>; rel="hub", <${TOPIC}>; rel="self"`);
    expect(got?.headers["x-hub-signature"]).toBe(`sha256=${hmac("sha256", "s3cret", Buffer.from(body))}`);
    expect(hub.deliveries()).toMatchObject([{ topic: TOPIC, callback: sub.url, attempt: 1, status: 200, ok: true }]);
  });

  it("signs with the chosen algorithm, and not at all without a secret", async () => {
    const { hub, sub } = await setup();
    await subscribe(hub, sub, { "hub.secret": "k" });
    await hub.publish(TOPIC, { body: "a", algorithm: "sha512" });
    await hub.publish(TOPIC, { body: "b", algorithm: "sha1" });
    const posts = sub.received.filter((x) => x.method === "POST");
    expect(posts[0]?.headers["x-hub-signature"]).toBe(`sha512=${hmac("sha512", "k", Buffer.from("a"))}`);
    expect(posts[1]?.headers["x-hub-signature"]).toBe(`sha1=${hmac("sha1", "k", Buffer.from("b"))}`);
    const other = await startSubscriber();
    closers.push(() => other.close());
    await subscribe(hub, other, {}, "http://127.0.0.1:1/other.xml");
    await hub.publish("http://127.0.0.1:1/other.xml", { body: "c" });
    expect(other.received.find((x) => x.method === "POST")?.headers["x-hub-signature"]).toBeUndefined();
  });

  it("misbehaves on request: wrong, missing or custom signature", async () => {
    const { hub, sub } = await setup();
    await subscribe(hub, sub, { "hub.secret": "k" });
    await hub.publish(TOPIC, { body: "x", signature: "wrong" });
    await hub.publish(TOPIC, { body: "x", signature: "missing" });
    await hub.publish(TOPIC, { body: "x", signature: "sha256=deadbeef" });
    const sigs = sub.received.filter((x) => x.method === "POST").map((x) => x.headers["x-hub-signature"]);
    expect(sigs[0]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(sigs[0]).not.toBe(`sha256=${hmac("sha256", "k", Buffer.from("x"))}`);
    expect(sigs[1]).toBeUndefined();
    expect(sigs[2]).toBe("sha256=deadbeef");
  });

  it("omitBody posts an empty body; expired subscriptions get nothing", async () => {
    const { hub, sub } = await setup();
    await subscribe(hub, sub, { "hub.secret": "k" });
    await hub.publish(TOPIC, { omitBody: true });
    const got = sub.received.find((x) => x.method === "POST");
    expect(got?.body.length).toBe(0);
    expect(got?.headers["content-length"]).toBe("0");
    expect(got?.headers["x-hub-signature"]).toBe(`sha256=${hmac("sha256", "k", Buffer.alloc(0))}`);
    expect(hub.expire(TOPIC)).toBe(1);
    expect(hub.subscriptions()[0]?.active).toBe(false);
    expect(await hub.publish(TOPIC, { body: "x" })).toEqual([]);
  });

  it("retries a failing callback only when asked; 410 ends the subscription", async () => {
    const { hub, sub } = await setup();
    await subscribe(hub, sub);
    sub.postStatuses.push(500);
    expect(await hub.publish(TOPIC, { body: "x" })).toMatchObject([{ status: 500, ok: false, attempts: 1 }]);
    sub.postStatuses.push(503, 302);
    expect(await hub.publish(TOPIC, { body: "x", retries: 3, retryDelayMs: 5 })).toMatchObject([{ status: 200, ok: true, attempts: 3 }]);
    sub.postStatuses.push(410);
    expect(await hub.publish(TOPIC, { body: "x", retries: 3, retryDelayMs: 5 })).toMatchObject([{ status: 410, attempts: 1 }]);
    expect(hub.subscriptions()).toEqual([]);
  });
});

describe("WebSub loopback hub: test hooks and publish ping", () => {
  it("unsolicited verification reaches the callback and changes nothing", async () => {
    const { hub, sub } = await setup();
    const v = await hub.unsolicitedVerification(`${sub.url}?x=1`, "http://127.0.0.1:1/never.xml");
    const get = sub.received[0];
    expect(get?.query.get("x")).toBe("1");
    expect(get?.query.get("hub.mode")).toBe("subscribe");
    expect(get?.query.get("hub.challenge")).toBe(v.challenge);
    expect(v).toMatchObject({ solicited: false, status: 404, ok: false });
    expect(v.body).not.toContain(v.challenge);
    expect(hub.subscriptions()).toEqual([]);
  });

  it("hub.mode=publish answers 204 and distributes the topic fetched from the publisher", async () => {
    const { hub, sub } = await setup();
    const feeds: FeedServer = await startFeedServer();
    closers.push(() => feeds.close());
    const topic = `${feeds.url}/feed.xml`;
    const xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title></channel></rss>";
    feeds.setFeed("/feed.xml", xml);
    await subscribe(hub, sub, { "hub.secret": "k" }, topic);
    expect((await post(hub, { "hub.mode": "publish", "hub.url": topic })).status).toBe(204);
    await hub.idle();
    const got = sub.received.find((x) => x.method === "POST");
    expect(got?.body.toString()).toBe(xml);
    expect(got?.headers["content-type"]).toBe("application/rss+xml; charset=UTF-8");
    expect(got?.headers["x-hub-signature"]).toBe(`sha256=${hmac("sha256", "k", Buffer.from(xml))}`);
    expect(feeds.hits).toMatchObject([{ path: "/feed.xml", status: 200 }]);
    expect(hub.requests().at(-1)).toMatchObject({ mode: "publish", status: 204, urls: [topic], published: [{ ok: true }] });
  });

  it("close() ends in-flight verifications and the server", async () => {
    const { hub } = await setup({ verifyTimeoutMs: 60_000 });
    let connected = 0;
    const hang = http.createServer(() => undefined); // never answers
    hang.on("connection", () => connected++);
    await new Promise<void>((resolve) => hang.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => (hang.closeAllConnections(), hang.close(() => resolve()))));
    const callback = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/cb`;
    expect((await post(hub, { "hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": callback })).status).toBe(202);
    await hub.waitFor(() => connected > 0);
    await hub.close();
    expect(hub.verifications()).toMatchObject([{ ok: false, status: 0 }]);
    await expect(fetch(hub.url, { method: "POST" })).rejects.toThrow();
  });
});
