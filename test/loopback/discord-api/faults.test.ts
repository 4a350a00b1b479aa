import { afterEach, describe, expect, it } from "vitest";
import { scaled, waitFor } from "../../support/timing.js";
import { startDiscordLoopback, type DiscordLoopback, type FaultAction, type RecordedRequest } from "./server.js";
import { execute } from "./testing.js";

let lb: DiscordLoopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

/** Applies `action` to the first POST only. */
async function withFault(action: FaultAction): Promise<DiscordLoopback> {
  let fired = false;
  lb = await startDiscordLoopback({
    onRequest: (req: RecordedRequest) => {
      if (fired || req.method !== "POST") return undefined;
      fired = true;
      return action;
    },
  });
  return lb;
}
const post = (l: DiscordLoopback, content: string) => execute(l, { content });

describe("fault actions", () => {
  it("status: answers the injected response without processing", async () => {
    const l = await withFault({ kind: "status", status: 502, body: { message: "502: Bad Gateway", code: 0 }, headers: { "retry-after": "3" } });
    const r = await post(l, "a");
    expect(r).toMatchObject({ status: 502, body: { message: "502: Bad Gateway", code: 0 } });
    expect(r.headers.get("retry-after")).toBe("3");
    expect(l.messages).toHaveLength(0);
    expect((await post(l, "a")).status).toBe(200);
  });

  it("destroy-before: connection reset, nothing stored", async () => {
    const l = await withFault({ kind: "destroy-before" });
    await expect(post(l, "a")).rejects.toThrow();
    expect(l.requests).toHaveLength(1);
    expect(l.messages).toHaveLength(0);
  });

  it("destroy-after: the message is posted but the client gets no answer", async () => {
    const l = await withFault({ kind: "destroy-after" });
    await expect(post(l, "a")).rejects.toThrow();
    expect(l.messages.map((m) => m.content)).toEqual(["a"]);
  });

  it("hang-after: posted, never answered; close() ends the request promptly", async () => {
    const l = await withFault({ kind: "hang-after" });
    const pending = post(l, "a");
    pending.catch(() => undefined);
    await waitFor(() => l.messages.length > 0, 5_000, "the message to be posted");
    const t0 = Date.now();
    await l.close();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(scaled(1000));
  });

  it("delay: processed normally after the delay; close() cuts a long one short", async () => {
    const l = await withFault({ kind: "delay", ms: 150 });
    const t0 = Date.now();
    expect((await post(l, "a")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

    const slow = await startDiscordLoopback({ onRequest: () => ({ kind: "delay", ms: 60_000 }) });
    const pending = post(slow, "b");
    pending.catch(() => undefined);
    await waitFor(() => slow.requests.length > 0, 5_000, "the request to arrive");
    const t1 = Date.now();
    await slow.close();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - t1).toBeLessThan(scaled(1000));
    expect(slow.messages).toHaveLength(0);
  });

  it("async hooks see the parsed body", async () => {
    const seen: RecordedRequest[] = [];
    lb = await startDiscordLoopback({
      onRequest: async (req) => {
        await new Promise((r) => setImmediate(r)); // an asynchronous hook: one turn of the event loop
        seen.push(req);
        return undefined;
      },
    });
    await post(lb, "hello");
    expect(seen[0]).toMatchObject({ method: "POST", json: { content: "hello" }, query: { wait: "true" } });
  });
});
