import { afterEach, describe, expect, it } from "vitest";
import { parseMultipart } from "./media.js";
import { startXLoopback, type XLoopback } from "./server.js";
import { ALICE, BOB, INVALID_REQUEST, baseOptions, call, multipart } from "./testing.js";

let lb: XLoopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});
async function start(): Promise<XLoopback> {
  lb = await startXLoopback(baseOptions());
  return lb;
}

const init = (l: XLoopback, json: unknown, user = ALICE) =>
  call(l, "/2/media/upload/initialize", { method: "POST", json, user });
function append(l: XLoopback, id: string, index: number, bytes: Buffer, user = ALICE) {
  const mp = multipart([
    { name: "segment_index", value: String(index) },
    { name: "media", value: bytes, filename: "blob" },
  ]);
  return call(l, `/2/media/upload/${id}/append`, { method: "POST", body: mp.body, contentType: mp.contentType, user });
}
const finalize = (l: XLoopback, id: string, user = ALICE) =>
  call(l, `/2/media/upload/${id}/finalize`, { method: "POST", user });

describe("media upload v2", () => {
  it("initialize → append ×2 → finalize → post with the media id", async () => {
    const l = await start();
    const png = Buffer.from("\x89PNG\r\n\x1a\n" + "x".repeat(100), "latin1");
    const i = await init(l, { media_type: "image/png", total_bytes: png.length, media_category: "tweet_image" });
    expect(i.status).toBe(200);
    const id = i.body.data.id as string;
    expect(id).toMatch(/^[0-9]{1,19}$/);
    expect(i.body.data).toEqual({ id, media_key: `3_${id}`, expires_after_secs: 86400 });
    expect(i.headers.get("x-rate-limit-limit")).not.toBeNull();

    const a1 = await append(l, id, 0, png.subarray(0, 50));
    expect(a1.status).toBe(200);
    expect(a1.body.data.expires_at).toBeGreaterThan(Date.now() / 1000);
    expect((await append(l, id, 1, png.subarray(50))).status).toBe(200);

    const f = await finalize(l, id);
    expect(f.status).toBe(200);
    expect(f.body).toEqual({ data: { id, media_key: `3_${id}`, size: png.length, expires_after_secs: 86400 } });
    expect(l.media).toEqual([{ id, userId: ALICE.id, mediaType: "image/png", totalBytes: png.length, bytes: png, finalized: true }]);

    const s = await call(l, "/2/media/upload", { query: { command: "STATUS", media_id: id } });
    expect(s.body.data.processing_info.state).toBe("succeeded");

    const t = await call(l, "/2/tweets", { method: "POST", json: { text: "pic", media: { media_ids: [id] } } });
    expect(t.status).toBe(201);
    expect(l.tweets[0]?.mediaIds).toEqual([id]);
    // media alone (no text) is a valid post too
    expect((await call(l, "/2/tweets", { method: "POST", json: { media: { media_ids: [id] } } })).status).toBe(201);
  });

  it("accepts a JSON append with base64 media (the documented JSON example)", async () => {
    const l = await start();
    const id = (await init(l, { media_type: "image/jpeg", total_bytes: 4 })).body.data.id as string;
    const r = await call(l, `/2/media/upload/${id}/append`, {
      method: "POST",
      json: { media: Buffer.from([1, 2, 3, 4]).toString("base64"), segment_index: 0 },
    });
    expect(r.status).toBe(200);
    expect((await finalize(l, id)).status).toBe(200);
    expect(l.media[0]?.bytes).toEqual(Buffer.from([1, 2, 3, 4]));
  });

  it("refuses posts with unfinalized, foreign or unknown media ids", async () => {
    const l = await start();
    const mine = (await init(l, { media_type: "image/png", total_bytes: 3 })).body.data.id as string;
    await append(l, mine, 0, Buffer.from("abc"));
    for (const ids of [[mine], ["123"]]) {
      const r = await call(l, "/2/tweets", { method: "POST", json: { text: "x", media: { media_ids: ids } } });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ ...INVALID_REQUEST, errors: [{ parameters: { "media.media_ids": ids }, message: "Your media IDs are invalid." }] });
    }
    expect((await finalize(l, mine)).status).toBe(200);
    const bob = await call(l, "/2/tweets", { method: "POST", user: BOB, json: { text: "x", media: { media_ids: [mine] } } });
    expect(bob.status).toBe(400);
    expect(l.tweets).toHaveLength(0);
  });

  it("checks total_bytes against the appended bytes", async () => {
    const l = await start();
    const id = (await init(l, { media_type: "image/png", total_bytes: 10 })).body.data.id as string;
    await append(l, id, 0, Buffer.alloc(4));
    const short = await finalize(l, id);
    expect(short.status).toBe(400);
    expect(short.body.errors[0].message).toBe("Segments do not add up to provided total file size.");
    expect((await append(l, id, 1, Buffer.alloc(7))).status).toBe(400); // 11 > 10
    expect((await append(l, id, 1, Buffer.alloc(6))).status).toBe(200);
    expect((await finalize(l, id)).status).toBe(200);
    expect((await append(l, id, 2, Buffer.alloc(1))).status).toBe(400); // already finalized
  });

  it("enforces the 5 MB image limit and validates the initialize body", async () => {
    const l = await start();
    const big = await init(l, { media_type: "image/jpeg", total_bytes: 5 * 1024 * 1024 + 1 });
    expect(big.status).toBe(400);
    expect(big.body).toMatchObject(INVALID_REQUEST);
    expect((await init(l, { media_type: "image/jpeg", total_bytes: 5 * 1024 * 1024 })).status).toBe(200);
    expect((await init(l, { media_type: "image/gif", total_bytes: 15 * 1024 * 1024 })).status).toBe(200);
    expect((await init(l, { media_type: "application/pdf", total_bytes: 1 })).status).toBe(400);
    expect((await init(l, { media_type: "image/png" })).status).toBe(400);
    expect((await init(l, { media_type: "image/png", total_bytes: 1, command: "INIT" })).status).toBe(400);
  });

  it("media belongs to its uploader", async () => {
    const l = await start();
    const id = (await init(l, { media_type: "image/png", total_bytes: 1 })).body.data.id as string;
    expect((await append(l, id, 0, Buffer.from("z"), BOB)).status).toBe(400);
    expect((await finalize(l, id, BOB)).status).toBe(400);
    expect((await append(l, id, 0, Buffer.from("z"))).status).toBe(200);
  });

  it("unsigned upload requests are refused", async () => {
    const l = await start();
    expect((await call(l, "/2/media/upload/initialize", { method: "POST", json: { media_type: "image/png", total_bytes: 1 }, user: null })).status).toBe(401);
    expect(l.media).toHaveLength(0);
  });
});

describe("parseMultipart", () => {
  it("parses binary parts and base64 transfer encoding", () => {
    const bin = Buffer.from([0, 13, 10, 45, 45, 255]);
    const mp = multipart([{ name: "media", value: bin }, { name: "segment_index", value: "7" }]);
    expect(parseMultipart(mp.body, mp.contentType)).toEqual([
      { name: "media", contentType: "application/octet-stream", data: bin },
      { name: "segment_index", data: Buffer.from("7") },
    ]);
    const b64 = Buffer.from(
      "--b\r\nContent-Disposition: form-data; name=\"media\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAQID\r\n--b--\r\n",
    );
    expect(parseMultipart(b64, "multipart/form-data; boundary=b")?.[0]?.data).toEqual(Buffer.from([1, 2, 3]));
    expect(parseMultipart(Buffer.from("garbage"), "multipart/form-data; boundary=b")).toBeUndefined();
  });
});
