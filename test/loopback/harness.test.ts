// The harness itself, over real HTTP (global fetch, a separate client stack from the harness).
import { afterEach, describe, expect, it } from "vitest";
import { scaled } from "../support/timing.js";
import { closedPort, compilePattern, startHarness, type Harness, type HarnessOptions } from "./harness.js";
import { WindowLimiter } from "./harness-limits.js";

const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function harness(opts: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness(opts);
  open.push(h);
  return h;
}

/** Every byte value and multipart-looking sequences: an upload must arrive untouched. */
function nastyBytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 131 + (i >> 8)) & 0xff;
  out.write("\r\n--\r\n\r\n--boundary--\r\n", 100, "latin1");
  return out;
}

describe("routes and recording", () => {
  it("routes by method and pattern, decodes parameters and records the request as sent", async () => {
    const h = await harness();
    h.route("POST", "/api/v10/webhooks/:id/:token", (req) => ({ status: 200, body: { id: req.params.id, token: req.params.token, got: req.json } }));
    h.route(["GET", "POST"], "/bot:token/:method", (req) => ({ status: 200, body: { token: req.params.token, method: req.params.method } }));
    const res = await fetch(`${h.url}/api/v10/webhooks/123/a%2Fb?wait=true&thread_id=9`, {
      method: "POST", headers: { "content-type": "application/json", authorization: "Bot x" }, body: JSON.stringify({ content: "hi ✓" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "123", token: "a/b", got: { content: "hi ✓" } });
    expect(h.requests[0]).toMatchObject({
      method: "POST", path: "/api/v10/webhooks/123/a%2Fb", query: { wait: "true", thread_id: "9" }, search: "?wait=true&thread_id=9",
      route: "/api/v10/webhooks/:id/:token", params: { id: "123", token: "a/b" }, json: { content: "hi ✓" }, status: 200,
    });
    expect(h.requests[0]?.headers.authorization).toBe("Bot x");
    expect(h.requests[0]?.body.toString("utf8")).toBe('{"content":"hi ✓"}');
    expect(await (await fetch(`${h.url}/bot123:ABC-def/getMe`)).json()).toEqual({ token: "123:ABC-def", method: "getMe" });
  });

  it("answers 404 where no route (or no method) matches, or what notFound says", async () => {
    const h = await harness({ notFound: (req) => ({ status: 404, body: { message: "404: Not Found", code: 0, path: req.path } }) });
    h.route("GET", "/only-get", () => ({ status: 204 }));
    expect((await fetch(`${h.url}/nothing`)).status).toBe(404);
    const wrongMethod = await fetch(`${h.url}/only-get`, { method: "DELETE" });
    expect(await wrongMethod.json()).toEqual({ message: "404: Not Found", code: 0, path: "/only-get" });
    expect((await fetch(`${h.url}/only-get`)).status).toBe(204);
  });

  it("parses form and multipart bodies; file bytes arrive untouched", async () => {
    const h = await harness();
    h.route("POST", "/upload", () => ({ status: 200, body: "ok" }));
    await fetch(`${h.url}/upload`, { method: "POST", body: new URLSearchParams([["status", "a&b"], ["media_ids[]", "1"], ["media_ids[]", "2"]]) });
    const bytes = nastyBytes(70_000);
    const form = new FormData();
    form.set("chat_id", "-100");
    form.set("photo", new Blob([bytes], { type: "image/png" }), "a.png");
    const res = await fetch(`${h.url}/upload`, { method: "POST", body: form });
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(h.requests[0]?.form).toEqual({ status: "a&b", "media_ids[]": ["1", "2"] });
    expect(h.requests[1]?.multipart?.fields).toEqual({ chat_id: "-100" });
    const file = h.requests[1]?.multipart?.files.photo;
    expect(file).toMatchObject({ type: "image/png", filename: "a.png" });
    expect(file?.bytes.equals(bytes)).toBe(true);
  });

  it("reports a JSON body that does not parse instead of failing", async () => {
    const h = await harness();
    h.route("POST", "/x", (req) => ({ status: req.jsonError ? 400 : 200, body: { error: req.jsonError ? "bad json" : null } }));
    const res = await fetch(`${h.url}/x`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(res.status).toBe(400);
    expect(h.requests[0]?.json).toBeUndefined();
  });

  it("refuses bodies over maxBodyBytes without routing them", async () => {
    let ran = false;
    const h = await harness({ maxBodyBytes: 10, tooLarge: () => ({ status: 413, body: { description: "Request Entity Too Large" } }) });
    h.route("POST", "/x", () => ((ran = true), { status: 200 }));
    const res = await fetch(`${h.url}/x`, { method: "POST", body: "x".repeat(11) });
    expect([res.status, await res.json(), ran]).toEqual([413, { description: "Request Entity Too Large" }, false]);
  });

  it("waitForRequest resolves for a request yet to come, and rejects at its deadline", async () => {
    const h = await harness();
    h.route("POST", "/x", () => ({ status: 200 }));
    const waiting = h.waitForRequest((r) => r.path === "/x");
    await fetch(`${h.url}/x`, { method: "POST", body: "1" });
    expect((await waiting).body.toString()).toBe("1");
    await expect(h.waitForRequest((r) => r.path === "/never", 50)).rejects.toThrow(/within 50 ms/);
  });
});

describe("faults", () => {
  const setup = async () => {
    const stored: string[] = [];
    const h = await harness();
    h.route("POST", "/posts", (req) => (stored.push(req.body.toString()), { status: 201, body: { id: String(stored.length) } }));
    const post = (text: string, signal?: AbortSignal) => fetch(`${h.url}/posts`, { method: "POST", body: text, ...(signal ? { signal } : {}) });
    return { h, stored, post };
  };

  it("answers the next N matching requests with a status, then normally", async () => {
    const { h, stored, post } = await setup();
    h.inject({ kind: "status", status: 503, body: { error: "busy" }, headers: { "retry-after": "3" } }, { times: 2 });
    const first = await post("a");
    expect([first.status, first.headers.get("retry-after"), await first.json()]).toEqual([503, "3", { error: "busy" }]);
    expect((await post("b")).status).toBe(503);
    expect((await post("c")).status).toBe(201);
    expect(stored).toEqual(["c"]);
  });

  it.each([
    ["destroy-unread", [] as string[], ""],
    ["destroy-before", [] as string[], "lost"],
    ["destroy-after", ["lost"], "lost"],
  ] as const)("%s: the client gets no answer; the post stored: %j", async (kind, storedAfter, recordedBody) => {
    const { h, stored, post } = await setup();
    h.inject({ kind });
    await expect(post("lost")).rejects.toThrow(/fetch failed/);
    expect(stored).toEqual(storedAfter);
    expect(h.requests[0]?.body.toString()).toBe(recordedBody);
  });

  it("hang-after stores the post and answers nothing until the client gives up", async () => {
    const { h, stored, post } = await setup();
    h.inject({ kind: "hang-after" });
    const controller = new AbortController();
    const sending = post("slow", controller.signal);
    await h.waitForRequest();
    await expect.poll(() => stored, { timeout: scaled(1_000) }).toEqual(["slow"]);
    controller.abort();
    await expect(sending).rejects.toThrow(/aborted/);
    await expect.poll(() => h.requests[0]?.abandoned, { timeout: scaled(1_000) }).toBe(true);
  });

  it("a delay answers late; close() ends hangs and delays at once", async () => {
    const { h, post } = await setup();
    h.inject({ kind: "delay", ms: 150 });
    const started = Date.now();
    expect((await post("late")).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    h.inject({ kind: "hang-before" });
    h.inject({ kind: "delay", ms: 60_000 });
    const hung = [post("a").catch((e: unknown) => e), post("b").catch((e: unknown) => e)];
    await expect.poll(() => h.requests.length, { timeout: scaled(1_000) }).toBe(3);
    const closing = Date.now();
    await h.close();
    expect(Date.now() - closing).toBeLessThan(scaled(2_000));
    for (const e of await Promise.all(hung)) expect(e).toBeInstanceOf(TypeError);
  });

  it("onRequest picks a fault per request", async () => {
    const { h, stored, post } = await setup();
    const hook = await harness({ onRequest: (req) => (req.body.toString() === "no" ? { kind: "status", status: 400, body: "refused" } : undefined) });
    hook.route("POST", "/posts", () => ({ status: 201 }));
    expect((await fetch(`${hook.url}/posts`, { method: "POST", body: "no" })).status).toBe(400);
    expect((await fetch(`${hook.url}/posts`, { method: "POST", body: "yes" })).status).toBe(201);
    expect([h.requests.length, stored.length, (await post("x")).status]).toEqual([0, 0, 201]);
  });
});

describe("listening and closing", () => {
  it("close() releases idle keep-alive sockets; afterwards connections are refused", async () => {
    const h = await harness();
    h.route("GET", "/", () => ({ status: 200, body: "hi" }));
    expect(await (await fetch(h.url)).text()).toBe("hi"); // leaves an idle kept-alive socket
    await h.close();
    await h.close(); // idempotent
    await expect(fetch(h.url)).rejects.toThrow(/fetch failed/);
  });

  it("closedPort() is a port nothing answers on", async () => {
    await expect(fetch(`http://127.0.0.1:${await closedPort()}/`)).rejects.toMatchObject({ cause: { code: "ECONNREFUSED" } });
  });

  it.each([
    ["/bot:token/:method", "/bot1:a-b/sendMessage", { token: "1:a-b", method: "sendMessage" }],
    ["/api/v1/statuses/:id", "/api/v1/statuses/42/", { id: "42" }],
    ["/services/:team/:hook/:secret", "/services/T1/B2", null],
    ["/a.b", "/aXb", null],
  ])("compilePattern(%s) on %s", (pattern, path, groups) => {
    const m = compilePattern(pattern).exec(path);
    expect(m ? { ...m.groups } : null).toEqual(groups);
  });
});

describe("rate limits with the platform's headers", () => {
  it("counts per key, adds the headers to every counted answer, and answers tooMany when full", async () => {
    const h = await harness({
      limits: [{
        match: "/posts",
        key: (req) => String(req.headers.authorization ?? "") || undefined,
        limiter: new WindowLimiter({ limit: 2, windowMs: 60_000 }),
        headers: (s) => ({ "x-ratelimit-limit": String(s.limit), "x-ratelimit-remaining": String(s.remaining) }),
        tooMany: (s, now) => ({ status: 429, body: { retry_after: (s.resetAt - now) / 1000 } }),
      }],
    });
    h.route("POST", "/posts", () => ({ status: 201, body: {} }));
    h.route("GET", "/me", () => ({ status: 200, body: {} }));
    const post = (token: string) => fetch(`${h.url}/posts`, { method: "POST", headers: { authorization: token }, body: "x" });
    const answers = [await post("a"), await post("a"), await post("a"), await post("b")];
    expect(answers.map((r) => [r.status, r.headers.get("x-ratelimit-remaining")])).toEqual([[201, "1"], [201, "0"], [429, "0"], [201, "1"]]);
    expect(((await answers[2]?.json()) as { retry_after: number }).retry_after).toBeGreaterThan(59);
    const me = await fetch(`${h.url}/me`, { headers: { authorization: "a" } });
    expect([me.status, me.headers.get("x-ratelimit-remaining")]).toEqual([200, null]);
  });
});
