// send and delete against the LinkedIn loopback, over real HTTP.
import { afterEach, describe, expect, it } from "vitest";
import { closedPort } from "../../test/loopback/harness.js";
import { DEFAULT_TOKEN, PAGE } from "../../test/loopback/linkedin-api/server.js";
import type { FeedItem } from "../../src/core/index.js";
import { PERSON, clock, open, outcome, sendContext, type Opened } from "./fixtures/loopback.js";
import { JPEG } from "./fixtures/replay.js";
import { linkedinAdapter } from "./index.js";

const item: FeedItem = {
  feedId: "courier", guid: "1", link: "https://news.example/2026/12/budget_(vote)", title: "Budget vote (live)", summary: "What is at stake: 5 > 3 & #1 [update] ~ *now*",
  author: "Desk", categories: ["Local news"], imageUrl: JPEG.url, publishedAt: null,
};
let opened: Opened | undefined;
afterEach(async () => opened?.close());
const start = async (...args: Parameters<typeof open>) => (opened = await open(...args));
const renderFor = (o: Opened, it = item) => linkedinAdapter.render(it, o.cfg, o.conn.limits, { template: linkedinAdapter.defaultTemplate, maxHashtags: 3, link: it.link, image: { url: JPEG.url, alt: JPEG.alt } });

describe("an article post with its thumbnail", () => {
  it("initializeUpload, PUT of the bytes with the token, then POST /rest/posts naming the image; the post stored whole", async () => {
    const o = await start();
    const { payload } = renderFor(o);
    const saved: string[] = [];
    const sent = await o.conn.send(payload, sendContext(saved, { image: JPEG }));
    const [init, put, create] = o.lb.h.requests;
    expect(init).toMatchObject({ method: "POST", path: "/rest/images", query: { action: "initializeUpload" }, json: { initializeUploadRequest: { owner: PERSON } } });
    expect(put).toMatchObject({ method: "PUT", route: "/dms-uploads/:key/uploaded-image/0" });
    expect(put?.headers).toMatchObject({ authorization: `Bearer ${DEFAULT_TOKEN}`, "content-type": "image/jpeg" });
    expect(put?.body.equals(JPEG.bytes)).toBe(true);
    const image = [...o.lb.content.images.values()][0];
    expect(saved).toEqual([image?.urn]);
    for (const call of [init, create]) expect(call?.headers).toMatchObject({ authorization: `Bearer ${DEFAULT_TOKEN}`, "linkedin-version": "202609", "x-restli-protocol-version": "2.0.0" });
    expect(create?.json).toEqual({ ...payload, content: { article: { ...payload.content?.article, thumbnail: image?.urn } } });
    const post = o.lb.posts()[0];
    expect(sent).toEqual({ remoteId: post?.urn, remoteUrl: `https://www.linkedin.com/feed/update/${post?.urn}/` });
    expect(post?.stored).toMatchObject({ text: `${item.summary}\n\n#LocalNews`, cutAt: null, hashtags: ["LocalNews"] });
    expect(post?.article).toMatchObject({ source: item.link, title: item.title, thumbnail: image?.urn, thumbnailStatus: "AVAILABLE" });
  });

  it("a retry resumes from the checkpoint: one upload, one post", async () => {
    const o = await start();
    const { payload } = renderFor(o);
    const saved: string[] = [];
    o.lb.h.inject({ kind: "status", status: 503, body: { message: "Service Unavailable", status: 503 } }, { match: (r) => r.path === "/rest/posts" });
    expect(await outcome(o.conn.send(payload, sendContext(saved, { image: JPEG })))).toMatchObject({ kind: "unknown-outcome" });
    expect(saved).toHaveLength(1);
    await o.conn.send(payload, sendContext(saved, { image: JPEG }));
    expect(o.lb.content.images.size).toBe(1);
    expect(o.lb.h.requests.filter((r) => r.route === "/dms-uploads/:key/uploaded-image/0")).toHaveLength(1);
    expect(o.lb.posts().map((p) => p.article?.thumbnail)).toEqual([saved[0]]);
  });

  it("thumbnail failures come before any post, as the image stage: a 5xx upload is retried, a refusal is final", async () => {
    const o = await start();
    const { payload } = renderFor(o);
    o.lb.h.inject({ kind: "status", status: 500, body: "" }, { match: (r) => r.method === "PUT" });
    expect(await outcome(o.conn.send(payload, sendContext([], { image: JPEG })))).toMatchObject({ kind: "transient", stage: "image" });
    o.lb.h.inject({ kind: "status", status: 400, body: { status: 400, message: "owner is invalid" } }, { match: (r) => r.path === "/rest/images" });
    expect(await outcome(o.conn.send(payload, sendContext([], { image: JPEG })))).toMatchObject({ kind: "rejected", stage: "image" });
    o.lb.h.inject({ kind: "status", status: 200, body: { value: { uploadUrl: "https://uploads.evil.example/x", image: "urn:li:image:X" } } }, { match: (r) => r.path === "/rest/images" });
    expect(await outcome(o.conn.send(payload, sendContext([], { image: JPEG })))).toMatchObject({ kind: "rejected", stage: "image", detail: expect.stringContaining("uploads.evil.example") });
    expect(o.lb.posts()).toEqual([]);
  });
});

describe("LinkedIn's refusals", () => {
  it("a retired LinkedIn-Version → destination-broken, telling which version to set", async () => {
    const o = await start({ linkedinVersion: "202504" });
    expect(await outcome(o.conn.send(renderFor(o).payload, sendContext([])))).toMatchObject({ kind: "destination-broken", message: expect.stringContaining("set linkedinVersion to 202609") });
  });

  it("a page: posted as the organization when the member has a role; otherwise destination-broken", async () => {
    const o = await start({ author: `urn:li:organization:${PAGE.id}` }, { organizations: [PAGE] });
    await o.conn.send(renderFor(o).payload, sendContext([], { image: JPEG }));
    expect(o.lb.posts()[0]?.author).toBe(`urn:li:organization:${PAGE.id}`);
    expect([...o.lb.content.images.values()][0]?.owner).toBe(`urn:li:organization:${PAGE.id}`);
    o.lb.accounts.organizations.splice(0, 1, { ...PAGE, admins: [] }); // the member loses the role
    expect(await outcome(o.conn.send(renderFor(o, { ...item, summary: "other" }).payload, sendContext([])))).toMatchObject({ kind: "destination-broken" });
  });

  it("the same post again → duplicate (counted as sent); the member's daily limit → rate-limited until 00:00 UTC of LinkedIn's clock", async () => {
    const c = clock(Date.parse("2026-12-06T21:00:00Z"));
    const o = await start({}, { now: c.now, dailyPosts: 2 });
    const { payload } = renderFor(o);
    await o.conn.send(payload, sendContext([]));
    expect(await outcome(o.conn.send(payload, sendContext([])))).toMatchObject({ kind: "duplicate" });
    expect(await outcome(o.conn.send({ ...payload, commentary: "another" }, sendContext([])))).toMatchObject({
      kind: "rate-limited", retryAt: Date.parse("2026-12-07T00:00:00Z"), waitMs: 3 * 3_600_000,
    });
  });

  it("the answer lost after LinkedIn took the post → unknown-outcome; nothing listening or an aborted send → transient", async () => {
    const o = await start();
    o.lb.h.inject({ kind: "destroy-after" }, { match: (r) => r.path === "/rest/posts" });
    expect(await outcome(o.conn.send(renderFor(o).payload, sendContext([])))).toMatchObject({ kind: "unknown-outcome" });
    expect(o.lb.posts()).toHaveLength(1);
    expect(await outcome(o.conn.send(renderFor(o).payload, sendContext([], { signal: AbortSignal.abort() })))).toMatchObject({ kind: "transient" });
    const dead = await open({ apiBase: `http://127.0.0.1:${await closedPort()}` });
    await dead.lb.close();
    expect(await outcome(dead.conn.send(renderFor(o).payload, sendContext([])))).toMatchObject({ kind: "transient" });
    await dead.conn.close();
  });
});

describe("delete", () => {
  it("DELETE /rest/posts/{encoded urn} with X-RestLi-Method: DELETE; repeatable", async () => {
    const o = await start();
    const sent = await o.conn.send(renderFor(o).payload, sendContext([]));
    await o.conn.delete?.(sent.remoteId, AbortSignal.timeout(5_000));
    await o.conn.delete?.(sent.remoteId, AbortSignal.timeout(5_000));
    const deletes = o.lb.h.requests.filter((r) => r.method === "DELETE");
    expect(deletes.map((r) => [r.path, r.headers["x-restli-method"], r.status])).toEqual([
      [`/rest/posts/${encodeURIComponent(sent.remoteId)}`, "DELETE", 204], [`/rest/posts/${encodeURIComponent(sent.remoteId)}`, "DELETE", 204],
    ]);
    expect(o.lb.posts()).toEqual([]);
  });
});
