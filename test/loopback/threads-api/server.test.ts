// The loopback itself follows the reference (README.md): negative controls for each rule.
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { makeJpeg, startImageServer } from "../../support/image-server.js";
import { DEFAULT_USER, startThreadsLoopback, type ThreadsLoopback, type ThreadsLoopbackOptions } from "./server.js";

const TOKEN = DEFAULT_USER.token;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function start(opts: ThreadsLoopbackOptions = {}): Promise<ThreadsLoopback> {
  const lb = await startThreadsLoopback(opts);
  cleanup.push(() => lb.close());
  return lb;
}

type Answer = { status: number; body: Record<string, any> };
async function call(lb: ThreadsLoopback, method: string, path: string, params: Record<string, string> = {}, token: string | null = TOKEN): Promise<Answer> {
  const all = new URLSearchParams({ ...params, ...(token ? { access_token: token } : {}) });
  const url = method === "POST" ? `${lb.url}${path}` : `${lb.url}${path}?${all}`;
  const res = await fetch(url, method === "POST" ? { method, body: all } : { method });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
const create = (lb: ThreadsLoopback, params: Record<string, string>, token?: string) => call(lb, "POST", "/v1.0/me/threads", params, token);
const status = (lb: ThreadsLoopback, id: string) => call(lb, "GET", `/v1.0/${id}`, { fields: "status,error_message" });
const publish = (lb: ThreadsLoopback, id: string) => call(lb, "POST", "/v1.0/me/threads_publish", { creation_id: id });
const code = (a: Answer) => [a.status, a.body.error?.code, a.body.error?.error_subcode];

describe("Threads loopback: auth and versions", () => {
  it("refuses a missing or unknown token (190), an expired one (190/463), another version and another user", async () => {
    const lb = await start();
    expect(code(await call(lb, "GET", "/v1.0/me", {}, null))).toEqual([400, 190, undefined]);
    expect(code(await call(lb, "GET", "/v1.0/me", {}, "THnotAToken000000000000"))).toEqual([400, 190, undefined]);
    expect((await call(lb, "GET", "/v1.0/me", { fields: "id,username" })).body).toEqual({ id: DEFAULT_USER.id, username: "crier_news" });
    expect(code(await call(lb, "GET", "/v2.0/me"))).toEqual([400, 100, undefined]);
    expect(code(await call(lb, "POST", "/v1.0/42/threads", { media_type: "TEXT", text: "x" }))).toEqual([400, 100, 33]);
    expect((await call(lb, "POST", `/v1.0/${DEFAULT_USER.id}/threads`, { media_type: "TEXT", text: "x" })).status).toBe(200);
    lb.advance(60 * 86_400_000); // issued two days before start: 58 days left
    expect(code(await call(lb, "GET", "/v1.0/me"))).toEqual([400, 190, 463]);
  });

  it("needs threads_content_publish to post and threads_delete to delete (code 10)", async () => {
    const lb = await start({ users: [{ ...DEFAULT_USER, scopes: ["threads_basic"] }] });
    expect(code(await create(lb, { media_type: "TEXT", text: "x" }))).toEqual([400, 10, undefined]);
    expect(code(await call(lb, "DELETE", "/v1.0/123"))).toEqual([400, 10, undefined]);
    expect((await call(lb, "GET", "/v1.0/me")).status).toBe(200);
  });

  it("refreshes only tokens at least 24 hours old, for 60 days, with grant_type th_refresh_token", async () => {
    const lb = await start();
    const young = lb.issueToken(DEFAULT_USER.id, 23 * 3_600_000);
    expect(code(await call(lb, "GET", "/refresh_access_token", { grant_type: "th_refresh_token" }, young))).toEqual([400, 100, undefined]);
    expect(code(await call(lb, "GET", "/refresh_access_token", { grant_type: "ig_refresh_token" }))).toEqual([400, 100, undefined]);
    const fresh = await call(lb, "GET", "/refresh_access_token", { grant_type: "th_refresh_token" });
    expect(fresh.body).toMatchObject({ token_type: "bearer", expires_in: 5_184_000 });
    expect((await call(lb, "GET", "/v1.0/me", {}, fresh.body.access_token as string)).status).toBe(200);
    lb.advance(3_600_000); // an hour later the young token is 24 h old
    expect((await call(lb, "GET", "/refresh_access_token", { grant_type: "th_refresh_token" }, young)).status).toBe(200);
  });
});

describe("Threads loopback: containers", () => {
  it("counts 500 characters with emoji as UTF-8 bytes", async () => {
    const lb = await start();
    expect((await create(lb, { media_type: "TEXT", text: "👍".repeat(125) })).status).toBe(200); // 125 × 4 bytes
    expect(code(await create(lb, { media_type: "TEXT", text: "👍".repeat(126) }))).toEqual([400, 100, undefined]);
    expect((await create(lb, { media_type: "TEXT", text: "é".repeat(500) })).status).toBe(200); // a letter is one
    expect((await create(lb, { media_type: "TEXT", text: "东".repeat(500) })).status).toBe(200);
    expect(code(await create(lb, { media_type: "TEXT", text: "東".repeat(499) + "🇰🇿" }))).toEqual([400, 100, undefined]); // 499 + 8
  });

  it("allows five unique links, the attachment counted once when it is in the text", async () => {
    const lb = await start();
    const five = "https://a.example/1 https://a.example/2 www.b.example https://a.example/1 https://c.example https://d.example";
    expect((await create(lb, { media_type: "TEXT", text: five, link_attachment: "https://d.example" })).status).toBe(200);
    const six = await create(lb, { media_type: "TEXT", text: five, link_attachment: "https://e.example" });
    expect(code(six)).toEqual([400, 100, undefined]);
    expect(six.body.error.message).toBe("THREADS_API__LINK_LIMIT_EXCEEDED");
  });

  it("refuses link_attachment on IMAGE posts, and TEXT without text", async () => {
    const lb = await start();
    expect(code(await create(lb, { media_type: "IMAGE", image_url: "http://127.0.0.1:9/x.jpg", link_attachment: "https://a.example" }))).toEqual([400, 100, undefined]);
    expect(code(await create(lb, { media_type: "TEXT" }))).toEqual([400, 100, undefined]);
    expect(code(await create(lb, { media_type: "VIDEO", video_url: "https://a.example/v.mp4" }))).toEqual([400, 100, undefined]);
    expect(lb.containers.size).toBe(0);
  });

  it("IN_PROGRESS for the configured reads, then FINISHED; publishing too early is 24/4279009; once only", async () => {
    const lb = await start({ inProgressReads: 2 });
    const { id } = (await create(lb, { media_type: "TEXT", text: "hello", link_attachment: "https://news.example/a" })).body as { id: string };
    expect(code(await publish(lb, id))).toEqual([400, 24, 4279009]);
    expect((await status(lb, id)).body).toEqual({ id, status: "IN_PROGRESS" });
    expect((await status(lb, id)).body.status).toBe("IN_PROGRESS");
    expect((await status(lb, id)).body.status).toBe("FINISHED");
    const media = (await publish(lb, id)).body.id as string;
    expect(media).not.toBe(id);
    expect((await status(lb, id)).body.status).toBe("PUBLISHED");
    expect(code(await publish(lb, id))).toEqual([400, 100, undefined]);
    expect(lb.publishes).toEqual([{ container: id, media }]);
    const post = await call(lb, "GET", `/v1.0/${media}`, { fields: "permalink,text,link_attachment_url" });
    expect(post.body).toEqual({ id: media, permalink: expect.stringMatching(/^https:\/\/www\.threads\.com\/@crier_news\/post\/\w+$/), text: "hello", link_attachment_url: "https://news.example/a" });
    expect(code(await call(lb, "GET", `/v1.0/${media}`, { fields: "status" }))).toEqual([400, 100, undefined]);
    const list = await call(lb, "GET", "/v1.0/me/threads", { fields: "id,text,timestamp" });
    expect(list.body.data).toEqual([{ id: media, text: "hello", timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/) }]);
  });

  it("a container not published within 24 hours is EXPIRED and cannot be published", async () => {
    const lb = await start();
    const { id } = (await create(lb, { media_type: "TEXT", text: "late" })).body as { id: string };
    lb.advance(24 * 3_600_000 - 1);
    expect((await status(lb, id)).body.status).toBe("FINISHED");
    lb.advance(1);
    expect((await status(lb, id)).body.status).toBe("EXPIRED");
    expect(code(await publish(lb, id))).toEqual([400, 100, undefined]);
  });

  it("fetches image_url over HTTP: JPEG/PNG within 10:1 finish, the rest end in ERROR", async () => {
    const wide = await sharp({ create: { width: 1100, height: 100, channels: 3, background: "#369" } }).png().toBuffer();
    const gif = await sharp({ create: { width: 400, height: 400, channels: 3, background: "#963" } }).gif().toBuffer();
    const images = await startImageServer({ "/ok.jpg": { type: "image/jpeg", body: await makeJpeg(200, 1000) }, "/wide.png": { type: "image/png", body: wide }, "/a.gif": { type: "image/gif", body: gif } });
    cleanup.push(() => images.close());
    const lb = await start();
    const result = async (path: string) => {
      const { id } = (await create(lb, { media_type: "IMAGE", image_url: `${images.url}${path}`, alt_text: "alt", text: "t" })).body as { id: string };
      return (await status(lb, id)).body;
    };
    expect(await result("/ok.jpg")).toMatchObject({ status: "FINISHED" });
    expect(await result("/wide.png")).toMatchObject({ status: "ERROR", error_message: "INVALID_ASPEC_RATIO" });
    expect(await result("/a.gif")).toMatchObject({ status: "ERROR", error_message: "UNKNOWN" });
    expect(await result("/missing.jpg")).toMatchObject({ status: "ERROR", error_message: "UNKNOWN" });
    expect(images.hits).toEqual(["/ok.jpg", "/wide.png", "/a.gif", "/missing.jpg"]);
    expect(lb.imageFetches[0]).toMatchObject({ status: 200, format: "jpeg", width: 200, height: 1000 });
    expect(code(await create(lb, { media_type: "IMAGE", image_url: `${images.url}/ok.jpg`, alt_text: "a".repeat(1001) }))).toEqual([400, 100, undefined]);
  });
});

describe("Threads loopback: quotas and delete", () => {
  it("counts publishes in a 24-hour moving window, readable from threads_publishing_limit", async () => {
    const lb = await start({ publishQuota: 2 });
    const limit = async () => (await call(lb, "GET", "/v1.0/me/threads_publishing_limit", { fields: "quota_usage,config" })).body;
    expect(await limit()).toEqual({ data: [{ quota_usage: 0, config: { quota_total: 2, quota_duration: 86_400 } }] });
    const ids: string[] = [];
    for (const text of ["a", "b", "c"]) ids.push((await create(lb, { media_type: "TEXT", text })).body.id as string);
    expect((await publish(lb, ids[0] ?? "")).status).toBe(200);
    lb.advance(3_600_000);
    expect((await publish(lb, ids[1] ?? "")).status).toBe(200);
    expect(code(await publish(lb, ids[2] ?? ""))).toEqual([400, 4, undefined]);
    expect((await limit()).data[0].quota_usage).toBe(2);
    lb.advance(23 * 3_600_000); // the first publish leaves the window
    expect((await limit()).data[0].quota_usage).toBe(1);
    expect((await status(lb, ids[2] ?? "")).body.status).toBe("EXPIRED"); // made 24 hours ago
    expect((await publish(lb, (await create(lb, { media_type: "TEXT", text: "c" })).body.id as string)).status).toBe(200);
  });

  it("deletes the user's own posts, within the daily delete quota", async () => {
    const lb = await start({ deleteQuota: 1 });
    const media: string[] = [];
    for (const text of ["a", "b"]) media.push((await publish(lb, (await create(lb, { media_type: "TEXT", text })).body.id as string)).body.id as string);
    expect((await call(lb, "DELETE", `/v1.0/${media[0]}`)).body).toEqual({ success: true, deleted_id: media[0] });
    expect(code(await call(lb, "DELETE", `/v1.0/${media[0]}`))).toEqual([400, 100, 33]);
    expect(code(await call(lb, "DELETE", `/v1.0/${media[1]}`))).toEqual([400, 4, undefined]);
    expect(lb.posts.map((p) => p.deleted)).toEqual([true, false]);
  });
});
