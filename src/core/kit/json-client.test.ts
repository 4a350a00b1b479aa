// The JSON client against a real loopback server (test/loopback/harness.ts): what reaches the
// server, what comes back, and what each failure throws.
import { afterEach, describe, expect, it } from "vitest";
import { closedPort, startHarness, type Harness } from "../../../test/loopback/harness.js";
import { HttpError, JsonClient, RequestNotSentError, ResponseBodyError, encodePath, type JsonClientOptions } from "./json-client.js";
import { networkFailure } from "./network-error.js";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(opts: Partial<JsonClientOptions> = {}, baseSuffix = "/api/v10"): Promise<{ h: Harness; client: JsonClient }> {
  const h = await startHarness();
  cleanup.push(() => h.close());
  const client = new JsonClient({ baseUrl: `${h.url}${baseSuffix}`, ...opts });
  cleanup.push(() => client.close());
  return { h, client };
}

const signal = () => AbortSignal.timeout(5_000);

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

describe("requests as sent", () => {
  it("joins the base path, encodes the query, sends the default and per-call headers, parses JSON and the rate-limit headers", async () => {
    const { h, client } = await setup({ headers: { authorization: "Bearer tok", "user-agent": "DiscordBot (crier, 0.1.0)" } });
    h.route("GET", "/api/v10/webhooks/:id/:token", () => ({ status: 200, body: { id: "1" }, headers: { "x-ratelimit-remaining": "4", "x-ratelimit-reset-after": "1.5" } }));
    const res = await client.get(encodePath`/webhooks/${"1"}/${"a/b c"}`, { signal: signal(), query: { wait: true, ids: ["1", 2], none: undefined }, headers: { "x-extra": "y" } });
    expect(res).toMatchObject({ status: 200, body: { id: "1" }, rateLimit: { remaining: 4, waitMs: 1_500 } });
    const req = h.requests[0];
    expect(req?.path).toBe("/api/v10/webhooks/1/a%2Fb%20c");
    expect(req?.params).toEqual({ id: "1", token: "a/b c" });
    expect(req?.search).toBe("?wait=true&ids=1&ids=2");
    expect(req?.headers).toMatchObject({ authorization: "Bearer tok", "user-agent": "DiscordBot (crier, 0.1.0)", accept: "application/json", "x-extra": "y" });
  });

  it("sends JSON, form and multipart bodies that the server reads back intact", async () => {
    const { h, client } = await setup({}, "");
    h.route("POST", "/in", () => ({ status: 201, body: { ok: true } }));
    const bytes = Buffer.from([0, 1, 2, 255, 13, 10, 45, 45]);
    await client.post("/in", { signal: signal(), json: { text: "héllo <&>" } });
    await client.post("in", { signal: signal(), form: { status: "a&b", "media_ids[]": ["1", "2"] } });
    await client.post("/in", { signal: signal(), multipart: { fields: [["chat_id", "-100"], ["caption", "ç"]], files: [{ name: "photo", bytes, filename: "a.jpg", type: "image/jpeg" }] } });
    const [json, form, multi] = h.requests;
    expect([json?.headers["content-type"], json?.json]).toEqual(["application/json", { text: "héllo <&>" }]);
    expect(form?.form).toEqual({ status: "a&b", "media_ids[]": ["1", "2"] });
    expect(multi?.multipart?.fields).toEqual({ chat_id: "-100", caption: "ç" });
    expect(multi?.multipart?.files.photo).toMatchObject({ filename: "a.jpg", type: "image/jpeg" });
    expect(multi?.multipart?.files.photo?.bytes.equals(bytes)).toBe(true);
  });

  it.each([
    ["204 No Content", { status: 204 }, null],
    ["a text answer (Slack webhooks' `ok`)", { status: 200, body: "ok" }, "ok"],
    ["JSON without a content type", { status: 200, body: Buffer.from('{"a":1}'), headers: { "content-type": "" } }, { a: 1 }],
  ])("%s", async (_name, reply, body) => {
    const { h, client } = await setup({}, "");
    h.route("POST", "/x", () => reply);
    expect((await client.post("/x", { signal: signal() })).body).toEqual(body);
  });
});

describe("answers that are errors", () => {
  it("a non-2xx is an HttpError with the JSON body, headers and rate limit, named without the secret", async () => {
    const token = "s3cr3t-token-value";
    const { h, client } = await setup({ secrets: [token] });
    h.route("POST", "/api/v10/webhooks/:id/:token", () => ({
      status: 429,
      body: { message: "You are being rate limited.", retry_after: 64.57, global: false },
      headers: { "retry-after": "65", "x-ratelimit-remaining": "0", "x-ratelimit-reset-after": "64.57" },
    }));
    const err = await thrown(client.post(`/webhooks/1/${token}?wait=true`, { signal: signal(), json: {} }));
    expect(err).toBeInstanceOf(HttpError);
    const e = err as HttpError;
    expect(e.status).toBe(429);
    expect(e.body).toEqual({ message: "You are being rate limited.", retry_after: 64.57, global: false });
    expect(e.headers["retry-after"]).toBe("65");
    expect(e.rateLimit).toMatchObject({ waitMs: 65_000, remaining: 0 });
    expect(e.request).toEqual({ method: "POST", route: "/webhooks/1/{secret}" });
    expect(e.message).toBe("POST /webhooks/1/{secret}: HTTP 429: You are being rate limited.");
    expect(JSON.stringify({ ...e, message: e.message })).not.toContain(token);
  });

  it("an HTML error page is kept as text, cut at maxErrorBodyBytes", async () => {
    const { h, client } = await setup({ maxErrorBodyBytes: 20 }, "");
    h.route("GET", "/x", () => ({ status: 502, body: `<html>${"Bad gateway ".repeat(100)}</html>`, headers: { "content-type": "text/html" } }));
    const err = (await thrown(client.get("/x", { signal: signal(), route: "/x (custom)" }))) as HttpError;
    expect([err.status, err.body, err.request.route]).toEqual([502, "<html>Bad gateway Ba", "/x (custom)"]);
  });

  it.each([
    ["JSON promised but not sent", { status: 200, body: "<html>", headers: { "content-type": "application/json" } }, /not JSON/],
    ["a body over maxBodyBytes", { status: 200, body: { text: "x".repeat(100) } }, /larger than 50 bytes/],
  ])("a 2xx with %s is a ResponseBodyError", async (_name, reply, message) => {
    const { h, client } = await setup({ maxBodyBytes: 50 }, "");
    h.route("POST", "/x", () => reply);
    const err = await thrown(client.post("/x", { signal: signal() }));
    expect(err).toBeInstanceOf(ResponseBodyError);
    expect((err as Error).message).toMatch(message);
  });
});

describe("failures: sent, or provably not", () => {
  it("nothing listening: RequestNotSentError around ECONNREFUSED (not-sent)", async () => {
    const client = new JsonClient({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
    cleanup.push(() => client.close());
    const err = await thrown(client.get("/x", { signal: signal() }));
    expect(err).toBeInstanceOf(RequestNotSentError);
    expect(networkFailure(err)).toMatchObject({ outcome: "not-sent", code: "ECONNREFUSED" });
  });

  it("an already aborted signal: not-sent, and the server sees nothing", async () => {
    const { h, client } = await setup({}, "");
    h.route("POST", "/x", () => ({ status: 201 }));
    const err = await thrown(client.post("/x", { signal: AbortSignal.abort(), json: {} }));
    expect(networkFailure(err)).toMatchObject({ outcome: "not-sent", abort: "aborted" });
    expect(h.requests).toHaveLength(0);
  });

  it("a timeout while waiting for a free connection: not-sent at once, and the request never reaches the server", async () => {
    const { h, client } = await setup({ agent: { connections: 1 } }, "");
    h.route("POST", "/x", (req) => ({ status: 201, body: { n: req.body.toString() } }));
    h.inject({ kind: "hang-after" });
    const first = new AbortController();
    const hanging = thrown(client.post("/x", { signal: first.signal, json: 1 }));
    await h.waitForRequest();
    const queued = await thrown(client.post("/x", { signal: AbortSignal.timeout(100), json: 2 }));
    expect(queued).toBeInstanceOf(RequestNotSentError);
    expect(networkFailure(queued)).toMatchObject({ outcome: "not-sent", abort: "timeout" });
    first.abort(); // frees the connection: the aborted second request must not be written on it
    expect(networkFailure(await hanging)).toMatchObject({ outcome: "unknown-outcome", abort: "aborted" });
    expect((await client.post("/x", { signal: signal(), json: 3 })).body).toEqual({ n: "3" });
    expect(h.requests.map((r) => r.body.toString())).toEqual(["1", "3"]);
  });

  it("a timeout after the request was written: the signal's TimeoutError as is (unknown outcome)", async () => {
    const { h, client } = await setup({}, "");
    h.route("POST", "/x", () => ({ status: 201 }));
    h.inject({ kind: "hang-after" });
    const err = await thrown(client.post("/x", { signal: AbortSignal.timeout(150), json: {} }));
    expect(err).not.toBeInstanceOf(RequestNotSentError);
    expect((err as Error).name).toBe("TimeoutError");
    expect(networkFailure(err)).toMatchObject({ outcome: "unknown-outcome", abort: "timeout" });
  });

  it.each(["destroy-before", "destroy-after"] as const)("a reset after the server read the request (%s): unknown outcome", async (kind) => {
    const { h, client } = await setup({}, "");
    h.route("POST", "/x", () => ({ status: 201 }));
    h.inject({ kind });
    const err = await thrown(client.post("/x", { signal: signal(), json: {} }));
    expect(err).not.toBeInstanceOf(RequestNotSentError);
    expect(networkFailure(err)?.outcome).toBe("unknown-outcome");
  });
});
