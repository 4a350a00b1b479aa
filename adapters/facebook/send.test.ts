// The adapter against its loopback Graph API over real HTTP: what the server received and in what
// form, the failures end to end, the rate limits with their headers.
import { afterEach, describe, expect, it } from "vitest";
import type { ConnectDeps, Connection, SendContext } from "../../src/core/index.js";
import { closedPort } from "../../test/loopback/harness.js";
import { DEFAULT_APP, DEFAULT_PAGE, DEFAULT_PAGE_TOKEN, ERRORS, PAGE_SCOPES, proofFor, startFacebookGraphApi, type FacebookGraphLoopback, type FacebookGraphOptions } from "../../test/loopback/facebook-graph-api/server.js";
import { makeJpeg, startImageServer, type ImageServer } from "../../test/support/image-server.js";
import { facebookAdapter, type FacebookPayload } from "./index.js";

const TOKEN = DEFAULT_PAGE_TOKEN.token;
const PAGE = DEFAULT_PAGE.id;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function open(opts: FacebookGraphOptions = {}, cfg: Record<string, unknown> = {}): Promise<{ lb: FacebookGraphLoopback; conn: Connection<FacebookPayload> }> {
  const lb = await startFacebookGraphApi(opts);
  cleanup.push(() => lb.close());
  const conn = await facebookAdapter.connect(facebookAdapter.config.parse({ pageId: PAGE, pageAccessToken: TOKEN, apiBase: lb.url, ...cfg }), {} as ConnectDeps);
  cleanup.push(() => conn.close());
  return { lb, conn };
}
const ctx = (signal: AbortSignal = AbortSignal.timeout(5_000)): SendContext => ({ deliveryId: 1, idempotencyKey: "k", queuedAt: 0, signal });
const kindOf = (p: Promise<unknown>) => p.then(() => "sent", (err: unknown) => facebookAdapter.classify(err).kind);
const LINK = "https://news.example.org/2026/12/06/story";
const linkPost: FacebookPayload = { feed: { message: "A story\n\nA summary.", link: LINK } };

describe("link posts", () => {
  it("POST /v26.0/{page}/feed with message, link and the token in the form body, never the URL", async () => {
    const { lb, conn } = await open();
    const sent = await conn.send(linkPost, ctx());
    const req = lb.requests.at(-1);
    expect(req).toMatchObject({ method: "POST", path: `/v26.0/${PAGE}/feed`, search: "", status: 200 });
    expect(req?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(req?.form).toEqual({ message: linkPost.feed.message, link: LINK, access_token: TOKEN });
    expect(lb.posts).toEqual([expect.objectContaining({ id: sent.remoteId, message: linkPost.feed.message, link: LINK, published: true })]);
    expect(sent).toEqual({ remoteId: expect.stringMatching(new RegExp(`^${PAGE}_\\d+$`)), remoteUrl: `https://www.facebook.com/${sent.remoteId}` });
  });

  it("a post with an empty message sends the link alone", async () => {
    const { lb, conn } = await open();
    await conn.send({ feed: { message: "", link: LINK } }, ctx());
    expect(lb.requests.at(-1)?.form).toEqual({ link: LINK, access_token: TOKEN });
  });

  it("with appId and appSecret every call carries appsecret_proof; an app that requires it refuses calls without", async () => {
    const apps = [{ ...DEFAULT_APP, requireProof: true }];
    const { lb, conn } = await open({ apps }, { appId: DEFAULT_APP.id, appSecret: DEFAULT_APP.secret });
    await conn.send(linkPost, ctx());
    expect(lb.requests.at(-1)?.form?.appsecret_proof).toBe(proofFor(TOKEN, DEFAULT_APP.secret));
    const { conn: without } = await open({ apps });
    const refused = await without.send(linkPost, ctx()).catch((err: unknown) => facebookAdapter.classify(err));
    expect(refused).toMatchObject({ kind: "auth", message: expect.stringContaining("appsecret_proof") });
  });
});

describe("photo posts", () => {
  let images: ImageServer;
  const withImages = async () => {
    images = await startImageServer({ "/a.jpg": { type: "image/jpeg", body: await makeJpeg(64, 48) }, "/page.html": { type: "text/html", body: "<html></html>" } });
    cleanup.push(() => images.close());
    return images;
  };
  const photoPost = (url: string): FacebookPayload => ({ feed: linkPost.feed, photo: { url, caption: `A story\n\n${LINK}`, altText: "A river at dusk" } });

  it("POST /photos with url, caption and alt_text_custom; Facebook fetches the image; the remote id is the Page post", async () => {
    const { url } = await withImages();
    const { lb, conn } = await open();
    const sent = await conn.send(photoPost(`${url}/a.jpg`), ctx());
    expect(lb.requests.at(-1)?.form).toEqual({ url: `${url}/a.jpg`, caption: `A story\n\n${LINK}`, alt_text_custom: "A river at dusk", access_token: TOKEN });
    expect(images.hits).toEqual(["/a.jpg"]);
    expect(lb.photos).toEqual([expect.objectContaining({ postId: sent.remoteId, caption: `A story\n\n${LINK}`, altText: "A river at dusk", type: "image/jpeg" })]);
    expect(lb.posts).toHaveLength(1);
    expect(sent.remoteUrl).toBe(`https://www.facebook.com/${sent.remoteId}`);
    expect(sent.note).toBeUndefined();
  });

  it("an image Facebook cannot use (324) was not posted: the link post goes instead, with a note", async () => {
    const { url } = await withImages();
    const { lb, conn } = await open();
    const sent = await conn.send(photoPost(`${url}/page.html`), ctx());
    expect(lb.requests.map((r) => [r.path, r.status])).toEqual([[`/v26.0/${PAGE}/photos`, 400], [`/v26.0/${PAGE}/feed`, 200]]);
    expect(lb.photos).toEqual([]);
    expect(lb.posts).toEqual([expect.objectContaining({ id: sent.remoteId, link: LINK })]);
    expect(sent.note).toMatch(/^image refused by Facebook \(HTTP 400, code 324, \(#324\) Missing or invalid image file/);
  });

  it("a photo answer that proves nothing (code 2, is_transient) is an unknown outcome: no link post follows", async () => {
    const { url } = await withImages();
    const { lb, conn } = await open();
    lb.failAfterCreate(ERRORS.service());
    expect(await kindOf(conn.send(photoPost(`${url}/a.jpg`), ctx()))).toBe("unknown-outcome");
    expect(lb.posts).toHaveLength(1); // it was posted: a blind retry would double it
    expect(lb.requests.filter((r) => r.path.endsWith("/feed"))).toEqual([]);
  });
});

describe("failures end to end", () => {
  it.each([
    ["an unknown token → auth", { pageAccessToken: "EAAnotAKnownToken0123456789" }, {}, "auth"],
    ["a token without pages_manage_posts → destination-broken", {}, { tokens: [{ ...DEFAULT_PAGE_TOKEN, scopes: ["pages_show_list", "pages_read_engagement"] }] }, "destination-broken"],
    ["a pageId the token cannot post to → destination-broken (100/33)", { pageId: "999999999999999" }, {}, "destination-broken"],
    ["a version Graph never had → destination-broken (2500)", { apiVersion: "v99.0" }, {}, "destination-broken"],
    ["an expired token (463) → auth", {}, { tokens: [{ ...DEFAULT_PAGE_TOKEN, expiresAt: 1_700_000_000 }] }, "auth"],
    ["a token from a user without a Page role any more (492) → auth", {}, { tokens: [{ ...DEFAULT_PAGE_TOKEN, invalidated: 492 }] }, "auth"],
    ["a link Facebook cannot scrape (1609005) → transient", {}, { unscrapable: () => true }, "transient"],
  ] as const)("%s", async (_n, cfg, opts, kind) => {
    const { lb, conn } = await open(opts as FacebookGraphOptions, cfg);
    expect(await kindOf(conn.send(linkPost, ctx()))).toBe(kind);
    expect(lb.posts).toEqual([]);
  });

  it("the same post twice in a row → duplicate (506): counted as sent, not posted again", async () => {
    const { lb, conn } = await open();
    await conn.send(linkPost, ctx());
    expect(await kindOf(conn.send(linkPost, ctx()))).toBe("duplicate");
    expect(lb.posts).toHaveLength(1);
  });

  it("a policy block (368) waits a day", async () => {
    const { lb, conn } = await open();
    lb.block(PAGE, Date.now() + 3_600_000);
    const e = await conn.send(linkPost, ctx()).catch((err: unknown) => facebookAdapter.classify(err));
    expect(e).toMatchObject({ kind: "rate-limited", waitMs: 24 * 3_600_000 });
  });

  it("a retired version is served by Graph as another: the post goes, the header says which", async () => {
    const { lb, conn } = await open({ now: () => Date.parse("2026-12-06T12:00:00Z") }, { apiVersion: "v20.0" });
    await conn.send(linkPost, ctx());
    expect(lb.served.at(-1)).toEqual({ path: `/v20.0/${PAGE}/feed`, requested: "v20.0", served: "v21.0" });
  });

  it("the answer lost after the post was made → unknown-outcome, and the post exists", async () => {
    const { lb, conn } = await open({ onRequest: (r) => (r.method === "POST" ? { kind: "destroy-after" } : undefined) });
    expect(await kindOf(conn.send(linkPost, ctx()))).toBe("unknown-outcome");
    expect(lb.posts).toHaveLength(1);
  });

  it("a 2xx without a post id → unknown-outcome (Facebook made something)", async () => {
    const { conn } = await open({ onRequest: (r) => (r.method === "POST" ? { kind: "status", status: 200, body: { success: true } } : undefined) });
    const e = await conn.send(linkPost, ctx()).catch((err: unknown) => facebookAdapter.classify(err));
    expect(e).toMatchObject({ kind: "unknown-outcome", message: expect.stringContaining("probably exists") });
  });

  it("an abort while Facebook holds the answer → unknown-outcome; nothing listening → transient", async () => {
    const { conn } = await open({ onRequest: (r) => (r.method === "POST" ? { kind: "hang-after" } : undefined) });
    expect(await kindOf(conn.send(linkPost, ctx(AbortSignal.timeout(300))))).toBe("unknown-outcome");
    const dead = await facebookAdapter.connect(facebookAdapter.config.parse({ pageId: PAGE, pageAccessToken: TOKEN, apiBase: `http://127.0.0.1:${await closedPort()}` }), {} as ConnectDeps);
    cleanup.push(() => dead.close());
    expect(await kindOf(dead.send(linkPost, ctx()))).toBe("transient");
  });
});

describe("rate limits", () => {
  // The headers on each answer are checked in the server's own tests (the harness records requests, not answers).
  it("the Page's BUC limit: 80001 with the wait from X-Business-Use-Case-Usage, in minutes", async () => {
    const { lb, conn } = await open({ pageCallsPerDay: 2 });
    await conn.send(linkPost, ctx());
    await conn.send({ feed: { message: "second", link: LINK } }, ctx());
    const e = await conn.send({ feed: { message: "third", link: LINK } }, ctx()).catch((err: unknown) => facebookAdapter.classify(err));
    expect(e).toMatchObject({ kind: "rate-limited", scope: "destination", waitMs: 24 * 60 * 60_000, message: expect.stringContaining("as estimated_time_to_regain_access says") });
    expect(lb.posts).toHaveLength(2);
  });
});

describe("delete (crier unpost)", () => {
  it("DELETE /{post-id} with the token in the query removes the post; a second delete is refused", async () => {
    const { lb, conn } = await open();
    const sent = await conn.send(linkPost, ctx());
    await conn.delete?.(sent.remoteId, AbortSignal.timeout(5_000));
    expect(lb.requests.at(-1)).toMatchObject({ method: "DELETE", path: `/v26.0/${sent.remoteId}`, query: { access_token: TOKEN }, status: 200 });
    expect(lb.posts).toEqual([]);
    const again = await conn.delete?.(sent.remoteId, AbortSignal.timeout(5_000)).catch((err: unknown) => facebookAdapter.classify(err));
    expect(again).toMatchObject({ kind: "rejected", message: expect.stringContaining("no such post") });
  });

  it("a photo post is deleted by its Page post id, photo and all", async () => {
    const images = await startImageServer({ "/a.jpg": { type: "image/jpeg", body: await makeJpeg(32, 32) } });
    cleanup.push(() => images.close());
    const { lb, conn } = await open();
    const sent = await conn.send({ feed: linkPost.feed, photo: { url: `${images.url}/a.jpg`, caption: "c" } }, ctx());
    await conn.delete?.(sent.remoteId, AbortSignal.timeout(5_000));
    expect([lb.posts, lb.photos]).toEqual([[], []]);
  });
});

it("the Page scopes the loopback grants are the ones the README asks for", () => {
  expect([...PAGE_SCOPES].sort()).toEqual(["pages_manage_posts", "pages_read_engagement", "pages_show_list"]);
});
