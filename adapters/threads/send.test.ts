// send against the Threads loopback over real HTTP: what Threads received, in what form, and the
// two-step flow across attempts (checkpoint, IN_PROGRESS, EXPIRED, ERROR, a lost answer).
import { afterEach, describe, expect, it } from "vitest";
import sharp from "sharp";
import { makeJpeg, startImageServer } from "../../test/support/image-server.js";
import type { AttachedImage } from "../../src/core/index.js";
import { threadsAdapter } from "./index.js";
import { textDigest } from "./send.js";
import { DEFAULT_TOKEN, Delivery, TEXT_PAYLOAD, kindOf, openLoopback, type Opened } from "./fixtures/session.js";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
const open = async (...args: Parameters<typeof openLoopback>): Promise<Opened> => {
  const o = await openLoopback(...args);
  cleanup.push(o.close);
  return o;
};
const image = (publicUrl?: string): AttachedImage => ({ bytes: Buffer.alloc(1), mime: "image/jpeg", width: 800, height: 600, alt: "The new park", url: "https://news.example.org/a.jpg", ...(publicUrl ? { publicUrl } : {}) });
const routesOf = (o: Opened) => o.lb.requests.map((r) => `${r.method} ${r.route}`);

describe("send: a post in two steps", () => {
  it("a text post: TEXT container with link_attachment, checkpoint saved before publishing, one publish, the permalink", async () => {
    const o = await open();
    const d = new Delivery(o.lb);
    const sent = await o.conn.send(TEXT_PAYLOAD, d.ctx());
    const create = o.lb.requests.find((r) => r.route === "/:version/:user/threads");
    expect(create?.form).toEqual({ media_type: "TEXT", text: TEXT_PAYLOAD.text, link_attachment: TEXT_PAYLOAD.link, access_token: DEFAULT_TOKEN });
    expect(create?.path).toBe("/v1.0/me/threads");
    expect(routesOf(o)).toEqual(["GET /:version/:user/threads_publishing_limit", "POST /:version/:user/threads", "GET /:version/:id", "POST /:version/:user/threads_publish", "GET /:version/:id"]);
    const [container] = [...o.lb.containers.keys()];
    const made = { container, type: "TEXT", at: expect.any(Number), text: textDigest(TEXT_PAYLOAD.text) };
    expect(d.saved.map((s) => ({ ...s, value: JSON.parse(s.value) }))).toEqual([{ value: made, publishedBefore: 0 }, { value: { ...made, media: sent.remoteId }, publishedBefore: 1 }]);
    expect(d.saved.every((s) => s.value.length < 200)).toBe(true); // a digest of the text, not the text
    expect(o.lb.publishes).toEqual([{ container, media: sent.remoteId }]);
    expect(sent.remoteUrl).toBe(o.lb.posts[0]?.permalink);
    expect(o.lb.requests.every((r) => !r.search.includes("access_token") || r.method !== "POST")).toBe(true); // POSTs carry the token in the body
  });

  it("an image post: Threads fetches the public URL over HTTP; IMAGE with alt_text, no link_attachment, the link in the text", async () => {
    const images = await startImageServer({ "/fitted/abc.jpg": { type: "image/jpeg", body: await makeJpeg(800, 600) } });
    cleanup.push(() => images.close());
    const o = await open();
    const payload = { ...TEXT_PAYLOAD, mediaType: "IMAGE" as const };
    const sent = await o.conn.send(payload, new Delivery(o.lb).ctx({ image: image(`${images.url}/fitted/abc.jpg`) }));
    expect(images.hits).toEqual(["/fitted/abc.jpg"]);
    expect(o.lb.imageFetches[0]).toMatchObject({ status: 200, format: "jpeg", width: 800, height: 600 });
    expect(o.lb.requests.find((r) => r.route === "/:version/:user/threads")?.form).toEqual({ media_type: "IMAGE", image_url: `${images.url}/fitted/abc.jpg`, text: payload.text, alt_text: "The new park", access_token: DEFAULT_TOKEN });
    expect(o.lb.posts[0]).toMatchObject({ id: sent.remoteId, mediaType: "IMAGE", text: payload.text });
  });

  it("an image payload without a public URL goes as a text post with a note; postAs image refuses instead", async () => {
    const o = await open();
    const sent = await o.conn.send({ ...TEXT_PAYLOAD, mediaType: "IMAGE" }, new Delivery(o.lb).ctx({ image: image() }));
    expect(sent.note).toMatch(/text post/);
    expect(o.lb.posts[0]).toMatchObject({ mediaType: "TEXT_POST", linkAttachment: TEXT_PAYLOAD.link });
    const strict = await open({}, { postAs: "image" });
    expect(await kindOf(strict.conn.send({ ...TEXT_PAYLOAD, mediaType: "IMAGE" }, new Delivery(strict.lb).ctx()))).toBe("rejected");
    expect(strict.lb.containers.size).toBe(0);
  });
});

describe("send: across attempts of one delivery", () => {
  it("IN_PROGRESS across sends: not ready twice, then the same container published once", async () => {
    const o = await open({ inProgressReads: 2 });
    const d = new Delivery(o.lb);
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, d.ctx()))).toBe("processing");
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, d.ctx()))).toBe("processing");
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, d.ctx()))).toBe("sent");
    expect([o.lb.containers.size, o.lb.publishes.length, o.lb.posts.length]).toEqual([1, 1, 1]);
  });

  it("resumes from the checkpoint after dying between container and publish: exactly one publish", async () => {
    const o = await open();
    const d = new Delivery(o.lb);
    const dying = new AbortController();
    const ctx = d.ctx({ signal: dying.signal });
    const save = ctx.saveCheckpoint;
    ctx.saveCheckpoint = async (v) => (await save?.(v), dying.abort(new Error("SIGKILL"))); // the process ends right after the checkpoint
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, ctx))).toBe("transient");
    expect([o.lb.containers.size, o.lb.publishes.length]).toEqual([1, 0]);
    const sent = await o.conn.send(TEXT_PAYLOAD, d.ctx());
    expect([o.lb.containers.size, o.lb.publishes.length]).toEqual([1, 1]);
    expect(o.lb.publishes[0]).toEqual({ container: [...o.lb.containers.keys()][0], media: sent.remoteId });
  });

  it("a checkpoint store that fails stops the send before publishing: transient, nothing posted", async () => {
    const o = await open();
    const ctx = new Delivery(o.lb).ctx({ saveCheckpoint: async () => Promise.reject(new Error("SQLITE_FULL: database or disk is full")) });
    const err = await o.conn.send(TEXT_PAYLOAD, ctx).catch((e: unknown) => e);
    expect(threadsAdapter.classify(err)).toMatchObject({ kind: "transient", message: expect.stringContaining("checkpoint") });
    expect([o.lb.containers.size, o.lb.publishes.length]).toEqual([1, 0]);
  });

  it("the publish answer lost: unknown outcome; the retry finds the container PUBLISHED and its post, never publishing again", async () => {
    const o = await open();
    const d = new Delivery(o.lb);
    o.lb.harness.inject({ kind: "destroy-after" }, { match: (r) => r.route === "/:version/:user/threads_publish" });
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, d.ctx()))).toBe("unknown-outcome");
    expect(o.lb.publishes).toHaveLength(1);
    const sent = await o.conn.send(TEXT_PAYLOAD, d.ctx());
    expect(sent).toEqual({ remoteId: o.lb.publishes[0]?.media, remoteUrl: o.lb.posts[0]?.permalink });
    expect(o.lb.publishes).toHaveLength(1);
    expect(routesOf(o).filter((r) => r === "POST /:version/:user/threads_publish")).toHaveLength(1); // the retry never asks to publish
  });

  // Issue 16: a loaded e2e run found no post (row `sent`, remote id null) when Threads' post times
  // read more than a minute before the delivery was queued; and a restart may render another text.
  it("the publish answer lost while Threads' clock runs 5 minutes behind Crier's: the retry still finds its post", async () => {
    const o = await open({ startAt: Date.now() - 5 * 60_000 });
    const d = new Delivery(o.lb);
    o.lb.harness.inject({ kind: "destroy-after" }, { match: (r) => r.route === "/:version/:user/threads_publish" });
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, d.ctx()))).toBe("unknown-outcome");
    expect(await o.conn.send(TEXT_PAYLOAD, d.ctx())).toEqual({ remoteId: o.lb.publishes[0]?.media, remoteUrl: o.lb.posts[0]?.permalink });
    expect(o.lb.publishes).toHaveLength(1);
  });

  it("the restart renders another text (the template was edited): the post is matched by the container's text as created", async () => {
    const o = await open();
    const d = new Delivery(o.lb);
    o.lb.harness.inject({ kind: "destroy-after" }, { match: (r) => r.route === "/:version/:user/threads_publish" });
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, d.ctx()))).toBe("unknown-outcome");
    const sent = await o.conn.send({ ...TEXT_PAYLOAD, text: `Edited: ${TEXT_PAYLOAD.text}` }, d.ctx());
    expect(sent).toEqual({ remoteId: o.lb.publishes[0]?.media, remoteUrl: o.lb.posts[0]?.permalink });
    expect([o.lb.containers.size, o.lb.publishes.length]).toEqual([1, 1]);
  });

  it("the same text posted before this container was made is not taken for its post", async () => {
    const o = await open();
    await o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx()); // an earlier post, same text
    o.lb.advance(60_000);
    const d = new Delivery(o.lb);
    o.lb.harness.inject({ kind: "destroy-after" }, { match: (r) => r.route === "/:version/:user/threads_publish" });
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, d.ctx()))).toBe("unknown-outcome");
    o.lb.advance(60_000);
    await o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx()); // and a later one, newest in the list
    const sent = await o.conn.send(TEXT_PAYLOAD, d.ctx());
    expect(o.lb.publishes).toHaveLength(3);
    expect(sent.remoteId).toBe(o.lb.publishes[1]?.media);
  });

  it("a checkpoint with the media id reads the permalink only; a published post that is gone is a duplicate", async () => {
    const o = await open();
    const first = new Delivery(o.lb);
    const sent = await o.conn.send(TEXT_PAYLOAD, first.ctx());
    const before = o.lb.requests.length;
    expect(await o.conn.send(TEXT_PAYLOAD, first.ctx())).toEqual(sent);
    expect(routesOf(o).slice(before)).toEqual(["GET /:version/:id"]);
    const gone = new Delivery(o.lb);
    gone.checkpoint = JSON.stringify({ container: o.lb.publishes[0]?.container, type: "TEXT" });
    await o.conn.delete?.(sent.remoteId, AbortSignal.timeout(5_000));
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, gone.ctx()))).toBe("duplicate");
    expect(o.lb.publishes).toHaveLength(1);
  });

  it("EXPIRED → exactly one new container, published once", async () => {
    const o = await open();
    const d = new Delivery(o.lb);
    o.lb.harness.inject({ kind: "status", status: 503, body: { error: { message: "unavailable", type: "OAuthException", code: 2, is_transient: true } } }, { match: (r) => r.route === "/:version/:user/threads_publish" });
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, d.ctx()))).toBe("unknown-outcome");
    o.lb.advance(24 * 3_600_000);
    const sent = await o.conn.send(TEXT_PAYLOAD, d.ctx());
    const [old, fresh] = [...o.lb.containers.keys()];
    expect(o.lb.containers.size).toBe(2);
    expect(o.lb.publishes).toEqual([{ container: fresh, media: sent.remoteId }]);
    expect(d.saved.map((s) => JSON.parse(s.value).container)).toEqual([old, fresh, fresh]);
  });

  it("an image Threads refuses (ERROR) is the image's failure; the attempt without it makes one TEXT container", async () => {
    const wide = await sharp({ create: { width: 1200, height: 100, channels: 3, background: "#468" } }).png().toBuffer();
    const images = await startImageServer({ "/wide.png": { type: "image/png", body: wide } });
    cleanup.push(() => images.close());
    const o = await open();
    const d = new Delivery(o.lb);
    const err = await o.conn.send({ ...TEXT_PAYLOAD, mediaType: "IMAGE" }, d.ctx({ image: image(`${images.url}/wide.png`) })).catch((e: unknown) => e);
    expect(threadsAdapter.classify(err)).toMatchObject({ kind: "rejected", stage: "image", detail: "INVALID_ASPEC_RATIO" });
    const sent = await o.conn.send(TEXT_PAYLOAD, d.ctx());
    expect([...o.lb.containers.values()].map((c) => c.mediaType)).toEqual(["IMAGE", "TEXT"]);
    expect(o.lb.posts).toMatchObject([{ id: sent.remoteId, mediaType: "TEXT_POST" }]);
  });
});
