// Second opinion: the third-party emulator `telegram-test-api`, started on 127.0.0.1.
// Documents its API shape next to ours: it accepts a plain-text sendMessage with {ok:true}, but it
// skips HTML parsing and length checks, and its Message.date is in milliseconds.
import { afterEach, describe, expect, it } from "vitest";
import { startTelegramTestApi, type TelegramTestApi } from "./third-party.js";

let api: TelegramTestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const sendMessage = async (t: TelegramTestApi, params: Record<string, unknown>) => {
  const res = await fetch(`${t.apiRoot}/bot${t.token}/sendMessage`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; result: Record<string, unknown> } };
};

describe("telegram-test-api (third-party emulator)", () => {
  it("accepts a plain-text sendMessage over real HTTP on 127.0.0.1 and exposes it via its client API", async () => {
    api = await startTelegramTestApi();
    expect(api.apiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const before = Date.now();
    const { status, body } = await sendMessage(api, { chat_id: api.chatId, text: "hello from crier" });
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.result).toMatchObject({ message_id: expect.any(Number), text: "hello from crier", chat: { id: api.chatId } });
    expect(body.result.date).toBeGreaterThanOrEqual(before); // milliseconds, unlike the real API's Unix seconds
    const sent = await api.sentMessages();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ text: "hello from crier", chat_id: api.chatId });
  });

  it("does not parse HTML nor enforce the 4096 limit (why Crier also needs ./server.ts)", async () => {
    api = await startTelegramTestApi();
    const html = await sendMessage(api, { chat_id: api.chatId, text: "<b>x</b> & <div>", parse_mode: "HTML" });
    expect(html.body.ok).toBe(true);
    expect(html.body.result.text).toBe("<b>x</b> & <div>");
    expect(html.body.result.entities).toBeUndefined();
    const long = await sendMessage(api, { chat_id: api.chatId, text: "a".repeat(5000) });
    expect(long.body.ok).toBe(true);
  });
});
