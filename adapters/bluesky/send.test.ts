// Real sends through the adapter to a real, offline PDS (test/loopback/bluesky-pds).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { scaled, waitFor } from "../../test/support/timing.js";
import type { Connection } from "../../src/core/index.js";
import { TRICKY_ITEMS } from "../../test/contract/tricky-items.js";
import { closedPort } from "../../test/loopback/harness.js";
import { startBlueskyPds, type BlueskyPds, type FaultAction, type PdsRequest } from "../../test/loopback/bluesky-pds/server.js";
import { blueskyAdapter, type BlueskyPayload } from "./index.js";
import { RecordKeyTakenError, sendPost } from "./send.js";
import { openSession } from "./session.js";
import { ARTICLE, memoryStore, testDeps } from "./fixtures/support.js";
import { deliveryTid } from "./tid.js";

let pds: BlueskyPds;
let fault: ((r: PdsRequest) => FaultAction | undefined) | undefined;
let nextId = 1;
const open: Array<Connection<BlueskyPayload>> = [];

beforeAll(async () => {
  pds = await startBlueskyPds({ fault: (r) => fault?.(r) });
});
afterEach(async () => {
  fault = undefined;
  await Promise.all(open.splice(0).map((c) => c.close()));
});
afterAll(async () => pds?.close());

const cfgFor = (over: Record<string, unknown> = {}) =>
  blueskyAdapter.config.parse({ service: pds.url, handle: pds.handle, appPassword: pds.password, languages: ["en"], ...over });

async function connect(deps = testDeps(), over: Record<string, unknown> = {}) {
  const conn = await blueskyAdapter.connect(cfgFor(over), deps);
  open.push(conn);
  return conn;
}

const ctx = (signal: AbortSignal = AbortSignal.timeout(10_000)) => ({ deliveryId: nextId++, idempotencyKey: "k", queuedAt: Date.now(), signal });
const payload = (text = "hello") => ({ record: { $type: "app.bsky.feed.post" as const, text } });
const rkeyOf = (uri: string) => uri.split("/").pop() ?? "";

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return { err, result: blueskyAdapter.classify(err) };
  }
  throw new Error("expected the call to fail");
}

describe("bluesky adapter against a real PDS", () => {
  it("posts the rendered record at the delivery's key: text, facets, card, langs, createdAt", async () => {
    const conn = await connect();
    const rendered = blueskyAdapter.render(ARTICLE, cfgFor(), conn.limits, { template: blueskyAdapter.defaultTemplate, maxHashtags: 3, link: ARTICLE.link });
    const c = ctx();
    const before = Date.now();
    const sent = await conn.send(rendered.payload, c);
    const rkey = deliveryTid(c.queuedAt, c.deliveryId);
    expect(sent).toEqual({ remoteId: `at://${pds.did}/app.bsky.feed.post/${rkey}`, remoteUrl: `https://bsky.app/profile/crier.test/post/${rkey}` });
    const stored = await pds.getPost(rkey);
    const { createdAt, ...rest } = stored?.value ?? {};
    expect(rest).toEqual(rendered.payload.record);
    expect(Date.parse(String(createdAt))).toBeGreaterThanOrEqual(before - 1);
  });

  it("the same delivery sent twice makes one post, and both sends return its URI", async () => {
    const conn = await connect();
    const c = ctx();
    const first = await conn.send(payload("once"), c);
    const second = await conn.send(payload("once"), c);
    expect(second).toEqual(first);
    expect((await pds.listPosts()).filter((p) => p.value.text === "once")).toHaveLength(1);
  });

  it("connection dropped after the PDS wrote the post → unknown-outcome; the retry finds it", async () => {
    const conn = await connect();
    const c = ctx();
    fault = (r) => (r.nsid === "com.atproto.repo.createRecord" ? { kind: "destroy-after" } : undefined);
    expect((await failure(conn.send(payload("dropped"), c))).result.kind).toBe("unknown-outcome");
    fault = undefined;
    const sent = await conn.send(payload("dropped"), c);
    expect(rkeyOf(sent.remoteId)).toBe(deliveryTid(c.queuedAt, c.deliveryId));
    expect((await pds.listPosts()).filter((p) => p.value.text === "dropped")).toHaveLength(1);
  });

  // The core sends with AbortSignal.timeout(timeoutMs) (src/delivery/deliver.ts): that signal alone bounds a send.
  it("a PDS that never answers ends at the send timeout → unknown-outcome; the retry finds the post", async () => {
    const conn = await connect();
    const c = { ...ctx(AbortSignal.timeout(1_500)) };
    fault = (r) => (r.nsid === "com.atproto.repo.createRecord" ? { kind: "hang-after" } : undefined);
    const { result } = await failure(conn.send(payload("slow"), c));
    expect(result).toMatchObject({ kind: "unknown-outcome", detail: expect.stringMatching(/timeout/i), message: expect.stringMatching(/^the send timed out after it may have reached the PDS/) });
    fault = undefined;
    expect(rkeyOf((await conn.send(payload("slow"), { ...c, signal: AbortSignal.timeout(10_000) })).remoteId)).toBe(deliveryTid(c.queuedAt, c.deliveryId));
  });

  // No signal comes with connect, nor with the session calls @atproto/api makes on its own: timeoutMs bounds those.
  it("a PDS that never answers the login: connect gives up at timeoutMs", async () => {
    fault = (r) => (r.nsid === "com.atproto.server.createSession" ? { kind: "hang-after" } : undefined);
    const started = Date.now();
    const { result } = await failure(blueskyAdapter.connect(cfgFor(), testDeps(memoryStore(), 500)));
    expect(Date.now() - started).toBeLessThan(scaled(5_000));
    expect(result).toMatchObject({ kind: "unknown-outcome", detail: expect.stringMatching(/timeout/i) });
  });

  it("a PDS that never answers a token refresh mid-send: the refresh gives up at timeoutMs", async () => {
    // Logged in without the short bound (the PDS hashes the password: slow on a loaded machine),
    // then resumed from the stored session with it: only the refresh below is under test.
    const stored = memoryStore();
    await openSession(cfgFor(), testDeps(stored));
    await waitFor(() => stored.data !== null, 5_000, "the session to be stored");
    const session = await openSession(cfgFor(), testDeps(stored, scaled(500)));
    if (session.agent.session) session.agent.session.accessJwt = pds.expiredAccessJwt();
    fault = (r) => (r.nsid === "com.atproto.server.refreshSession" ? { kind: "hang-after" } : undefined);
    const started = Date.now();
    // The expired token's refusal stands once the refresh failed: nothing was written.
    const { result } = await failure(sendPost(session, payload("refresh hangs"), ctx(AbortSignal.timeout(20_000))));
    expect(Date.now() - started).toBeLessThan(scaled(5_000));
    expect(result.kind).toBe("transient");
  });

  it("ctx.signal aborts a hanging send → unknown-outcome", async () => {
    const conn = await connect();
    fault = (r) => (r.nsid === "com.atproto.repo.createRecord" ? { kind: "hang-after" } : undefined);
    const abort = new AbortController();
    const sending = failure(conn.send(payload("aborted"), ctx(abort.signal)));
    await waitFor(() => pds.count("com.atproto.repo.createRecord") > 0, 5_000, "the createRecord to arrive (its answer then hangs)");
    const started = Date.now();
    abort.abort();
    const { result } = await sending;
    expect(result.kind).toBe("unknown-outcome");
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
  });

  it("a 5xx with nothing written stays unknown-outcome (the key is read back and empty)", async () => {
    const conn = await connect();
    fault = (r) => (r.nsid === "com.atproto.repo.createRecord" ? { kind: "status", status: 502, body: { error: "UpstreamFailure" } } : undefined);
    expect((await failure(conn.send(payload("never"), ctx()))).result).toMatchObject({ kind: "unknown-outcome", detail: "502 UpstreamFailure" });
    expect(pds.count("com.atproto.repo.getRecord")).toBeGreaterThan(0);
  });

  it("a retry rendered again with another template still finds its post by the card's article", async () => {
    const conn = await connect();
    const c = ctx();
    const card = { $type: "app.bsky.embed.external" as const, external: { uri: "https://example.com/a", title: "A", description: "" } };
    const first = await conn.send({ record: { ...payload("old template").record, embed: card } }, c);
    expect(await conn.send({ record: { ...payload("new template").record, embed: card } }, c)).toEqual(first);
  });

  it("a key that holds a different post → rejected, nothing overwritten", async () => {
    const conn = await connect();
    const c = ctx();
    await conn.send(payload("mine"), c);
    const { err, result } = await failure(conn.send(payload("someone else's"), c));
    expect(err).toBeInstanceOf(RecordKeyTakenError);
    expect(result.kind).toBe("rejected");
    expect((await pds.getPost(deliveryTid(c.queuedAt, c.deliveryId)))?.value.text).toBe("mine");
  });

  it("check() names the account; delete() removes a post and is idempotent", async () => {
    const conn = await connect();
    expect(await conn.check(AbortSignal.timeout(5_000))).toBe(`@crier.test (${pds.did})`);
    const sent = await conn.send(payload("to delete"), ctx());
    await conn.delete?.(sent.remoteId, AbortSignal.timeout(5_000));
    expect(await pds.getPost(rkeyOf(sent.remoteId))).toBeNull();
    await conn.delete?.(sent.remoteId, AbortSignal.timeout(5_000));
    await expect(conn.delete?.(`at://did:plc:someoneelse/app.bsky.feed.post/${rkeyOf(sent.remoteId)}`, AbortSignal.timeout(5_000))).rejects.toThrow(/not a post of/);
  });

  it("every tricky item renders into a record the PDS's lexicon validation accepts", async () => {
    const conn = await connect();
    for (const [, item] of TRICKY_ITEMS) {
      const rendered = blueskyAdapter.render(item, cfgFor(), conn.limits, { template: blueskyAdapter.defaultTemplate, maxHashtags: 3, link: item.link });
      await conn.send(rendered.payload, ctx());
    }
  });

  it("a wrong app password → connect fails as auth, and the password is not logged", async () => {
    const deps = testDeps();
    const { result } = await failure(blueskyAdapter.connect(cfgFor({ appPassword: "wxyz-wxyz-wxyz-wxyz" }), deps));
    expect(result).toMatchObject({ kind: "auth", detail: "401 AuthenticationRequired: Invalid identifier or password" });
    expect(deps.logs.join("")).not.toContain("wxyz-wxyz");
  });

  it("nothing listening → transient", async () => {
    const { result } = await failure(blueskyAdapter.connect(cfgFor({ service: `http://127.0.0.1:${await closedPort()}` }), testDeps()));
    expect(result).toMatchObject({ kind: "transient", message: "cannot reach the PDS (ECONNREFUSED); nothing was posted", detail: expect.stringMatching(/^ECONNREFUSED: /) });
  });
});

describe("the session is kept in the SessionStore", () => {
  it("is saved at login and resumed by the next connect without a new createSession", async () => {
    const store = memoryStore();
    const deps = testDeps(store);
    await connect(deps);
    const logins = pds.count("com.atproto.server.createSession");
    const saved = JSON.parse(store.data ?? "{}") as { session?: { accessJwt?: string; refreshJwt?: string } };
    expect(saved.session?.accessJwt).toBeTruthy();
    const conn = await connect(testDeps(store));
    expect(pds.count("com.atproto.server.createSession")).toBe(logins);
    // resumeSession refreshes: the store holds the new tokens.
    expect(JSON.parse(store.data ?? "{}").session.refreshJwt).not.toBe(saved.session?.refreshJwt);
    await conn.send(payload("resumed"), ctx());
    const text = deps.logs.join("");
    for (const secret of [saved.session?.accessJwt ?? "x", saved.session?.refreshJwt ?? "x", pds.password]) expect(text).not.toContain(secret);
  });

  it("an expired or revoked saved session is cleared and replaced by a login", async () => {
    const store = memoryStore();
    await connect(testDeps(store));
    const saved = JSON.parse(store.data ?? "{}");
    await pds.agent.com.atproto.server.deleteSession(undefined, { headers: { authorization: `Bearer ${saved.session.refreshJwt}` } });
    const logins = pds.count("com.atproto.server.createSession");
    const conn = await connect(testDeps(store));
    expect(store.clears).toBe(1);
    expect(pds.count("com.atproto.server.createSession")).toBe(logins + 1);
    await conn.send(payload("after relogin"), ctx());
  });

  it("an access token that expires mid-connection is refreshed, and the refreshed session saved", async () => {
    const store = memoryStore();
    const session = await openSession(cfgFor(), testDeps(store));
    if (session.agent.session) session.agent.session.accessJwt = pds.expiredAccessJwt();
    const saves = store.saves;
    await sendPost(session, payload("refreshed"), ctx());
    await session.flush();
    expect(store.saves).toBe(saves + 1);
    expect(pds.count("com.atproto.server.refreshSession")).toBeGreaterThan(0);
  });

  it("a session revoked mid-connection leads to one new login, and the send goes through", async () => {
    const store = memoryStore();
    const session = await openSession(cfgFor(), testDeps(store));
    const live = session.agent.session;
    if (!live) throw new Error("no session");
    await pds.agent.com.atproto.server.deleteSession(undefined, { headers: { authorization: `Bearer ${live.refreshJwt}` } });
    live.accessJwt = pds.expiredAccessJwt();
    const logins = pds.count("com.atproto.server.createSession");
    await sendPost(session, payload("after revoke"), ctx());
    expect(pds.count("com.atproto.server.createSession")).toBe(logins + 1);
  });
});
