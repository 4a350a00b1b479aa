// Images in blocks, on both surfaces: what Slack takes is stored as sent; what it refuses is
// `invalid_blocks` (Web API: HTTP 200 with the errors; webhooks: 400 `invalid_blocks`) and nothing is stored.
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_BOT, startSlackLoopback, type SlackLoopback, type SlackLoopbackOptions } from "./server.js";

const open: SlackLoopback[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((lb) => lb.close()));
});
async function start(opts: SlackLoopbackOptions = {}): Promise<SlackLoopback> {
  const lb = await startSlackLoopback(opts);
  open.push(lb);
  return lb;
}

const URL_OK = "https://cdn.example.org/snow.jpg?w=1200&h=630";
const section = { type: "section", text: { type: "mrkdwn", text: "*Snow*" } };
const withAccessory = (image: Record<string, unknown>) => [{ ...section, accessory: { type: "image", ...image } }];
const withImageBlock = (image: Record<string, unknown>) => [section, { type: "image", ...image }];

/** Posts `blocks` through chat.postMessage or the default webhook; the answer as `{ok, error, errors}`. */
async function post(lb: SlackLoopback, surface: "chat.postMessage" | "webhook", blocks: unknown) {
  const body = JSON.stringify({ ...(surface === "webhook" ? {} : { channel: "C0NEWS0001" }), text: "Snow", blocks });
  if (surface === "webhook") {
    const res = await fetch(`${lb.url}${new URL(lb.webhookUrl()).pathname}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const text = await res.text();
    return { status: res.status, ok: text === "ok", error: text === "ok" ? undefined : text, errors: undefined as string[] | undefined };
  }
  const res = await fetch(`${lb.apiBase}/chat.postMessage`, { method: "POST", headers: { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${DEFAULT_BOT.token}` }, body });
  const json = (await res.json()) as { ok: boolean; error?: string; errors?: string[] };
  return { status: res.status, ok: json.ok, error: json.error, errors: json.errors };
}

const SURFACES = ["chat.postMessage", "webhook"] as const;

describe.each(SURFACES)("Slack loopback images via %s", (surface) => {
  it.each<[string, unknown]>([
    ["an image accessory", withAccessory({ image_url: URL_OK, alt_text: "Snow on the peaks" })],
    ["an image block after the section", withImageBlock({ image_url: URL_OK, alt_text: "Snow on the peaks", title: { type: "plain_text", text: "Almaty" } })],
    ["2,000-character alt text and a 3,000-character URL", withAccessory({ image_url: `https://e.org/${"a".repeat(3000 - 14)}`, alt_text: "é".repeat(2000) })],
  ])("takes %s and stores the blocks as sent", async (_name, blocks) => {
    const lb = await start();
    expect(await post(lb, surface, blocks)).toMatchObject({ status: 200, ok: true });
    expect(lb.messages).toEqual([expect.objectContaining({ channel: "C0NEWS0001", blocks, via: surface })]);
  });

  it.each<[string, unknown, string]>([
    ["accessory without alt_text", withAccessory({ image_url: URL_OK }), "missing required field: alt_text [json-pointer:/blocks/0/accessory]"],
    ["image block without alt_text", withImageBlock({ image_url: URL_OK }), "missing required field: alt_text [json-pointer:/blocks/1]"],
    ["accessory URL of 3,001 characters", withAccessory({ image_url: `https://e.org/${"a".repeat(3001 - 14)}`, alt_text: "a" }), "must be less than 3001 characters [json-pointer:/blocks/0/accessory/image_url]"],
    ["image block URL of 3,001 characters", withImageBlock({ image_url: `https://e.org/${"a".repeat(3001 - 14)}`, alt_text: "a" }), "must be less than 3001 characters [json-pointer:/blocks/1/image_url]"],
    ["alt_text of 2,001 characters", withImageBlock({ image_url: URL_OK, alt_text: "a".repeat(2001) }), "must be less than 2001 characters [json-pointer:/blocks/1/alt_text]"],
    ["an empty alt_text", withAccessory({ image_url: URL_OK, alt_text: "" }), "must be more than 0 characters [json-pointer:/blocks/0/accessory/alt_text]"],
    ["neither image_url nor slack_file", withAccessory({ alt_text: "a" }), "missing required field: image_url [json-pointer:/blocks/0/accessory]"],
    ["an ftp image_url", withImageBlock({ image_url: "ftp://e.org/a.png", alt_text: "a" }), "invalid_url [json-pointer:/blocks/1/image_url]"],
    ["a slack_file the workspace does not have", withImageBlock({ slack_file: { id: "F0123456" }, alt_text: "a" }), "invalid slack file [json-pointer:/blocks/1/slack_file]"],
    ["an image title over 2,000", withImageBlock({ image_url: URL_OK, alt_text: "a", title: { type: "plain_text", text: "t".repeat(2001) } }), "must be less than 2001 characters [json-pointer:/blocks/1/title/text]"],
    ["a button accessory (not modelled)", [{ ...section, accessory: { type: "button", text: { type: "plain_text", text: "b" } } }], "unsupported type: button [json-pointer:/blocks/0/accessory/type]"],
  ])("refuses %s: invalid_blocks, nothing stored", async (_name, blocks, error) => {
    const lb = await start();
    const r = await post(lb, surface, blocks);
    if (surface === "webhook") expect(r).toMatchObject({ status: 400, ok: false, error: "invalid_blocks" });
    else expect(r).toMatchObject({ status: 200, ok: false, error: "invalid_blocks", errors: [error] });
    expect(lb.messages).toHaveLength(0);
  });

  it("an image Slack cannot download: an image block fails the whole message, an accessory still posts", async () => {
    const lb = await start({ unreachableImage: (url) => url.includes("hotlink-protected") });
    const url = "https://hotlink-protected.example/a.webp";
    const block = await post(lb, surface, withImageBlock({ image_url: url, alt_text: "a" }));
    expect(block).toMatchObject({ ok: false, error: "invalid_blocks" });
    if (surface === "chat.postMessage") expect(block.errors).toEqual(["downloading image failed [json-pointer:/blocks/1/image_url]"]);
    expect(lb.messages).toHaveLength(0);
    expect(await post(lb, surface, withAccessory({ image_url: url, alt_text: "a" }))).toMatchObject({ status: 200, ok: true });
    expect(lb.messages).toHaveLength(1);
  });
});
