// The send against the loopback over real HTTP: what Instagram receives, the two steps, resuming
// from the checkpoint (never a second post), expiry, the quota, and faults at each step.
import { afterEach, describe, expect, it } from "vitest";
import type { Connection } from "../../src/core/index.js";
import { closedPort } from "../../test/loopback/harness.js";
import { makeImage, startImageHost, type ImageHost } from "../../test/loopback/instagram-graph-api/image-host.js";
import { DAY_MS } from "../../test/loopback/instagram-graph-api/tokens.js";
import { TOKEN, startInstagramLoopback, type InstagramLoopback, type InstagramLoopbackOptions } from "../../test/loopback/instagram-graph-api/server.js";
import { scaled } from "../../test/support/timing.js";
import { instagramConfig } from "./config.js";
import { deps, sendContext } from "./fixtures/replay.js";
import { instagramAdapter } from "./index.js";
import type { InstagramPayload } from "./render.js";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Setup { lb: InstagramLoopback; images: ImageHost; payload: InstagramPayload; connect(over?: Record<string, unknown>): Promise<Connection<InstagramPayload>> }
async function setup(opts: InstagramLoopbackOptions = {}): Promise<Setup> {
  const lb = await startInstagramLoopback(opts);
  const images = await startImageHost();
  cleanup.push(() => lb.close(), () => images.close());
  const url = images.put("lead.jpg", await makeImage(1200, 800));
  const connect = async (over: Record<string, unknown> = {}) => {
    const cfg = instagramConfig.parse({ userId: lb.account.userId, accessToken: TOKEN, apiBase: lb.url, ...over });
    const conn = await instagramAdapter.connect(cfg, deps(undefined));
    cleanup.push(() => conn.close());
    return conn;
  };
  return { lb, images, connect, payload: { caption: "Bridge opens @desk_editor #Riverside\n\nLink in bio", image: { url, alt: "The bridge" } } };
}
const failure = (p: Promise<unknown>) => p.then(() => expect.fail("expected a failure"), (err: unknown) => ({ err, classified: instagramAdapter.classify(err) }));
const calls = (lb: InstagramLoopback) => lb.requests.map((r) => `${r.method} ${r.route}`);
const publishes = (lb: InstagramLoopback) => lb.requests.filter((r) => r.route === "/:version/:id/media_publish").length;

describe("one send, two steps", () => {
  it("reads the quota, creates the container (checkpointed first), reads its status once, publishes, links the post", async () => {
    const { lb, images, connect, payload } = await setup();
    const ctx = sendContext();
    const savedAfter: number[] = [];
    const save = ctx.saveCheckpoint;
    ctx.saveCheckpoint = async (v) => (savedAfter.push(lb.requests.length), save?.(v));
    const sent = await (await connect()).send(payload, ctx);
    expect(savedAfter).toEqual([2, 4]); // after the container is made, before its status is read; again after publishing
    expect(calls(lb)).toEqual([
      "GET /:version/:id/content_publishing_limit", "POST /:version/:id/media", "GET /:version/:id", "POST /:version/:id/media_publish", "GET /:version/:id",
    ]);
    const create = lb.requests[1]!;
    expect(create.path).toBe(`/v27.0/${lb.account.userId}/media`);
    expect(create.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(create.json).toEqual({ image_url: payload.image.url, caption: payload.caption, alt_text: "The bridge" });
    expect(images.harness.requests.map((r) => r.path)).toEqual(["/images/lead.jpg"]); // Instagram pulled it
    const [container] = [...lb.containers.values()];
    expect(lb.requests[3]?.json).toEqual({ creation_id: container?.id });
    expect(ctx.saved).toEqual([`ig1 ${container?.id} ${ctx.saved[0]?.split(" ")[2]}`, `${ctx.saved[0]} ${lb.media[0]?.id}`]);
    expect(sent).toEqual({ remoteId: lb.media[0]?.id, remoteUrl: lb.media[0]?.permalink });
    expect(lb.media[0]).toMatchObject({ caption: payload.caption, altText: "The bridge" });
  });

  it("pulls the core's fitted copy (ctx.image.publicUrl, its alt text), percent-encoded to ASCII", async () => {
    const { lb, images, connect, payload } = await setup();
    const publicUrl = images.put("fitted café.jpg", await makeImage(1080, 1350)).replace("fitted%20caf%C3%A9", "fitted café");
    const ctx = { ...sendContext(), image: { bytes: Buffer.alloc(0), mime: "image/jpeg", width: 1080, height: 1350, alt: "Мост 🌉", url: payload.image.url, publicUrl } };
    await (await connect()).send(payload, ctx);
    expect(lb.requests[1]?.json).toMatchObject({ image_url: `${images.url}/images/fitted%20caf%C3%A9.jpg`, alt_text: "Мост 🌉" });
    expect([...lb.containers.values()][0]?.image).toMatchObject({ width: 1080, height: 1350 });
  });

  it("IN_PROGRESS twice, then FINISHED, across three sends: one container, one publish", async () => {
    const { lb, connect, payload } = await setup({ processing: { reads: 2 } });
    const conn = await connect();
    const first = sendContext();
    expect((await failure(conn.send(payload, first))).classified).toMatchObject({ kind: "processing", waitMs: 60_000 });
    const second = await failure(conn.send(payload, sendContext(first.saved.at(-1))));
    expect(second.classified).toMatchObject({ kind: "processing", waitMs: 60_000 });
    const sent = await conn.send(payload, sendContext(first.saved.at(-1)));
    expect([lb.containers.size, lb.media.length, publishes(lb), sent.remoteId]).toEqual([1, 1, 1, lb.media[0]?.id]);
  });

  it("an article image Instagram cannot fetch → transient, image stage (the core's image attempts, then skipped)", async () => {
    const { lb, images, connect, payload } = await setup();
    const { classified } = await failure((await connect()).send({ ...payload, image: { ...payload.image, url: `${images.url}/images/gone.jpg` } }, sendContext()));
    expect(classified).toMatchObject({ kind: "transient", stage: "image", detail: expect.stringContaining("#9004/2207052") });
    expect(lb.containers.size).toBe(0);
  });
});

describe("resuming from the checkpoint: never a second post", () => {
  it("a crash before publishing: a new connection with the checkpoint publishes that container, once", async () => {
    const { lb, connect, payload } = await setup();
    lb.harness.inject({ kind: "hang-before" }, { match: (r) => r.route === "/:version/:id/media_publish" });
    const abort = new AbortController();
    const first = sendContext(null, abort.signal);
    const dying = (await connect()).send(payload, first).catch(() => "crashed");
    await lb.harness.waitForRequest((r) => r.route === "/:version/:id/media_publish");
    abort.abort(); // the process dies with the publish request unanswered
    expect(await dying).toBe("crashed");
    const sent = await (await connect()).send(payload, sendContext(first.saved.at(-1)));
    expect([lb.containers.size, lb.media.length, [...lb.containers.values()][0]?.publishCalls, sent.remoteId]).toEqual([1, 1, 1, lb.media[0]?.id]);
  });

  it("published but the answer lost (unknown-outcome): the retry finds the post, publishes nothing", async () => {
    const { lb, connect, payload } = await setup({ captionsWithoutAt: true });
    lb.harness.inject({ kind: "destroy-after" }, { match: (r) => r.route === "/:version/:id/media_publish" });
    const first = sendContext();
    expect((await failure((await connect()).send(payload, first))).classified.kind).toBe("unknown-outcome");
    expect(first.saved).toHaveLength(1); // the answer never came: no media id in the checkpoint
    const retry = await (await connect()).send(payload, sendContext(first.saved[0]));
    expect(retry).toMatchObject({ remoteId: lb.media[0]?.id, remoteUrl: lb.media[0]?.permalink, note: expect.stringContaining("published by an earlier attempt") });
    expect([lb.media.length, publishes(lb)]).toEqual([1, 1]);
  });

  it("published, and the post cannot be found: still done, never published again", async () => {
    const { lb, connect, payload } = await setup();
    lb.harness.inject({ kind: "destroy-after" }, { match: (r) => r.route === "/:version/:id/media_publish" });
    const first = sendContext();
    await failure((await connect()).send(payload, first));
    lb.harness.inject({ kind: "status", status: 500, body: { error: { code: 1, message: "x", type: "OAuthException", fbtrace_id: "x" } } }, { match: (r) => r.route === "/:version/:id/media" && r.method === "GET" });
    const retry = await (await connect()).send(payload, sendContext(first.saved[0]));
    expect(retry).toMatchObject({ remoteId: `container:${[...lb.containers.keys()][0]}`, remoteUrl: null, note: expect.stringContaining("not found") });
    expect(publishes(lb)).toBe(1);
  });

  it("a checkpoint with the media id: only the permalink is read", async () => {
    const { lb, connect, payload } = await setup();
    const first = sendContext();
    await (await connect()).send(payload, first);
    const before = lb.requests.length;
    const again = await (await connect()).send(payload, sendContext(first.saved.at(-1)));
    expect([again.remoteId, lb.requests.slice(before).map((r) => r.route)]).toEqual([lb.media[0]?.id, ["/:version/:id"]]);
  });

  it("EXPIRED: one new container (checkpointed), one post", async () => {
    const { lb, connect, payload } = await setup({ processing: { reads: 1 } });
    const conn = await connect();
    const first = sendContext();
    await failure(conn.send(payload, first));
    lb.clock.advance(DAY_MS);
    lb.processing.reads = 0;
    const second = sendContext(first.saved[0]);
    await conn.send(payload, second);
    const [old, fresh] = [...lb.containers.keys()];
    expect([lb.containers.size, lb.media.length, lb.media[0]?.containerId, second.saved[0]?.split(" ")[1]]).toEqual([2, 1, fresh, fresh]);
    expect(lb.containers.get(old ?? "")?.publishCalls).toBe(0);
  });

  it("ERROR on resume: that container can never be published; a new one is made", async () => {
    const { lb, connect, payload } = await setup({ processing: { reads: 1 } });
    const conn = await connect();
    const first = sendContext();
    await failure(conn.send(payload, first));
    lb.failContainer([...lb.containers.keys()][0] ?? "", 2207052);
    lb.processing.reads = 0;
    await conn.send(payload, sendContext(first.saved[0]));
    expect([lb.containers.size, lb.media.length, publishes(lb)]).toEqual([2, 1, 1]);
  });
});

describe("the publishing quota, read before posting", () => {
  it.each([[86_400], [3_600]])("exhausted (window %i s) → rate-limited until the window frees; no container made", async (durationS) => {
    const { lb, connect, payload } = await setup({ quotaTotal: 1, quotaDurationS: durationS });
    const conn = await connect();
    await conn.send(payload, sendContext());
    const before = Math.floor(lb.clock.now() / 1000) * 1000; // the answer's Date has whole seconds
    const { classified } = await failure(conn.send(payload, sendContext()));
    expect(classified).toMatchObject({ kind: "rate-limited", scope: "account" });
    expect(classified.retryAt).toBeGreaterThanOrEqual(before + durationS * 1000);
    expect(classified.retryAt).toBeLessThanOrEqual(lb.clock.now() + durationS * 1000);
    expect([lb.containers.size, lb.requests.at(-1)?.route]).toEqual([1, "/:version/:id/content_publishing_limit"]);
  });
});

describe("faults", () => {
  it("the connection lost after creating the container → transient (nothing published); a 5xx on publish → unknown-outcome", async () => {
    const { lb, connect, payload } = await setup();
    const conn = await connect();
    lb.harness.inject({ kind: "destroy-after" }, { match: (r) => r.route === "/:version/:id/media" });
    expect((await failure(conn.send(payload, sendContext()))).classified).toMatchObject({ kind: "transient", message: expect.stringMatching(/creating the container; nothing was published/) });
    lb.harness.inject({ kind: "status", status: 503, body: "upstream down", headers: { "content-type": "text/plain" } }, { match: (r) => r.route === "/:version/:id/media_publish" });
    expect((await failure(conn.send(payload, sendContext()))).classified.kind).toBe("unknown-outcome");
  });

  it("a hanging publish aborted by the core's signal → unknown-outcome, promptly", async () => {
    const { lb, connect, payload } = await setup();
    lb.harness.inject({ kind: "hang-after" }, { match: (r) => r.route === "/:version/:id/media_publish" });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const started = Date.now();
    expect((await failure((await connect()).send(payload, sendContext(null, abort.signal)))).classified.kind).toBe("unknown-outcome");
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
  });

  it("Instagram's BUC throttle → rate-limited for the header's minutes; a wrong token → auth, never in the error", async () => {
    const { lb, connect, payload } = await setup({ callLimit: { calls: 1, windowMs: 20 * 60_000 } });
    const conn = await connect();
    expect((await failure(conn.send(payload, sendContext()))).classified).toMatchObject({ kind: "rate-limited", waitMs: 20 * 60_000 });
    const secret = "IGAAnot-the-right-token-0123456789";
    const { err, classified } = await failure((await connect({ accessToken: secret })).send(payload, sendContext()));
    expect(classified.kind).toBe("auth");
    expect(JSON.stringify({ m: (err as Error).message, s: (err as Error).stack, classified })).not.toContain(secret);
    expect(lb.media).toHaveLength(0);
  });

  it("nothing listening → transient", async () => {
    const { connect, payload } = await setup();
    const conn = await connect({ apiBase: `http://127.0.0.1:${await closedPort()}` });
    expect((await failure(conn.send(payload, sendContext()))).classified.kind).toBe("transient");
  });
});
