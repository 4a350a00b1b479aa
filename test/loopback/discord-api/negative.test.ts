// Negative controls: what Discord refuses, the loopback refuses the same way (and stores nothing).
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_WEBHOOK, startDiscordLoopback, type DiscordLoopback } from "./server.js";
import { call, execute } from "./testing.js";

let lb: DiscordLoopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});
async function start(): Promise<DiscordLoopback> {
  lb = await startDiscordLoopback({ rateLimit: { limit: 1000, windowMs: 1000 } });
  return lb;
}

const fieldError = (code: string, message: string) => ({ _errors: [{ code, message }] });
/** #embed-object-embed-image-structure: "only supports http(s) and attachments". */
const MEDIA_SCHEME = (scheme: string) => `Scheme "${scheme}" is not supported. Scheme must be one of ('http', 'https', 'attachment').`;

describe("webhook id and token", () => {
  it("a wrong token → 401 Invalid Webhook Token (50027), no rate-limit headers, nothing posted", async () => {
    const l = await start();
    const r = await execute(l, { content: "x" }, { webhook: { id: DEFAULT_WEBHOOK.id, token: "wrong-token" } });
    expect(r).toMatchObject({ status: 401, body: { message: "Invalid Webhook Token", code: 50027 } });
    expect(r.headers.get("x-ratelimit-limit")).toBeNull();
    expect(l.messages).toHaveLength(0);
    expect(l.requests[0]?.webhookId).toBeUndefined();
  });

  it("an unknown (or deleted) webhook → 404 Unknown Webhook (10015)", async () => {
    const l = await start();
    const unknown = await execute(l, { content: "x" }, { webhook: { id: "223704706495545345", token: DEFAULT_WEBHOOK.token } });
    expect(unknown).toMatchObject({ status: 404, body: { message: "Unknown Webhook", code: 10015 } });
    l.deleteWebhook(DEFAULT_WEBHOOK.id);
    expect((await call(l)).body).toEqual({ message: "Unknown Webhook", code: 10015 });
    expect(l.messages).toHaveLength(0);
  });

  it("an id that is not a snowflake → 400 form error", async () => {
    const l = await start();
    const r = await call(l, { webhook: { id: "abc", token: "t" } });
    expect(r).toMatchObject({ status: 400, body: { code: 50035, message: "Invalid Form Body", errors: { webhook_id: expect.any(Object) } } });
  });

  it("unknown routes 404, wrong methods 405, discontinued versions 400", async () => {
    const l = await start();
    expect((await call(l, { suffix: "/slack-ish/x" })).body).toEqual({ message: "404: Not Found", code: 0 });
    expect((await call(l, { method: "PUT", body: "{}" })).body).toEqual({ message: "405: Method Not Allowed", code: 0 });
    expect((await call(l, { prefix: "/api/v5" })).status).toBe(400);
  });
});

describe("Execute Webhook body", () => {
  it("no content and no embeds → 400 Cannot send an empty message (50006)", async () => {
    const l = await start();
    for (const json of [{}, { content: "" }, { content: "   \n" }, { embeds: [] }, { username: "Crier" }]) {
      expect(await execute(l, json)).toMatchObject({ status: 400, body: { message: "Cannot send an empty message", code: 50006 } });
    }
    expect(l.messages).toHaveLength(0);
  });

  it("content over 2000 characters → 50035 with the field path", async () => {
    const l = await start();
    const r = await execute(l, { content: "x".repeat(2001) });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 50035, message: "Invalid Form Body", errors: { content: fieldError("BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.") } });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["title 257", { title: "t".repeat(257) }, { title: fieldError("BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.") }],
    ["description 4097", { description: "d".repeat(4097) }, { description: fieldError("BASE_TYPE_MAX_LENGTH", "Must be 4096 or fewer in length.") }],
    ["footer 2049", { footer: { text: "f".repeat(2049) } }, { footer: { text: fieldError("BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer in length.") } }],
    ["footer without text", { footer: {} }, { footer: { text: fieldError("BASE_TYPE_REQUIRED", "This field is required") } }],
    ["a bad url", { title: "t", url: "not a url" }, { url: fieldError("URL_TYPE_INVALID_URL", "Not a well formed URL.") }],
    ["a bad timestamp", { title: "t", timestamp: "yesterday" }, { timestamp: fieldError("DATE_TIME_TYPE_PARSE", "Could not parse yesterday. Should be ISO8601.") }],
    ["a colour above 0xFFFFFF", { title: "t", color: 0x1000000 }, { color: fieldError("NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215.") }],
    ["an ftp image", { title: "t", image: { url: "ftp://example.org/a.png" } }, { image: { url: fieldError("URL_TYPE_INVALID_SCHEME", MEDIA_SCHEME("ftp")) } }],
    ["a data: image", { title: "t", image: { url: "data:image/png;base64,iVBORw0KGgo=" } }, { image: { url: fieldError("URL_TYPE_INVALID_SCHEME", MEDIA_SCHEME("data")) } }],
    ["an empty image url", { title: "t", image: { url: "" } }, { image: { url: fieldError("URL_TYPE_INVALID_SCHEME", MEDIA_SCHEME("")) } }],
    ["an image url that is no URL", { title: "t", image: { url: "/img/a.png" } }, { image: { url: fieldError("URL_TYPE_INVALID_URL", "Not a well formed URL.") } }],
    ["an image without url", { title: "t", image: {} }, { image: { url: fieldError("BASE_TYPE_REQUIRED", "This field is required") } }],
    ["an image given as a string", { title: "t", image: "https://example.org/a.png" }, { image: fieldError("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType") }],
    ["an attachment:// embed url (images only)", { title: "t", url: "attachment://a.png" }, { url: fieldError("URL_TYPE_INVALID_SCHEME", `Scheme "attachment" is not supported. Scheme must be one of ('http', 'https').`) }],
  ])("embed %s → 50035 at embeds.0", async (_name, embed, errors) => {
    const l = await start();
    const r = await execute(l, { embeds: [embed] });
    expect(r).toMatchObject({ status: 400, body: { code: 50035, message: "Invalid Form Body" } });
    expect(r.body.errors).toEqual({ embeds: { "0": errors } });
    expect(l.messages).toHaveLength(0);
  });

  it("limits count trimmed text: 256 characters inside spaces is a valid title", async () => {
    const l = await start();
    expect((await execute(l, { embeds: [{ title: `   ${"t".repeat(256)}   ` }] })).status).toBe(200);
  });

  it("embeds over 6000 characters in total → MAX_EMBED_SIZE_EXCEEDED, each field within its own limit", async () => {
    const l = await start();
    const big = { title: "t".repeat(256), description: "d".repeat(4096), footer: { text: "f".repeat(2000) } };
    const r = await execute(l, { embeds: [big] });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual({ embeds: fieldError("MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000") });
    const two = await execute(l, { embeds: [{ description: "d".repeat(3001) }, { description: "d".repeat(3000) }] });
    expect(two.status).toBe(400);
    expect((await execute(l, { embeds: [{ description: "d".repeat(3000) }, { description: "d".repeat(3000) }] })).status).toBe(200);
  });

  it("more than 10 embeds, bad allowed_mentions, bad username → 50035", async () => {
    const l = await start();
    expect((await execute(l, { embeds: Array.from({ length: 11 }, () => ({ title: "t" })) })).body.errors.embeds._errors[0].code).toBe("BASE_TYPE_MAX_LENGTH");
    expect((await execute(l, { content: "x", allowed_mentions: { parse: ["all"] } })).body.errors.allowed_mentions.parse["0"]._errors[0].code).toBe("BASE_TYPE_CHOICES");
    expect((await execute(l, { content: "x", allowed_mentions: { parse: ["users"], users: ["1"] } })).status).toBe(400);
    expect((await execute(l, { content: "x", username: "Discord News" })).body.errors.username._errors[0].code).toBe("USERNAME_INVALID_CONTAINS");
    expect(l.messages).toHaveLength(0);
  });

  it("invalid JSON → 50109; a non-JSON content type → 50035", async () => {
    const l = await start();
    expect((await call(l, { method: "POST", body: "{nope", query: { wait: "true" } })).body).toEqual({ message: "The request body contains invalid JSON.", code: 50109 });
    expect((await call(l, { method: "POST", body: "content=x", contentType: "text/plain" })).body.code).toBe(50035);
  });

  it("threads: an unknown thread_id → 10003; a forum channel needs one → 220001", async () => {
    lb = await startDiscordLoopback({ webhooks: [DEFAULT_WEBHOOK, { ...DEFAULT_WEBHOOK, id: "223704706495545399", forum: true }] });
    const r = await execute(lb, { content: "x" }, { query: { thread_id: "999999999999999999" } });
    expect(r).toMatchObject({ status: 404, body: { message: "Unknown Channel", code: 10003 } });
    const forum = await execute(lb, { content: "x" }, { webhook: { id: "223704706495545399", token: DEFAULT_WEBHOOK.token } });
    expect(forum).toMatchObject({ status: 400, body: { code: 220001 } });
  });
});
