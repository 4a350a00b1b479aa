import { afterEach, describe, expect, it } from "vitest";
import { startXLoopback, type XLoopback } from "./server.js";
import { BOB, INVALID_REQUEST, baseOptions, call } from "./testing.js";

let lb: XLoopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

async function uploaded(): Promise<{ l: XLoopback; id: string }> {
  lb = await startXLoopback(baseOptions());
  const init = await call(lb, "/2/media/upload/initialize", { method: "POST", json: { media_type: "image/png", total_bytes: 1 } });
  return { l: lb, id: init.body.data.id as string };
}
const metadata = (l: XLoopback, json: unknown, user?: typeof BOB) => call(l, "/2/media/metadata", { method: "POST", json, ...(user ? { user } : {}) });

describe("POST /2/media/metadata", () => {
  it("stores the alt text and echoes the metadata", async () => {
    const { l, id } = await uploaded();
    const r = await metadata(l, { id, metadata: { alt_text: { text: "A dancing cat 🐈" } } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { id, associated_metadata: { alt_text: { text: "A dancing cat 🐈" } } } });
    expect(l.media[0]?.altText).toBe("A dancing cat 🐈");
    expect(r.headers.get("x-rate-limit-limit")).not.toBeNull();
  });

  it("takes 1000 characters of alt text (code points), not 1001", async () => {
    const { l, id } = await uploaded();
    expect((await metadata(l, { id, metadata: { alt_text: { text: "😀".repeat(1000) } } })).status).toBe(200);
    const long = await metadata(l, { id, metadata: { alt_text: { text: "a".repeat(1001) } } });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject(INVALID_REQUEST);
  });

  it.each<[string, (id: string) => unknown]>([
    ["an unknown top-level member", (id) => ({ id, media_id: id })],
    ["a missing id", () => ({ metadata: {} })],
    ["a non-numeric id", () => ({ id: "abc" })],
    ["an undocumented metadata member", (id) => ({ id, metadata: { caption: { text: "x" } } })],
    ["alt_text without text", (id) => ({ id, metadata: { alt_text: {} } })],
    ["alt_text.text not a string", (id) => ({ id, metadata: { alt_text: { text: 5 } } })],
    ["an unknown media id", () => ({ id: "123", metadata: { alt_text: { text: "x" } } })],
  ])("refuses %s with 400", async (_name, body) => {
    const { l, id } = await uploaded();
    const r = await metadata(l, body(id));
    expect(r.status).toBe(400);
    expect(l.media[0]?.altText).toBeUndefined();
  });

  it("refuses another user's media", async () => {
    const { l, id } = await uploaded();
    expect((await metadata(l, { id, metadata: { alt_text: { text: "x" } } }, BOB)).status).toBe(400);
  });
});
