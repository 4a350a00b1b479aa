// Negative controls: the loopback refuses what Example refuses, with its status and error body,
// and stores nothing. Raw fetch, no adapter code: a test double that accepts everything proves
// nothing. COPYING: this is test/loopback/<platform>/negative.test.ts in a real adapter.
import { afterEach, describe, expect, it } from "vitest";
import { startExampleLoopback, type ExampleLoopback } from "./loopback.js";

const TOKEN = "ex-token-0123456789abcdef";
let lb: ExampleLoopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

async function post(body: string, headers: Record<string, string> = {}) {
  lb ??= await startExampleLoopback({ accounts: [{ token: TOKEN, handle: "crier" }], channels: ["news"] });
  const res = await fetch(`${lb.url}/v1/posts`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
}

describe("example loopback: refusals", () => {
  it.each<[string, number, string, string, Record<string, string>]>([
    ["no token", 401, "invalid_token", '{"channel":"news","text":"x"}', { authorization: "" }],
    ["a wrong token", 401, "invalid_token", '{"channel":"news","text":"x"}', { authorization: "Bearer nope" }],
    ["not JSON", 400, "invalid_request", "channel=news", {}],
    ["not application/json", 415, "unsupported_media_type", '{"channel":"news","text":"x"}', { "content-type": "text/plain" }],
    ["an unknown field", 400, "invalid_request", '{"channel":"news","text":"x","extra":1}', {}],
    ["an unknown channel", 404, "channel_not_found", '{"channel":"sports","text":"x"}', {}],
    ["empty text", 422, "text_empty", '{"channel":"news","text":"  "}', {}],
    ["501 code points", 422, "text_too_long", JSON.stringify({ channel: "news", text: "a".repeat(501) }), {}],
  ])("%s → %i %s", async (_name, status, code, body, headers) => {
    expect(await post(body, headers)).toEqual({ status, body: { error: { code, message: expect.any(String) } } });
    expect(lb?.posts).toHaveLength(0);
  });

  it("500 code points pass (the limit is inclusive), and count emoji by code point", async () => {
    expect((await post(JSON.stringify({ channel: "news", text: "a".repeat(500) }))).status).toBe(201);
    expect((await post(JSON.stringify({ channel: "news", text: "👍🏽".repeat(250) }))).status).toBe(201);
    expect((await post(JSON.stringify({ channel: "news", text: `${"👍🏽".repeat(250)}a` }))).status).toBe(422);
  });
});
