import { afterEach, describe, expect, it } from "vitest";
import { scaled, waitFor } from "../../support/timing.js";
import { startXLoopback, type FaultAction, type XLoopback, type XRequest } from "./server.js";
import { ALICE, baseOptions, call, oauthHeader } from "./testing.js";

let lb: XLoopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

/** Apply `action` to the first POST /2/tweets only. */
async function withFault(action: FaultAction): Promise<XLoopback> {
  let fired = false;
  lb = await startXLoopback(
    baseOptions({
      onRequest: (req: XRequest) => {
        if (fired || req.path !== "/2/tweets") return undefined;
        fired = true;
        return action;
      },
    }),
  );
  return lb;
}
const post = (l: XLoopback, text: string) => call(l, "/2/tweets", { method: "POST", json: { text } });

describe("fault actions", () => {
  it("status: answers the injected response without processing", async () => {
    const l = await withFault({ kind: "status", status: 503, body: { title: "Service Unavailable" }, headers: { "retry-after": "7" } });
    const r = await post(l, "a");
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ title: "Service Unavailable" });
    expect(r.headers.get("retry-after")).toBe("7");
    expect(l.tweets).toHaveLength(0);
    expect((await post(l, "a")).status).toBe(201);
  });

  it("destroy-before: connection reset, nothing stored", async () => {
    const l = await withFault({ kind: "destroy-before" });
    await expect(post(l, "a")).rejects.toThrow();
    expect(l.requests).toHaveLength(1);
    expect(l.tweets).toHaveLength(0);
    expect((await post(l, "a")).status).toBe(201);
  });

  it("destroy-after: the post is stored but the client gets no answer", async () => {
    const l = await withFault({ kind: "destroy-after" });
    await expect(post(l, "a")).rejects.toThrow();
    expect(l.tweets.map((t) => t.text)).toEqual(["a"]);
    expect((await post(l, "a")).status).toBe(403); // a retry is a duplicate
  });

  it("hang-after: stored, never answered; close() ends the request promptly", async () => {
    const l = await withFault({ kind: "hang-after" });
    const pending = post(l, "a");
    pending.catch(() => undefined);
    await waitFor(() => l.tweets.length > 0, 5_000, "the tweet to be stored");
    const t0 = Date.now();
    await l.close();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(scaled(1000));
  });

  it("delay: processed normally after the delay", async () => {
    const l = await withFault({ kind: "delay", ms: 150 });
    const t0 = Date.now();
    const r = await post(l, "a");
    expect(r.status).toBe(201);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("async hooks see the verified user and the parsed body", async () => {
    const seen: XRequest[] = [];
    lb = await startXLoopback(
      baseOptions({
        onRequest: async (req) => {
          await new Promise((r) => setImmediate(r)); // an asynchronous hook: one turn of the event loop
          seen.push(req);
          return undefined;
        },
      }),
    );
    await post(lb, "hello");
    expect(seen[0]).toMatchObject({ userId: "1111111111", json: { text: "hello" }, method: "POST" });
    expect(seen[0]?.body.toString()).toBe('{"text":"hello"}');
  });

  it("a status fault spends no nonce: the same signed request then goes through", async () => {
    const l = await withFault({ kind: "status", status: 503, body: { title: "Service Unavailable" } });
    const authorization = oauthHeader("POST", "/2/tweets", {}, ALICE);
    expect((await call(l, "/2/tweets", { method: "POST", json: { text: "a" }, authorization })).status).toBe(503);
    expect((await call(l, "/2/tweets", { method: "POST", json: { text: "a" }, authorization })).status).toBe(201);
    expect((await call(l, "/2/tweets", { method: "POST", json: { text: "b" }, authorization })).status).toBe(401);
    expect(l.requests.map((r) => r.authError)).toEqual([undefined, undefined, "replayed oauth_nonce"]);
  });

  it("a fault injected through the harness still knows the user: destroy-after stores the post as hers", async () => {
    lb = await startXLoopback(baseOptions());
    lb.harness.inject({ kind: "destroy-after" }, { match: (r) => r.path === "/2/tweets" });
    await expect(post(lb, "lost answer")).rejects.toThrow();
    expect(lb.tweets).toMatchObject([{ userId: ALICE.id, text: "lost answer" }]);
    expect(lb.requests[0]).toMatchObject({ userId: ALICE.id });
  });

  it("close() during a long delay returns promptly", async () => {
    const l = await withFault({ kind: "delay", ms: 60_000 });
    const pending = post(l, "a");
    pending.catch(() => undefined);
    await waitFor(() => l.requests.length > 0, 5_000, "the request to arrive");
    const t0 = Date.now();
    await l.close();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(scaled(1000));
    expect(l.tweets).toHaveLength(0);
  });
});
