// The send flow against the loopback TikTok server over real HTTP: init once, the publish status
// read once per send, resume from the saved publish_id, the picture rules, the caps, the faults.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../../test/loopback/harness.js";
import type { ImageServer } from "../../test/support/image-server.js";
import { PENDING_SHARES_WAIT_MS, PROCESSING_WAIT_MS, RATE_LIMIT_WAIT_MS } from "./classify.js";
import { FALLBACK, INIT, PICTURE, STATUS, TOKEN, hits, rig, startPictures, type Rig } from "./fixtures/loopback.js";
import { tiktokAdapter } from "./index.js";
import { openTikTok } from "./open.js";
import { DRAFT_NOTE, sendTikTok } from "./send.js";
import { memorySession } from "./fixtures/replay.js";
import { pino } from "pino";

let pictures: ImageServer;
beforeAll(async () => void (pictures = await startPictures()));
afterAll(() => pictures.close());
let clock = Date.parse("2026-12-01T09:00:00Z");
const now = () => clock;
const open: Rig[] = [];
afterEach(async () => void (await Promise.all(open.splice(0).map((r) => r.close()))));
const start = async (opts: Parameters<typeof rig>[2] = {}) => {
  const r = await rig(pictures, now, opts);
  open.push(r);
  return r;
};
const outcome = (p: Promise<unknown>) => p.then((sent) => ({ kind: "sent" as const, sent }), (err: unknown) => tiktokAdapter.classify(err));

describe("MEDIA_UPLOAD: a draft in the creator's inbox", () => {
  it("init once with the documented body; PROCESSING_DOWNLOAD is a short-wait transient with the publish_id saved; the next send records the draft", async () => {
    const r = await start();
    const first = await outcome(sendTikTok(r.client, r.payload(), r.ctx()));
    expect(first).toMatchObject({ kind: "processing", waitMs: PROCESSING_WAIT_MS });
    const publishId = r.lb.publishes[0]?.id;
    expect(JSON.parse(r.saved.checkpoint ?? "{}")).toMatchObject({ publishId });
    const sent = await sendTikTok(r.client, r.payload(), r.ctx());
    expect(sent).toEqual({ remoteId: publishId, remoteUrl: null, note: DRAFT_NOTE });

    const [init] = hits(r.lb, INIT);
    expect(hits(r.lb, INIT)).toHaveLength(1);
    expect(init?.headers["content-type"]).toBe("application/json; charset=UTF-8");
    expect(init?.headers.authorization).toMatch(/^Bearer act\.loopback-/);
    expect(init?.json).toEqual({
      media_type: "PHOTO", post_mode: "MEDIA_UPLOAD",
      post_info: { title: "Council approves the new bridge", description: "The vote was 7 to 2.\n\nhttps://news.example.org/2026/12/01/bridge/\n\n#LocalNews" },
      source_info: { source: "PULL_FROM_URL", photo_images: [PICTURE], photo_cover_index: 0 },
    });
    expect(hits(r.lb, STATUS).map((s) => s.json)).toEqual([{ publish_id: publishId }, { publish_id: publishId }]);
    expect(hits(r.lb, TOKEN)[0]?.form).toMatchObject({ client_key: "awloopbackclientkey", grant_type: "refresh_token", refresh_token: r.cfg.refreshToken });
    expect(pictures.hits).toContain("/news/a.jpg");
  });

  it("the status flow across sends: three PROCESSING_DOWNLOAD reads, three short waits, then sent — and never a second init", async () => {
    const r = await start({ server: { processingReads: 3 } });
    for (let i = 0; i < 3; i++) expect((await outcome(sendTikTok(r.client, r.payload(), r.ctx()))).kind).toBe("processing");
    expect((await outcome(sendTikTok(r.client, r.payload(), r.ctx()))).kind).toBe("sent");
    expect([hits(r.lb, INIT).length, hits(r.lb, STATUS).length, r.lb.publishes.length]).toEqual([1, 4, 1]);
  });

  it("resumed after the creator posted the draft: PUBLISH_COMPLETE says so", async () => {
    const r = await start();
    await outcome(sendTikTok(r.client, r.payload(), r.ctx()));
    r.lb.finishDraft(r.lb.publishes[0]?.id ?? "");
    await outcome(sendTikTok(r.client, r.payload(), r.ctx())); // the one PROCESSING read was used; this reads the outcome
    expect((await sendTikTok(r.client, r.payload(), r.ctx())).note).toMatch(/the creator finished the draft and posted it/);
  });

  it("a refused picture: image-stage rejected; resumed with the same picture, no new init; with the fallback, a new init", async () => {
    const r = await start({ server: { processingReads: 0 } });
    const png = r.ctx({ image: { ...r.ctx().image!, publicUrl: `https://media.example.org/news/c.png` } });
    expect(await outcome(sendTikTok(r.client, r.payload(), png))).toMatchObject({ kind: "rejected", stage: "image" });
    expect(await outcome(sendTikTok(r.client, r.payload(), r.ctx({ image: png.image })))).toMatchObject({ kind: "rejected", stage: "image" });
    expect(hits(r.lb, INIT)).toHaveLength(1);
    // The core posts without it: render picks the fallback, the checkpoint's FAILED publish is replaced.
    const sent = await sendTikTok(r.client, r.payload({}, false), r.ctx({ image: undefined }));
    expect(hits(r.lb, INIT).map((i) => (i.json as { source_info: { photo_images: string[] } }).source_info.photo_images)).toEqual([["https://media.example.org/news/c.png"], [FALLBACK]]);
    expect(sent.remoteId).toBe(r.lb.publishes[1]?.id);
  });

  it("FAILED for a retryable reason (internal): the next send inits again", async () => {
    const r = await start({ server: { processingReads: 0 } });
    r.lb.nextPublishes({ failReason: "internal" });
    expect((await outcome(sendTikTok(r.client, r.payload(), r.ctx()))).kind).toBe("transient");
    r.lb.nextPublishes({ failReason: undefined });
    expect((await sendTikTok(r.client, r.payload(), r.ctx())).remoteId).toBe(r.lb.publishes[1]?.id);
  });

  it("before a new init after a FAILED publish, the checkpoint is replaced by one that does not resume (a lost init answer is then held, not resumed)", async () => {
    const r = await start({ server: { processingReads: 0 } });
    r.lb.nextPublishes({ failReason: "internal" });
    await outcome(sendTikTok(r.client, r.payload(), r.ctx()));
    const failed = r.lb.publishes[0]?.id;
    expect(tiktokAdapter.resumesFrom?.(r.saved.checkpoint ?? "")).toBe(true);
    r.lb.nextPublishes({ failReason: undefined });
    r.lb.h.inject({ kind: "destroy-after" }, { match: (q) => q.route === INIT });
    expect((await outcome(sendTikTok(r.client, r.payload(), r.ctx()))).kind).toBe("unknown-outcome");
    expect(JSON.parse(r.saved.checkpoint ?? "{}")).toEqual({ failed });
    expect(tiktokAdapter.resumesFrom?.(r.saved.checkpoint ?? "")).toBe(false);
  });

  it("5 pending drafts: the 6th is rate-limited for an hour; seven inits in a minute: the 7th waits a minute", async () => {
    const r = await start({ server: { processingReads: 0 } });
    for (let i = 0; i < 5; i++) expect((await outcome(sendTikTok(r.client, r.payload(), r.ctx({ checkpoint: null })))).kind).toBe("sent");
    expect(await outcome(sendTikTok(r.client, r.payload(), r.ctx({ checkpoint: null })))).toMatchObject({ kind: "rate-limited", waitMs: PENDING_SHARES_WAIT_MS });
    for (const p of r.lb.publishes) r.lb.finishDraft(p.id);
    expect(await outcome(sendTikTok(r.client, r.payload(), r.ctx({ checkpoint: null })))).toMatchObject({ kind: "rate-limited", waitMs: RATE_LIMIT_WAIT_MS });
  });
});

describe("the picture's host", () => {
  it("a picture outside verifiedDomain is refused before any request (image stage: the core posts without it)", async () => {
    const r = await start();
    const ctx = r.ctx({ image: { ...r.ctx().image!, publicUrl: "https://images.other.example/a.jpg" } });
    const result = await outcome(sendTikTok(r.client, r.payload(), ctx));
    expect(result).toMatchObject({ kind: "rejected", stage: "image" });
    expect((result as { detail: string }).detail).toMatch(/images\.other\.example is not media\.example\.org/);
    expect(r.lb.h.requests).toHaveLength(0);
    expect(await outcome(sendTikTok(r.client, r.payload(), r.ctx({ image: { ...ctx.image!, publicUrl: undefined } })))).toMatchObject({ kind: "rejected", stage: "image" });
  });

  it("a domain the portal has not verified: url_ownership_unverified → destination-broken", async () => {
    const r = await start({ server: { verified: ["other.example"] } });
    expect(await outcome(sendTikTok(r.client, r.payload(), r.ctx()))).toMatchObject({ kind: "destination-broken", message: expect.stringMatching(/verify verifiedDomain/) });
  });
});

describe("DIRECT_POST: a privacy level the creator allows", () => {
  it("creator_info first; the configured level when offered, with the required toggles off", async () => {
    const r = await start({ server: { processingReads: 0 }, cfg: { mode: "DIRECT_POST", privacyLevel: "SELF_ONLY" } });
    const sent = await sendTikTok(r.client, r.payload(), r.ctx());
    expect(r.lb.h.requests.map((q) => q.route)).toEqual([TOKEN, "/v2/post/publish/creator_info/query/", INIT, STATUS]);
    expect((hits(r.lb, INIT)[0]?.json as { post_info: object }).post_info).toMatchObject({ privacy_level: "SELF_ONLY", brand_content_toggle: false, brand_organic_toggle: false });
    expect(sent).toMatchObject({ remoteId: r.lb.publishes[0]?.id, note: expect.stringMatching(/no post id .*private/) });
  });

  it("a level the account does not offer: destination-broken naming what it offers, and no init", async () => {
    const r = await start({ cfg: { mode: "DIRECT_POST", privacyLevel: "PUBLIC_TO_EVERYONE" } });
    const result = await outcome(sendTikTok(r.client, r.payload(), r.ctx()));
    expect(result).toMatchObject({ kind: "destination-broken", message: expect.stringContaining("it allows SELF_ONLY") });
    expect(hits(r.lb, INIT)).toHaveLength(0);
  });

  it("audited, public: an int64 post id above 2^53 is never recorded with wrong digits (the publish_id is, and the note says why)", async () => {
    const r = await start({ server: { processingReads: 0, audited: true, creator: { private: false } }, cfg: { mode: "DIRECT_POST", privacyLevel: "PUBLIC_TO_EVERYONE" } });
    const sent = await sendTikTok(r.client, r.payload(), r.ctx());
    expect(r.lb.publishes[0]?.postId).toMatch(/^7\d{18}$/);
    expect(sent).toMatchObject({ remoteId: r.lb.publishes[0]?.id, note: expect.stringContaining("too large to read exactly") });
  });

  it("a token without video.publish: auth", async () => {
    const r = await start({ scopes: ["video.upload"], cfg: { mode: "DIRECT_POST", privacyLevel: "SELF_ONLY" } });
    expect(await outcome(sendTikTok(r.client, r.payload(), r.ctx()))).toMatchObject({ kind: "auth", message: expect.stringContaining("video.publish") });
  });
});

describe("faults", () => {
  it("nothing listening: transient", async () => {
    const r = await start();
    const cfg = { ...r.cfg, apiBase: `http://127.0.0.1:${await closedPort()}` };
    const client = openTikTok(cfg, { timeoutMs: 5_000, logger: pino({ level: "silent" }), baseDir: ".", session: memorySession() }, now);
    expect((await outcome(sendTikTok(client, r.payload(), r.ctx()))).kind).toBe("transient");
    await client.http.close();
  });

  it("the init's answer lost: unknown-outcome (TikTok has the publish)", async () => {
    const r = await start();
    r.lb.h.inject({ kind: "destroy-after" }, { match: (q) => q.route === INIT });
    expect((await outcome(sendTikTok(r.client, r.payload(), r.ctx()))).kind).toBe("unknown-outcome");
    expect(r.lb.publishes).toHaveLength(1);
  });

  it("the status answer lost after the publish_id was saved: transient, and the next send resumes (one init)", async () => {
    const r = await start({ server: { processingReads: 0 } });
    r.lb.h.inject({ kind: "destroy-after" }, { match: (q) => q.route === STATUS });
    expect((await outcome(sendTikTok(r.client, r.payload(), r.ctx()))).kind).toBe("transient");
    expect((await outcome(sendTikTok(r.client, r.payload(), r.ctx()))).kind).toBe("sent");
    expect(hits(r.lb, INIT)).toHaveLength(1);
  });

  it("a core that stores no checkpoints: a pending publish is an unknown outcome naming the publish_id", async () => {
    const r = await start();
    const result = await outcome(sendTikTok(r.client, r.payload(), r.ctx({ saveCheckpoint: undefined })));
    expect(result).toMatchObject({ kind: "unknown-outcome", message: expect.stringContaining(r.lb.publishes[0]?.id ?? "?") });
  });

  it("a checkpoint that cannot be stored: unknown-outcome, and nothing more is asked of TikTok", async () => {
    const r = await start();
    const result = await outcome(sendTikTok(r.client, r.payload(), r.ctx({ saveCheckpoint: async () => Promise.reject(new Error("database is locked")) })));
    expect(result).toMatchObject({ kind: "unknown-outcome", detail: expect.stringContaining("database is locked") });
    expect(hits(r.lb, STATUS)).toHaveLength(0);
  });

  it("a send cancelled before it starts: transient, nothing asked", async () => {
    const r = await start();
    const ctl = new AbortController();
    ctl.abort(new DOMException("shutdown", "AbortError"));
    expect((await outcome(sendTikTok(r.client, r.payload(), r.ctx({ signal: ctl.signal })))).kind).toBe("transient");
    expect(r.lb.h.requests).toHaveLength(0);
  });
});
