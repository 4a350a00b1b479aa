// Page posts on the loopback: feed and photo posts, their validation, reading them back, deleting.
import { afterEach, describe, expect, it } from "vitest";
import { makeJpeg, startImageServer } from "../../support/image-server.js";
import { ERRORS } from "./errors.js";
import { MESSAGE_LIMIT, PHOTO_MAX_BYTES } from "./posts.js";
import { DEFAULT_PAGE, DEFAULT_PAGE_TOKEN, startFacebookGraphApi, type FacebookGraphOptions, type GraphToken, type ImageFetch } from "./server.js";

const PAGE = DEFAULT_PAGE.id;
const TOKEN = DEFAULT_PAGE_TOKEN.token;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function graphApi(opts: FacebookGraphOptions = {}) {
  const lb = await startFacebookGraphApi(opts);
  cleanup.push(() => lb.close());
  const call = async (method: string, path: string, params: Record<string, string> = {}, body?: FormData): Promise<{ status: number; body: Record<string, any> }> => {
    const all = { access_token: TOKEN, ...params };
    const query = method === "POST" ? "" : `?${new URLSearchParams(all)}`;
    const res = await fetch(`${lb.url}${path}${query}`, { method, ...(method === "POST" ? { body: body ?? new URLSearchParams(all) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  return { lb, call };
}
const code = (r: { body: Record<string, any> }) => r.body.error?.code as number | undefined;
const feed = (message?: string, link?: string) => ({ ...(message !== undefined ? { message } : {}), ...(link !== undefined ? { link } : {}) });

describe("POST /{page-id}/feed (Page Posts guide)", () => {
  it("stores message and link and answers { id: page_post_id }, readable after the write", async () => {
    const { lb, call } = await graphApi();
    const r = await call("POST", `/v26.0/${PAGE}/feed`, feed("Hello", "https://news.example.org/a"));
    expect(r.body).toEqual({ id: expect.stringMatching(new RegExp(`^${PAGE}_\\d+$`)) });
    expect(lb.posts[0]).toMatchObject({ id: r.body.id, message: "Hello", link: "https://news.example.org/a", published: true, version: "v26.0" });
    expect((await call("GET", `/v26.0/${r.body.id}`)).body).toEqual({ created_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/), message: "Hello", link: "https://news.example.org/a", id: r.body.id });
    await call("POST", `/v26.0/${PAGE}/feed`, feed("Second"));
    expect((await call("GET", `/v26.0/${PAGE}/feed`)).body.data.map((p: { message: string }) => p.message)).toEqual(["Second", "Hello"]);
  });

  it.each([
    ["neither message nor link → 100", feed(), 100],
    ["a link that is no URL → 100", feed("x", "not a url"), 100],
    ["a message over 63,206 UTF-16 units → 100 (unconfirmed)", feed("😀".repeat(MESSAGE_LIMIT / 2 + 1)), 100],
  ])("%s", async (_n, params, want) => {
    const { lb, call } = await graphApi();
    expect(code(await call("POST", `/v26.0/${PAGE}/feed`, params))).toBe(want);
    expect(lb.posts).toEqual([]);
  });

  it("takes exactly 63,206 units", async () => {
    const { call } = await graphApi();
    expect((await call("POST", `/v26.0/${PAGE}/feed`, feed("x".repeat(MESSAGE_LIMIT)))).status).toBe(200);
  });

  it("refuses the same post twice in a row (506), not once something else came between", async () => {
    const { call } = await graphApi();
    const post = feed("Same", "https://news.example.org/a");
    expect((await call("POST", `/v26.0/${PAGE}/feed`, post)).status).toBe(200);
    expect(code(await call("POST", `/v26.0/${PAGE}/feed`, post))).toBe(506);
    await call("POST", `/v26.0/${PAGE}/feed`, feed("Other"));
    expect((await call("POST", `/v26.0/${PAGE}/feed`, post)).status).toBe(200);
  });

  it("1609005 for a link it cannot scrape; 368 while the Page is blocked, not after", async () => {
    let t = Date.parse("2026-12-06T12:00:00Z");
    const { lb, call } = await graphApi({ unscrapable: (l) => l.includes("paywall"), now: () => t });
    expect(code(await call("POST", `/v26.0/${PAGE}/feed`, feed("x", "https://news.example.org/paywall")))).toBe(1609005);
    lb.block(PAGE, t + 60_000);
    expect(code(await call("POST", `/v26.0/${PAGE}/feed`, feed("x")))).toBe(368);
    t += 60_001;
    expect((await call("POST", `/v26.0/${PAGE}/feed`, feed("x"))).status).toBe(200);
  });

  it.each([
    ["without pages_manage_posts → 200", { scopes: ["pages_show_list", "pages_read_engagement"] }, 200],
    ["a Page token of another Page → 100/33", { pageId: "999" }, 100],
  ])("a token %s", async (_n, over, want) => {
    const { call } = await graphApi({ tokens: [{ ...DEFAULT_PAGE_TOKEN, ...over } as GraphToken] });
    expect(code(await call("POST", `/v26.0/${PAGE}/feed`, feed("x")))).toBe(want);
  });

  it("failAfterCreate: the post exists, the answer says code 2 is_transient", async () => {
    const { lb, call } = await graphApi();
    lb.failAfterCreate(ERRORS.service());
    const r = await call("POST", `/v26.0/${PAGE}/feed`, feed("x"));
    expect([r.status, r.body.error.code, r.body.error.is_transient]).toEqual([500, 2, true]);
    expect(lb.posts).toHaveLength(1);
  });
});

describe("POST /{page-id}/photos (Page Posts guide; Photo reference)", () => {
  it("fetches `url`, stores caption and alt_text_custom, answers { id, post_id }", async () => {
    const images = await startImageServer({ "/a.jpg": { type: "image/jpeg", body: await makeJpeg(40, 30) } });
    cleanup.push(() => images.close());
    const { lb, call } = await graphApi();
    const r = await call("POST", `/v26.0/${PAGE}/photos`, { url: `${images.url}/a.jpg`, caption: "Cap", alt_text_custom: "Alt" });
    expect(r.body).toEqual({ id: lb.photos[0]?.id, post_id: lb.posts[0]?.id });
    expect(lb.photos[0]).toMatchObject({ url: `${images.url}/a.jpg`, caption: "Cap", altText: "Alt", type: "image/jpeg" });
    expect(lb.posts[0]).toMatchObject({ message: "Cap", photoId: lb.photos[0]?.id });
  });

  it("takes a multipart `source`, and `message` as caption's deprecated alias", async () => {
    const { lb, call } = await graphApi();
    const form = new FormData();
    form.set("access_token", TOKEN);
    form.set("message", "Old style");
    form.set("source", new Blob([await makeJpeg(8, 8)], { type: "image/jpeg" }), "a.jpg");
    expect((await call("POST", `/v26.0/${PAGE}/photos`, {}, form)).status).toBe(200);
    expect(lb.photos[0]).toMatchObject({ caption: "Old style", type: "image/jpeg" });
  });

  const none = async (): Promise<ImageFetch | null> => null;
  const gives = (bytes: Buffer, type: string) => async (): Promise<ImageFetch | null> => ({ bytes, type });
  it.each([
    ["an image it cannot fetch → 324", none, { url: "https://img.example/x.jpg" }, 324],
    ["not an image → 324", gives(Buffer.from("<html>"), "text/html"), { url: "https://img.example/x" }, 324],
    ["10 MB or more → 100 (code unconfirmed)", gives(Buffer.alloc(PHOTO_MAX_BYTES), "image/jpeg"), { url: "https://img.example/big.jpg" }, 100],
    ["no url and no source → 324", none, {}, 324],
    ["a url that is no URL → 100", none, { url: "x.jpg" }, 100],
  ] as const)("%s", async (_n, fetchImage, params, want) => {
    const { lb, call } = await graphApi({ fetchImage });
    expect(code(await call("POST", `/v26.0/${PAGE}/photos`, params))).toBe(want);
    expect([lb.posts, lb.photos]).toEqual([[], []]);
  });
});

describe("GET /{page-id} and DELETE /{page_post_id}", () => {
  it("reads the Page's requested fields; refuses one it does not have", async () => {
    const { call } = await graphApi();
    expect((await call("GET", `/v26.0/${PAGE}`, { fields: "name" })).body).toEqual({ name: DEFAULT_PAGE.name });
    expect((await call("GET", `/v26.0/${PAGE}`)).body).toEqual({ id: PAGE, name: DEFAULT_PAGE.name });
    expect(code(await call("GET", `/v26.0/${PAGE}`, { fields: "id,constructor" }))).toBe(100);
  });

  it("a Page token without pages_read_engagement cannot read the Page (10)", async () => {
    const { call } = await graphApi({ tokens: [{ ...DEFAULT_PAGE_TOKEN, scopes: ["pages_manage_posts"] }] });
    expect(code(await call("GET", `/v26.0/${PAGE}`))).toBe(10);
  });

  it("deletes once ({ success: true }); then the post does not exist (100/33)", async () => {
    const { lb, call } = await graphApi();
    const { body } = await call("POST", `/v26.0/${PAGE}/feed`, feed("x"));
    expect((await call("DELETE", `/v26.0/${body.id}`)).body).toEqual({ success: true });
    expect(lb.posts).toEqual([]);
    const again = await call("DELETE", `/v26.0/${body.id}`);
    expect(again.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect(code(await call("GET", `/v26.0/${body.id}`))).toBe(100);
  });
});
