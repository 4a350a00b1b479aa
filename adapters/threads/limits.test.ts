// send against the loopback: Threads' limits (links, quota), delete, and the failures of the wire.
import { afterEach, describe, expect, it } from "vitest";
import { closedPort } from "../../test/loopback/harness.js";
import { DEFAULT_USER } from "../../test/loopback/threads-api/server.js";
import { threadsAdapter } from "./index.js";
import { Delivery, TEXT_PAYLOAD, kindOf, openLoopback, type Opened } from "./fixtures/session.js";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
const open = async (...args: Parameters<typeof openLoopback>): Promise<Opened> => {
  const o = await openLoopback(...args);
  cleanup.push(o.close);
  return o;
};
const signal = () => AbortSignal.timeout(5_000);

describe("send: Threads' limits", () => {
  it("a post with six links is refused at container creation (THREADS_API__LINK_LIMIT_EXCEEDED) → rejected", async () => {
    const o = await open();
    const text = Array.from({ length: 5 }, (_, i) => `https://s${i}.example`).join(" ");
    expect(await kindOf(o.conn.send({ ...TEXT_PAYLOAD, text }, new Delivery(o.lb).ctx()))).toBe("rejected");
    expect(await kindOf(o.conn.send({ ...TEXT_PAYLOAD, text, link: "https://s4.example" }, new Delivery(o.lb).ctx()))).toBe("sent");
  });

  it("a text over 500 as Threads counts (126 thumbs up = 504 bytes) → rejected", async () => {
    const o = await open();
    expect(await kindOf(o.conn.send({ ...TEXT_PAYLOAD, text: "👍".repeat(126) }, new Delivery(o.lb).ctx()))).toBe("rejected");
    expect(o.lb.containers.size).toBe(0);
  });

  it("reads the publishing quota first: used up → rate-limited until it frees, with no container made", async () => {
    const o = await open({ publishQuota: 1 });
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx()))).toBe("sent");
    const err = await o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx()).catch((e: unknown) => e);
    expect(threadsAdapter.classify(err)).toMatchObject({ kind: "rate-limited", scope: "destination", waitMs: 3_600_000 });
    expect(threadsAdapter.classify(err).message).toContain("1 of 1 in 24 h");
    expect([o.lb.containers.size, o.lb.publishes.length]).toEqual([1, 1]);
    o.lb.advance(24 * 3_600_000);
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx()))).toBe("sent");
  });

  it("a checkpointed container waits out the quota; if the wait outlives it (24 h), one new container is published", async () => {
    const o = await open({ publishQuota: 1, inProgressReads: (c) => (c.text === "first" ? 1 : 0) });
    const first = new Delivery(o.lb);
    expect(await kindOf(o.conn.send({ ...TEXT_PAYLOAD, text: "first" }, first.ctx()))).toBe("processing"); // made, still processing
    expect(await kindOf(o.conn.send({ ...TEXT_PAYLOAD, text: "second" }, new Delivery(o.lb).ctx()))).toBe("sent"); // uses the quota
    expect(await kindOf(o.conn.send({ ...TEXT_PAYLOAD, text: "first" }, first.ctx()))).toBe("rate-limited");
    o.lb.advance(23 * 3_600_000);
    expect(await kindOf(o.conn.send({ ...TEXT_PAYLOAD, text: "first" }, first.ctx()))).toBe("rate-limited");
    expect(o.lb.containers.size).toBe(2);
    o.lb.advance(3_600_000); // the quota frees, and the first container has EXPIRED: a new one (processing again)
    expect(await kindOf(o.conn.send({ ...TEXT_PAYLOAD, text: "first" }, first.ctx()))).toBe("processing");
    const sent = await o.conn.send({ ...TEXT_PAYLOAD, text: "first" }, first.ctx());
    const ids = [...o.lb.containers.keys()];
    expect(o.lb.publishes).toEqual([{ container: ids[1], media: expect.any(String) }, { container: ids[2], media: sent.remoteId }]);
  });
});

describe("delete (crier unpost)", () => {
  it("deletes the post; again → the Graph error for a missing object", async () => {
    const o = await open();
    const sent = await o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx());
    await o.conn.delete?.(sent.remoteId, signal());
    expect(o.lb.posts[0]?.deleted).toBe(true);
    const del = o.lb.requests.find((r) => r.method === "DELETE");
    expect([del?.path, del?.query.access_token]).toEqual([`/v1.0/${sent.remoteId}`, DEFAULT_USER.token]);
    await expect(o.conn.delete?.(sent.remoteId, signal())).rejects.toMatchObject({ status: 400, body: { error: { code: 100, error_subcode: 33 } } });
  });

  it("needs threads_delete: without it the token lacks a permission", async () => {
    const o = await open({ users: [{ ...DEFAULT_USER, scopes: ["threads_basic", "threads_content_publish"] }] });
    const sent = await o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx());
    const err = await o.conn.delete?.(sent.remoteId, signal()).catch((e: unknown) => e);
    expect(threadsAdapter.classify(err).kind).toBe("destination-broken");
  });
});

describe("send: the wire", () => {
  it("nothing listening → transient", async () => {
    const o = await open({}, { apiBase: `http://127.0.0.1:${await closedPort()}` });
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx()))).toBe("transient");
  });

  it("a reset or a 5xx before publishing posts nothing → transient; after publishing → unknown-outcome", async () => {
    const o = await open();
    o.lb.harness.inject({ kind: "destroy-after" }, { match: (r) => r.route === "/:version/:user/threads" && r.method === "POST" });
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx()))).toBe("transient");
    o.lb.harness.inject({ kind: "status", status: 502, body: "<html>Bad gateway</html>", headers: { "content-type": "text/html" } }, { match: (r) => r.route === "/:version/:id" });
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx()))).toBe("transient");
    o.lb.harness.inject({ kind: "status", status: 502, body: "<html>Bad gateway</html>", headers: { "content-type": "text/html" } }, { match: (r) => r.route === "/:version/:user/threads_publish" });
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx()))).toBe("unknown-outcome");
    expect(o.lb.publishes).toHaveLength(0);
  });

  it("a wrong token → auth; an expired one → auth", async () => {
    const o = await open({}, { accessToken: "THwrongWrongWrongWrong0000" });
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx()))).toBe("auth");
    const old = await open();
    old.lb.advance(59 * 86_400_000);
    expect(await kindOf(old.conn.send(TEXT_PAYLOAD, new Delivery(old.lb).ctx()))).toBe("auth");
  });

  it("the send's signal aborted while publishing → unknown-outcome (it may have been written)", async () => {
    const o = await open();
    const ac = new AbortController();
    o.lb.harness.inject({ kind: "hang-after" }, { match: (r) => r.route === "/:version/:user/threads_publish" });
    const sending = o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx({ signal: ac.signal }));
    await o.lb.harness.waitForRequest((r) => r.route === "/:version/:user/threads_publish");
    ac.abort(new DOMException("timed out", "TimeoutError"));
    expect(await kindOf(sending)).toBe("unknown-outcome");
  });
});
