// Negative controls: every documented refusal answers with the Bot API error envelope and the
// matching HTTP status, and nothing is stored.
import { afterEach, describe, expect, it } from "vitest";
import { CHANNEL, GROUP, TOKEN, callJson, fakePng, loopbackPool } from "./helpers.js";

const pool = loopbackPool();
afterEach(() => pool.closeAll());

const bad = (description: string) => ({ status: 400, body: { ok: false, error_code: 400, description } });
const send = (srv: Awaited<ReturnType<typeof pool.start>>, params: Record<string, unknown>) =>
  callJson(srv, "sendMessage", { chat_id: CHANNEL.id, parse_mode: "HTML", ...params });

describe("telegram loopback: refusals", () => {
  it("wrong token → 401 Unauthorized; unknown method or path → 404 Not Found", async () => {
    const srv = await pool.start();
    expect(await callJson(srv, "getMe", {}, "999:WRONG")).toEqual({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });
    expect(await callJson(srv, "sendMessage", { chat_id: CHANNEL.id, text: "x" }, "999:WRONG")).toMatchObject({ status: 401 });
    expect(await callJson(srv, "sendSticker", {})).toEqual({ status: 404, body: { ok: false, error_code: 404, description: "Not Found" } });
    const res = await fetch(`${srv.url}/nothing-here`);
    expect(res.status).toBe(404);
    expect(srv.messages).toHaveLength(0);
    expect(srv.requests).toHaveLength(4);
  });

  it("missing chat_id, missing text, unknown chat", async () => {
    const srv = await pool.start();
    expect(await callJson(srv, "sendMessage", { text: "hi" })).toEqual(bad("Bad Request: chat_id is empty"));
    expect(await callJson(srv, "sendMessage", { chat_id: CHANNEL.id })).toEqual(bad("Bad Request: message text is empty"));
    expect(await callJson(srv, "sendMessage", { chat_id: CHANNEL.id, text: "" })).toEqual(bad("Bad Request: message text is empty"));
    expect(await callJson(srv, "sendMessage", { chat_id: 42, text: "hi" })).toEqual(bad("Bad Request: chat not found"));
    expect(await callJson(srv, "sendMessage", { chat_id: "@nobody", text: "hi" })).toEqual(bad("Bad Request: chat not found"));
    expect(await callJson(srv, "sendPhoto", { chat_id: CHANNEL.id })).toEqual(bad("Bad Request: there is no photo in the request"));
    expect(await callJson(srv, "deleteMessage", { chat_id: CHANNEL.id })).toEqual(bad("Bad Request: message identifier is not specified"));
    expect(srv.messages).toHaveLength(0);
  });

  it("HTML that can't be parsed: unsupported tag, bare '&', '<' and '>', unbalanced tags", async () => {
    const srv = await pool.start();
    const prefix = "Bad Request: can't parse entities: ";
    const cases: Array<[string, string]> = [
      ["<div>x</div>", 'Unsupported start tag "div" at byte offset 0'],
      ["привет <br>", 'Unsupported start tag "br" at byte offset 13'],
      ["Tom & Jerry", "Character entity expected at byte offset 4"],
      ["&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'],
      ["a < b", 'Unsupported start tag "" at byte offset 2'],
      ["a > b", 'Character ">" must be replaced with "&gt;" at byte offset 2'],
      ["x <b", "Unclosed start tag at byte offset 2"],
      ["<b>bold", `Can't find end tag corresponding to start tag "b"`],
      ["<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
      ["x</b>", "Unexpected end tag at byte offset 1"],
      ['<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ];
    for (const [text, reason] of cases) {
      expect(await send(srv, { text }), text).toEqual(bad(prefix + reason));
    }
    expect(srv.messages).toHaveLength(0);
  });

  it("text length is counted after entity parsing, in UTF-16 code units", async () => {
    const srv = await pool.start();
    const tooLong = bad("Bad Request: message is too long");
    expect(await send(srv, { text: "a".repeat(4097) })).toEqual(tooLong);
    expect(await send(srv, { text: "&amp;".repeat(4097) })).toEqual(tooLong);
    expect(await send(srv, { text: `${"😀".repeat(2048)}a` })).toEqual(tooLong); // 4097 UTF-16 units
    expect(await send(srv, { text: "<b>x</b>".repeat(4097) })).toEqual(tooLong);
    expect(srv.messages).toHaveLength(0);

    const wrapped = await send(srv, { text: `<b>${"a".repeat(4096)}</b>` }); // raw 4103 chars
    expect(wrapped.status).toBe(200);
    expect(wrapped.body.result.entities).toEqual([{ type: "bold", offset: 0, length: 4096 }]);
    const amps = await send(srv, { text: "&amp;".repeat(4096) }); // each &amp; counts as 1
    expect(amps.body.result.text).toBe("&".repeat(4096));
    expect((await send(srv, { text: "😀".repeat(2048) })).status).toBe(200);
    expect(srv.messages.map((m) => m.text?.length)).toEqual([4096, 4096, 4096]);
    expect(await send(srv, { text: "<b></b>" })).toEqual(bad("Bad Request: message text is empty"));
  });

  it("caption is limited to 1024 UTF-16 units after parsing", async () => {
    const srv = await pool.start();
    const photo = async (caption: string) => {
      const form = new FormData();
      form.set("chat_id", String(GROUP.id));
      form.set("caption", caption);
      form.set("parse_mode", "HTML");
      form.set("photo", new Blob([fakePng(100, 100)]), "a.png");
      const res = await fetch(`${srv.url}/bot${TOKEN}/sendPhoto`, { method: "POST", body: form });
      return { status: res.status, body: (await res.json()) as { description?: string } };
    };
    expect(await photo("&lt;".repeat(1025))).toMatchObject({ status: 400, body: { description: "Bad Request: message caption is too long" } });
    expect((await photo(`<i>${"я".repeat(1024)}</i>`)).status).toBe(200);
    expect(srv.messages).toHaveLength(1);
  });

  it("photo uploads must be images within the documented dimensions", async () => {
    const srv = await pool.start();
    const upload = async (bytes: Buffer) => {
      const form = new FormData();
      form.set("chat_id", String(GROUP.id));
      form.set("photo", new Blob([bytes]), "a.png");
      const res = await fetch(`${srv.url}/bot${TOKEN}/sendPhoto`, { method: "POST", body: form });
      return ((await res.json()) as { description?: string }).description;
    };
    expect(await upload(Buffer.from("definitely not an image"))).toBe("Bad Request: IMAGE_PROCESS_FAILED");
    expect(await upload(fakePng(9000, 1001))).toBe("Bad Request: PHOTO_INVALID_DIMENSIONS"); // sum > 10000
    expect(await upload(fakePng(2100, 100))).toBe("Bad Request: PHOTO_INVALID_DIMENSIONS"); // ratio > 20
    expect(srv.messages).toHaveLength(0);
  });

  it("deleteMessage: only messages sent less than 48 hours ago can be deleted", async () => {
    let now = Date.now();
    const srv = await pool.start({ now: () => now });
    const sent = await callJson(srv, "sendMessage", { chat_id: CHANNEL.id, text: "old" });
    now += 48 * 3_600_000;
    const del = await callJson(srv, "deleteMessage", { chat_id: CHANNEL.id, message_id: sent.body.result.message_id });
    expect(del).toEqual(bad("Bad Request: message can't be deleted"));
    expect(srv.messages[0]?.deleted).toBe(false);
  });

  it("parse_mode and link_preview_options are validated", async () => {
    const srv = await pool.start();
    expect(await send(srv, { text: "x", parse_mode: "BBCode" })).toEqual(bad("Bad Request: unsupported parse_mode"));
    expect(await send(srv, { text: "x", link_preview_options: "{nope" })).toEqual(bad("Bad Request: can't parse link preview options JSON object"));
    expect(await send(srv, { text: "x", link_preview_options: [1] })).toEqual(bad("Bad Request: object expected as link preview options"));
    expect(await send(srv, { text: "x", link_preview_options: { is_disabled: "yes" } })).toEqual(
      bad('Bad Request: can\'t parse link preview options: field "is_disabled" must be of type Boolean'),
    );
    expect(srv.messages).toHaveLength(0);
    // MarkdownV2 is a documented mode the loopback does not parse: kept verbatim, no entities.
    const md = await send(srv, { text: "*bold*", parse_mode: "MarkdownV2" });
    expect(md.body.result).toMatchObject({ text: "*bold*" });
    expect(md.body.result.entities).toBeUndefined();
  });
});
