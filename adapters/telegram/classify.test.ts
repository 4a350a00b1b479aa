import { readFileSync } from "node:fs";
import { TelegramError } from "telegraf";
import { describe, expect, it } from "vitest";
import type { DeliveryErrorKind } from "../../src/core/index.js";
import { PHOTO_REFUSED_400, photoRefusal, redactToken } from "./classify.js";
import { telegramAdapter } from "./index.js";

// The adapter's whole classification: Telegram's answers (classify.ts), then the kit's network half.
const classifyTelegram = (err: unknown) => telegramAdapter.classify(err);

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8")) as Record<string, unknown>;

/** As telegraf throws it: `new TelegramError(body, { method, payload })` (lib/core/network/client.js). */
const apiError = (name: string) =>
  new TelegramError(fixture(name) as unknown as ConstructorParameters<typeof TelegramError>[0], { method: "sendMessage", payload: {} });

/** A recorded node-fetch error rebuilt with the same fields. */
function networkError(name: string): Error {
  const { recorded: _recorded, message, ...fields } = fixture(`network/${name}`);
  return Object.assign(new Error(String(message)), fields);
}

describe("classifyTelegram: recorded Bot API answers", () => {
  it.each<[string, DeliveryErrorKind]>([
    ["401-unauthorized", "auth"],
    ["404-not-found", "auth"],
    ["403-bot-kicked-channel", "destination-broken"],
    ["403-bot-kicked-supergroup", "destination-broken"],
    ["403-bot-kicked-group", "destination-broken"],
    ["403-bot-blocked", "destination-broken"],
    ["403-not-member-channel", "destination-broken"],
    ["403-not-member-supergroup", "destination-broken"],
    ["403-cant-initiate", "destination-broken"],
    ["400-chat-not-found", "destination-broken"],
    ["400-need-admin-rights", "destination-broken"],
    ["400-not-enough-rights", "destination-broken"],
    ["400-no-rights", "destination-broken"],
    ["400-group-upgraded", "destination-broken"],
    ["400-cant-parse-entities", "rejected"],
    ["400-message-too-long", "rejected"],
    ["400-message-text-empty", "rejected"],
    ["400-message-to-delete-not-found", "rejected"],
    ["413-request-entity-too-large", "rejected"],
    ["400-photo-invalid-dimensions", "rejected"],
    ["400-image-process-failed", "rejected"],
    ["400-wrong-file-identifier", "rejected"],
    ["400-no-photo-in-request", "rejected"],
    ["400-file-too-big", "rejected"],
    ["400-file-must-be-non-empty", "rejected"],
    ["500-internal-server-error", "unknown-outcome"],
    ["502-bad-gateway", "unknown-outcome"],
  ])("%s -> %s", (name, kind) => {
    const result = classifyTelegram(apiError(name));
    expect(result.kind).toBe(kind);
    const body = fixture(name);
    expect(result.detail).toBe(`${String(body.error_code)} ${String(body.description)}`);
  });

  it("429 waits retry_after seconds, for the destination", () => {
    expect(classifyTelegram(apiError("429-too-many-requests"))).toMatchObject({ kind: "rate-limited", waitMs: 35_000, scope: "destination" });
  });

  it("429 without parameters falls back to the number in the description", () => {
    const err = new TelegramError({ error_code: 429, description: "Too Many Requests: retry after 7" });
    expect(classifyTelegram(err)).toMatchObject({ kind: "rate-limited", waitMs: 7_000 });
  });

  it("names the new chat id when a group became a supergroup", () => {
    expect(classifyTelegram(apiError("400-group-upgraded")).message).toContain("-1001234567890");
  });

  it("tells the operator what to do", () => {
    expect(classifyTelegram(apiError("403-bot-kicked-channel")).message).toMatch(/add it back as an administrator/);
    expect(classifyTelegram(apiError("401-unauthorized")).message).toMatch(/botToken/);
  });
});

describe("classifyTelegram: recorded network failures (node-fetch 2 under telegraf)", () => {
  it.each<[string, DeliveryErrorKind]>([
    ["econnrefused", "transient"],
    ["enotfound", "transient"],
    ["eai-again", "transient"],
    ["abort", "unknown-outcome"],
    ["socket-hang-up", "unknown-outcome"],
    ["premature-close", "unknown-outcome"],
    ["invalid-json", "unknown-outcome"],
  ])("%s -> %s", (name, kind) => {
    const result = classifyTelegram(networkError(name));
    expect(result.kind).toBe(kind);
    expect(JSON.stringify(result)).not.toContain("FAKE-TOKEN");
  });

  it.each<[string, unknown, DeliveryErrorKind]>([
    ["a DOMException timeout", new DOMException("The operation was aborted due to timeout", "TimeoutError"), "unknown-outcome"],
    ["an undici-style cause", Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }), "transient"],
    ["a plain string", "boom", "unknown-outcome"],
    ["null", null, "unknown-outcome"],
    ["undefined", undefined, "unknown-outcome"],
    ["an object without a prototype", Object.create(null), "unknown-outcome"],
    ["an error whose response is not an API error", Object.assign(new Error("x"), { response: { status: 500 } }), "unknown-outcome"],
  ])("%s -> %s, never throws", (_label, err, kind) => {
    expect(classifyTelegram(err).kind).toBe(kind);
  });
});

describe("photoRefusal: the photo, not the post, was refused (send falls back to a text message)", () => {
  const PHOTO_FIXTURES = [
    "400-photo-invalid-dimensions", "400-image-process-failed", "400-wrong-file-identifier",
    "400-no-photo-in-request", "400-file-too-big", "400-file-must-be-non-empty",
  ];

  it.each(PHOTO_FIXTURES)("%s is a photo refusal", (name) => {
    const body = fixture(name);
    expect(photoRefusal(apiError(name))).toBe(`400 ${String(body.description)} (${PHOTO_REFUSED_400[String(body.description)]})`);
  });

  it("every matched string has its recorded fixture", () => {
    expect(Object.keys(PHOTO_REFUSED_400).sort()).toEqual(PHOTO_FIXTURES.map((n) => String(fixture(n).description)).sort());
  });

  it.each(["400-chat-not-found", "400-cant-parse-entities", "403-bot-kicked-channel", "429-too-many-requests", "500-internal-server-error"])("%s is not", (name) => {
    expect(photoRefusal(apiError(name))).toBeUndefined();
  });

  it.each([undefined, null, "PHOTO_INVALID_DIMENSIONS", new Error("Bad Request: PHOTO_INVALID_DIMENSIONS")])("%s is not", (err) => {
    expect(photoRefusal(err)).toBeUndefined();
  });
});

describe("redactToken", () => {
  it.each([
    ["http://h/bot123456:AAH-x_y/sendMessage", "http://h/bot[REDACTED]/sendMessage"],
    ["http://h/bot123:[REDACTED]/getMe", "http://h/bot123:[REDACTED]/getMe"],
    ["no token here", "no token here"],
  ])("%s", (input, output) => expect(redactToken(input)).toBe(output));
});
