import { afterEach, describe, expect, it } from "vitest";
import { CHANNEL, GROUP, TOKEN, callJson, fakePng, loopbackPool, nastyBytes } from "./helpers.js";

const pool = loopbackPool();
afterEach(() => pool.closeAll());

describe("telegram loopback: happy paths", () => {
  it("getMe returns the bot User with the id taken from the token", async () => {
    const srv = await pool.start();
    const { status, body } = await callJson(srv, "getMe", {});
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.result).toMatchObject({ id: 123456, is_bot: true, first_name: expect.any(String), username: expect.stringMatching(/bot$/) });
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("sendMessage with HTML: plain text + entities with UTF-16 offsets (emoji, Cyrillic, CJK)", async () => {
    const srv = await pool.start();
    const html =
      '🎉 <b>Привет</b> мир — <i>日本語</i> <a href="https://example.com/a?b=1&amp;c=2">ссылка 🔗</a> &amp; &lt;tag&gt; &#128512;';
    const before = Math.floor(Date.now() / 1000);
    const { status, body } = await callJson(srv, "sendMessage", {
      chat_id: CHANNEL.id,
      text: html,
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      disable_notification: true,
    });
    expect(status).toBe(200);
    const msg = body.result;
    expect(msg.text).toBe("🎉 Привет мир — 日本語 ссылка 🔗 & <tag> 😀");
    expect(msg.entities).toEqual([
      { type: "bold", offset: 3, length: 6 },
      { type: "italic", offset: 16, length: 3 },
      { type: "text_link", offset: 20, length: 9, url: "https://example.com/a?b=1&c=2" },
    ]);
    for (const e of msg.entities as Array<{ offset: number; length: number }>) {
      expect(e.offset + e.length).toBeLessThanOrEqual((msg.text as string).length);
    }
    expect((msg.text as string).slice(20, 29)).toBe("ссылка 🔗");
    expect(msg.message_id).toBe(1);
    expect(msg.date).toBeGreaterThanOrEqual(before);
    expect(msg.date).toBeLessThan(before + 5); // Unix seconds, not milliseconds
    expect(msg.chat).toEqual({ id: CHANNEL.id, title: "Crier Test", username: "crier_test", type: "channel" });
    expect(msg.sender_chat).toEqual(msg.chat);
    expect(msg.link_preview_options).toEqual({ is_disabled: true });
    expect(srv.messages).toHaveLength(1);
    expect(srv.messages[0]).toMatchObject({ chatId: CHANNEL.id, messageId: 1, text: msg.text, entities: msg.entities, deleted: false });
    expect(srv.messages[0]?.linkPreviewOptions).toEqual({ is_disabled: true });
    expect(srv.requests[0]).toMatchObject({ method: "sendMessage", httpMethod: "POST", token: TOKEN, contentType: "application/json" });
  });

  it("message ids increase per chat; @channelusername and case-insensitive method names work", async () => {
    const srv = await pool.start();
    const a = await callJson(srv, "sendMessage", { chat_id: "@crier_test", text: "one" });
    const b = await callJson(srv, "SENDMESSAGE", { chat_id: String(CHANNEL.id), text: "two" });
    const c = await callJson(srv, "sendmessage", { chat_id: GROUP.id, text: "three" });
    expect([a.body.result.message_id, b.body.result.message_id, c.body.result.message_id]).toEqual([1, 2, 1]);
    expect(c.body.result.from).toMatchObject({ id: 123456, is_bot: true });
    expect(c.body.result.sender_chat).toBeUndefined();
  });

  it("accepts query-string, form-urlencoded and GET requests", async () => {
    const srv = await pool.start();
    const form = new URLSearchParams({ chat_id: String(CHANNEL.id), text: "<b>form</b>", parse_mode: "HTML", link_preview_options: '{"prefer_small_media":true,"url":"https://x.example/"}', protect_content: "true" });
    const r1 = await fetch(`${srv.url}/bot${TOKEN}/sendMessage`, { method: "POST", body: form });
    const b1 = (await r1.json()) as { result: { entities: unknown; link_preview_options: unknown; has_protected_content?: boolean } };
    expect(b1.result.has_protected_content).toBe(true);
    expect(b1.result.entities).toEqual([{ type: "bold", offset: 0, length: 4 }]);
    expect(b1.result.link_preview_options).toEqual({ url: "https://x.example/", prefer_small_media: true });
    const r2 = await fetch(`${srv.url}/bot${TOKEN}/sendMessage?chat_id=${CHANNEL.id}&text=query`);
    expect(((await r2.json()) as { result: { text: string } }).result.text).toBe("query");
    expect(srv.messages.map((m) => m.text)).toEqual(["form", "query"]);
  });

  it("deleteMessage returns true, then 'message to delete not found'", async () => {
    const srv = await pool.start();
    const sent = await callJson(srv, "sendMessage", { chat_id: CHANNEL.id, text: "bye" });
    const id = sent.body.result.message_id as number;
    expect((await callJson(srv, "deleteMessage", { chat_id: CHANNEL.id, message_id: id })).body).toEqual({ ok: true, result: true });
    expect(srv.messages[0]?.deleted).toBe(true);
    const again = await callJson(srv, "deleteMessage", { chat_id: CHANNEL.id, message_id: id });
    expect(again).toEqual({ status: 400, body: { ok: false, error_code: 400, description: "Bad Request: message to delete not found" } });
    const unknown = await callJson(srv, "deleteMessage", { chat_id: CHANNEL.id, message_id: 99 });
    expect(unknown.body.description).toBe("Bad Request: message to delete not found");
  });

  it("sendPhoto multipart: bytes arrive intact, caption parsed, PhotoSize returned; file_id and URL resend", async () => {
    const srv = await pool.start();
    const png = fakePng(640, 480, nastyBytes(70_000));
    const form = new FormData();
    form.set("chat_id", String(CHANNEL.id));
    form.set("caption", "<b>Фото</b> &amp; 📷");
    form.set("parse_mode", "HTML");
    form.set("photo", new Blob([png], { type: "image/png" }), "pic.png");
    const res = await fetch(`${srv.url}/bot${TOKEN}/sendPhoto`, { method: "POST", body: form });
    const body = (await res.json()) as { ok: boolean; result: Record<string, any> };
    expect(res.status).toBe(200);
    expect(body.result.caption).toBe("Фото & 📷");
    expect(body.result.caption_entities).toEqual([{ type: "bold", offset: 0, length: 4 }]);
    expect(body.result.photo).toEqual([
      { file_id: expect.any(String), file_unique_id: expect.any(String), width: 640, height: 480, file_size: png.length },
    ]);
    const stored = srv.messages[0];
    expect(stored?.photo?.bytes.equals(png)).toBe(true);
    expect(stored?.photo).toMatchObject({ width: 640, height: 480 });
    expect(stored?.raw.files.photo).toMatchObject({ filename: "pic.png", type: "image/png" });

    const again = await callJson(srv, "sendPhoto", { chat_id: CHANNEL.id, photo: body.result.photo[0].file_id });
    expect(again.body.result.photo[0]).toMatchObject({ width: 640, height: 480 });
    expect(srv.messages[1]?.photo?.bytes.equals(png)).toBe(true);
    const byUrl = await callJson(srv, "sendPhoto", { chat_id: CHANNEL.id, photo: "https://example.com/a.jpg" });
    expect(byUrl.status).toBe(200);
    const bogus = await callJson(srv, "sendPhoto", { chat_id: CHANNEL.id, photo: "not-a-file-id" });
    expect(bogus.body.description).toBe("Bad Request: wrong file identifier/HTTP URL specified");
  });

  it("parses telegraf-style multipart (no part Content-Type, no space after the colon)", async () => {
    const srv = await pool.start();
    const png = fakePng(10, 10, nastyBytes(300));
    const boundary = "b".repeat(64);
    const part = (headers: string, content: Buffer | string) => Buffer.concat([Buffer.from(`${headers}\r\n\r\n`), Buffer.from(content)]);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\n`),
      part('content-disposition:form-data; name="method"', "sendPhoto"),
      Buffer.from(`\r\n--${boundary}\r\n`),
      part('content-disposition:form-data; name="chat_id"', String(CHANNEL.id)),
      Buffer.from(`\r\n--${boundary}\r\n`),
      part('content-disposition:form-data; name="photo"; filename="photo.jpg"', png),
      Buffer.from(`\r\n--${boundary}--`),
    ]);
    const res = await fetch(`${srv.url}/bot${TOKEN}/sendPhoto`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(res.status).toBe(200);
    expect(srv.messages[0]?.photo?.bytes.equals(png)).toBe(true);
    // RFC 7578 §4.4: a part without Content-Type "defaults to text/plain" (as undici reads it).
    expect(srv.messages[0]?.raw.files.photo?.type).toBe("text/plain");
  });
});
