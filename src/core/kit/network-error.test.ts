// networkFailure over the errors real failed requests throw on loopback (undici, global fetch),
// then the shapes no loopback can produce (a TLS refusal, a bug), built by hand and said so.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort, startHarness, type Harness } from "../../../test/loopback/harness.js";
import { Agent, request } from "../http.js";
import { RequestNotSentError, networkDeliveryError, networkFailure, type NetworkFailure } from "./network-error.js";

let h: Harness;
let refused: string;
let endsAfterRead: net.Server;
let endsUrl: string;
const agent = new Agent();

beforeAll(async () => {
  h = await startHarness();
  h.route("*", "/ok", () => ({ status: 200, body: {} }));
  refused = `http://127.0.0.1:${await closedPort()}`;
  // Reads the request, then closes its side in order (FIN, not RST): "other side closed".
  endsAfterRead = net.createServer((socket) => socket.once("data", () => socket.end()));
  await new Promise<void>((resolve) => endsAfterRead.listen(0, "127.0.0.1", resolve));
  endsUrl = `http://127.0.0.1:${(endsAfterRead.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  await agent.destroy();
  await h.close();
  await new Promise((resolve) => endsAfterRead.close(resolve));
});

async function thrown(p: () => Promise<unknown>): Promise<unknown> {
  try {
    await p();
  } catch (err) {
    return err;
  }
  throw new Error("expected the request to fail");
}

const post = (url: string, signal?: AbortSignal) => request(url, { method: "POST", body: "{}", dispatcher: agent, ...(signal ? { signal } : {}) });
const withFault = (kind: "destroy-before" | "destroy-after" | "hang-after") => () => (h.inject({ kind }), undefined);

describe("networkFailure: errors of real failed requests", () => {
  it.each<[string, () => Promise<unknown>, Partial<NetworkFailure> | undefined]>([
    ["undici: nothing listening", () => post(`${refused}/x`), { outcome: "not-sent", code: "ECONNREFUSED" }],
    ["undici: a name that does not resolve", () => post("http://nonexistent.invalid/x"), { outcome: "not-sent", code: expect.stringMatching(/^(ENOTFOUND|EAI_AGAIN)$/) as unknown as string }],
    ["undici: reset after the server read the request", () => (withFault("destroy-before")(), post(`${h.url}/ok`)), { outcome: "unknown-outcome", code: "ECONNRESET" }],
    ["undici: reset after the server acted on it", () => (withFault("destroy-after")(), post(`${h.url}/ok`)), { outcome: "unknown-outcome", code: "ECONNRESET" }],
    ["undici: closed in order after the read", () => post(`${endsUrl}/x`), { outcome: "unknown-outcome", code: "UND_ERR_SOCKET" }],
    ["undici: timeout after the request was written", () => (withFault("hang-after")(), post(`${h.url}/ok`, AbortSignal.timeout(100))), { outcome: "unknown-outcome", abort: "timeout" }],
    // An abort before connecting looks the same as one after: only a client that saw the request
    // not leave can say so (json-client.ts throws RequestNotSentError; see its tests).
    ["undici: aborted before connecting", () => post(`${h.url}/ok`, AbortSignal.abort()), { outcome: "unknown-outcome", abort: "aborted" }],
    ["fetch: nothing listening", () => fetch(`${refused}/x`), { outcome: "not-sent", code: "ECONNREFUSED" }],
    ["fetch: reset after the read", () => (withFault("destroy-before")(), fetch(`${h.url}/ok`, { method: "POST", body: "x" })), { outcome: "unknown-outcome", code: "ECONNRESET" }],
    ["fetch: timeout after the request was written", () => (withFault("hang-after")(), fetch(`${h.url}/ok`, { signal: AbortSignal.timeout(100) })), { outcome: "unknown-outcome", abort: "timeout" }],
  ])("%s", async (_name, fail, expected) => {
    const err = await thrown(fail);
    expect(networkFailure(err)).toMatchObject(expected ?? {});
  });

  it("undici: a headers timeout of the client's own pool is an unknown outcome", async () => {
    const impatient = new Agent({ headersTimeout: 100 });
    try {
      h.inject({ kind: "hang-after" });
      const err = await thrown(() => request(`${h.url}/ok`, { method: "POST", body: "{}", dispatcher: impatient }));
      expect(networkFailure(err)).toMatchObject({ outcome: "unknown-outcome", code: "UND_ERR_HEADERS_TIMEOUT" });
    } finally {
      await impatient.destroy();
    }
  });

  it("the detail names the code and the innermost message", async () => {
    const err = await thrown(() => fetch(`${refused}/x`));
    expect(networkFailure(err)?.detail).toMatch(/^ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });
});

const withCode = (message: string, code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });

describe("networkFailure: shapes a loopback cannot produce (built by hand)", () => {
  it.each<[string, unknown, Partial<NetworkFailure> | undefined]>([
    ["a certificate refused in the handshake", withCode("certificate has expired", "CERT_HAS_EXPIRED"), { outcome: "not-sent" }],
    ["happy eyeballs: every address refused", new AggregateError([withCode("a", "ECONNREFUSED"), withCode("b", "ENETUNREACH")]), { outcome: "not-sent", code: "ECONNREFUSED" }],
    ["an unknown errno on a socket call", withCode("write EFOO", "EFOO", { syscall: "write" }), { outcome: "unknown-outcome", code: "EFOO" }],
    ["fetch failed without a coded cause", new TypeError("fetch failed", { cause: new Error("other side closed") }), { outcome: "unknown-outcome" }],
    ["a client's own proof", new RequestNotSentError(new DOMException("t", "TimeoutError")), { outcome: "not-sent", abort: "timeout" }],
    ["a file error (no socket call)", withCode("ENOENT: no such file", "ENOENT", { syscall: "open" }), undefined],
    ["an invalid argument to undici (a bug)", withCode("invalid header", "UND_ERR_INVALID_ARG"), undefined],
    ["a bug", new TypeError("x is undefined"), undefined],
    ["an HTTP status error", Object.assign(new Error("HTTP 500"), { status: 500, code: 500 }), undefined],
    ["a string", "boom", undefined],
    ["null", null, undefined],
    ["no prototype", Object.create(null) as unknown, undefined],
    ["a cause cycle", (() => { const e = new Error("loop") as Error & { cause?: unknown }; e.cause = e; return e; })(), undefined],
  ])("%s", (_name, err, expected) => {
    const got = networkFailure(err);
    if (expected === undefined) expect(got).toBeUndefined();
    else expect(got).toMatchObject(expected);
  });
});

describe("networkDeliveryError", () => {
  it.each<[string, unknown, string | undefined, RegExp]>([
    ["refused", withCode("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED"), "transient", /^cannot reach Discord \(ECONNREFUSED\); nothing was posted$/],
    ["timed out waiting for a connection", new RequestNotSentError(new DOMException("t", "TimeoutError")), "transient", /^the send timed out before the request left; nothing was posted$/],
    ["reset", withCode("read ECONNRESET", "ECONNRESET"), "unknown-outcome", /^the connection to Discord failed \(ECONNRESET\); the post may or may not exist \(no idempotency key\)$/],
    ["timed out after writing", new DOMException("t", "TimeoutError"), "unknown-outcome", /^the send timed out after it may have reached Discord/],
    ["shutdown", new DOMException("a", "AbortError"), "unknown-outcome", /^the send was cancelled \(shutdown\) after it may have reached Discord/],
    ["not a network error", new Error("no"), undefined, /^$/],
  ])("%s", (_name, err, kind, message) => {
    const e = networkDeliveryError(err, { platform: "Discord", retryNote: "no idempotency key" });
    expect(e?.kind).toBe(kind);
    expect(e?.message ?? "").toMatch(message);
  });

  it("redacts the detail with the adapter's redact, and withholds it when redact throws", () => {
    const err = new TypeError("fetch failed", { cause: withCode("connect ECONNREFUSED /webhooks/1/SECRET", "ECONNREFUSED") });
    expect(networkDeliveryError(err, { platform: "Discord", redact: (s) => s.replace("SECRET", "[redacted]") })?.detail).toBe("ECONNREFUSED: connect ECONNREFUSED /webhooks/1/[redacted]");
    expect(networkDeliveryError(err, { platform: "Discord", redact: () => { throw new Error("x"); } })?.detail).not.toContain("SECRET");
  });
});
