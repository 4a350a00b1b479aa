/**
 * Per-delivery checkpoints and "still processing" through the real deliver stage, DeliveryService
 * recovery and SQLite store, with a two-step platform held in memory (a container is made, then
 * published; the test decides what each step answers).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import pino from "pino";
import { z } from "zod";
import { defineAdapter, deliveryError, type FeedItem, type SendContext } from "../../src/core/index.js";
import { destinationCommonSchema, deliverySchema } from "../../src/config/schema.js";
import { SqliteStore } from "../../src/store/sqlite/index.js";
import { DATABASE_LEASE } from "../../src/store/leases.js";
import { deliverDue } from "../../src/delivery/deliver.js";
import { Connections } from "../../src/delivery/connections.js";
import { DestinationStates } from "../../src/delivery/destination-states.js";
import { identify, planPoll } from "../../src/intake/select-new.js";
import { DeliveryService } from "../../src/services/delivery.js";
import type { CrierConfig } from "../../src/config/load.js";
import type { Alerter } from "../../src/delivery/alerts.js";

/** What the platform holds, and what the next step answers. */
interface Platform {
  containers: Map<string, "made" | "published" | "processing">;
  posts: string[];
  next: Array<"lose-publish-answer" | "processing" | "ok">;
  seen: Array<string | null>;
  /** What the send saves as its checkpoint for a new container (default `container:<id>`). */
  checkpointFor?: (id: string) => string;
}

class Lost extends Error {}
class StillProcessing extends Error {}
const isCheckpointError = (err: unknown) => err instanceof Error && err.name === "CheckpointError";

function twoStep(platform: Platform, resumes: boolean) {
  return defineAdapter<Record<string, never>, { text: string }, Platform>({
    platform: "twostep",
    displayName: "TwoStep",
    description: "container, then publish",
    config: z.object({}).strict() as never,
    rateLimits: [],
    defaultTemplate: "{title}",
    defaultLimits: () => ({ maxLength: 500, unit: "characters", source: "default" }),
    render: (item, _c, limits) => ({ payload: { text: item.title }, preview: item.title, length: item.title.length, limits }),
    ...(resumes ? { resumesFrom: (cp: string) => cp.startsWith("container:") } : {}),
    classify: (err) =>
      err instanceof Lost ? deliveryError("unknown-outcome", "the publish answer was lost")
      : err instanceof StillProcessing ? deliveryError("processing", "the container is IN_PROGRESS", { waitMs: 60_000 })
      : isCheckpointError(err) ? deliveryError("transient", (err as Error).message)
      : undefined,
    connect: async () => platform,
    async send(p, payload, ctx: SendContext) {
      p.seen.push(ctx.checkpoint ?? null);
      const saved = ctx.checkpoint?.slice("container:".length);
      if (saved && p.containers.get(saved) === "published") return { remoteId: `post-of-${saved}`, remoteUrl: null, note: "published by an earlier attempt" };
      const id = saved ?? `c${p.containers.size + 1}`;
      if (!saved) {
        p.containers.set(id, "made");
        await ctx.saveCheckpoint?.(p.checkpointFor ? p.checkpointFor(id) : `container:${id}`);
      }
      const answer = p.next.shift() ?? "ok";
      if (answer === "processing") throw new StillProcessing();
      p.containers.set(id, "published");
      p.posts.push(payload.text);
      if (answer === "lose-publish-answer") throw new Lost();
      return { remoteId: `post-of-${id}`, remoteUrl: null };
    },
    check: async () => "twostep",
  });
}

const item: FeedItem = { feedId: "f", guid: "1", link: "https://e.org/1", title: "Bridge opens", summary: "", author: null, categories: [], imageUrl: null, publishedAt: "2026-01-01T00:00:00Z" };

async function setup(resumes: boolean, next: Platform["next"] = []) {
  const store = new SqliteStore(":memory:");
  // This process holds the store, as every writer does (its sends are fenced by the lease).
  const INFO = { host: "test", pid: 1, startedAt: 0, command: "test", takesRequests: false, pidNamespace: null, bootId: null, startTicks: null };
  await store.leases.acquire(DATABASE_LEASE, "test", INFO, 600_000);
  const claim = { name: DATABASE_LEASE, owner: "test" };
  let now = Date.UTC(2026, 0, 2);
  await store.feeds.applyPlan(planPoll({ feedId: "f", now, items: identify([item], null), known: { keys: new Set(), links: new Map() }, hasHistory: false, routes: ["d"], seededRoutes: new Set(), backlog: 1, acceptMode: null, fetchMeta: null, complete: true }));
  const platform: Platform = { containers: new Map(), posts: [], next, seen: [] };
  const adapter = twoStep(platform, resumes);
  const common = destinationCommonSchema().parse({ id: "d", platform: "twostep" });
  const logger = pino({ level: "silent" });
  const destinations = [{ id: "d", platform: "twostep", adapter, common, cfg: {}, pausedReason: null }];
  const states = await DestinationStates.load(store.destinations, destinations);
  const connections = new Connections(logger, ".", mkdtempSync(path.join(tmpdir(), "crier-checkpoint-")));
  const policy = deliverySchema().parse({ retryBaseMs: 1_000 });
  const deliver = () =>
    deliverDue({ store: store.deliveries, claim, destinations, states, connections, policy, logger, alert: async () => undefined, now: () => now, stopping: () => false, scrub: (t) => t.replaceAll("s3cret-token", "[redacted]") });
  const row = async () => (await store.deliveries.listDeliveries({}))[0]!;
  const service = new DeliveryService({
    config: { destinations, feeds: [], delivery: policy } as unknown as CrierConfig,
    store: store.deliveries, claim, states, connections, alerter: { send: async () => undefined } as unknown as Alerter,
    media: undefined, logger, now: () => now, scrub: (t) => t, dryRun: false, stopping: new AbortController().signal,
  });
  /** Marks row `id` sending as a process that then dies (its lease released without settling the row). */
  const sendingByDeadProcess = async (id: number) => {
    await store.leases.release(DATABASE_LEASE, "test");
    await store.leases.acquire(DATABASE_LEASE, "crashed", INFO, 600_000);
    await store.deliveries.transition(id, ["pending"], { to: "sending", claim: { name: DATABASE_LEASE, owner: "crashed" } }, now);
  };
  const takeOver = async () => {
    await store.leases.release(DATABASE_LEASE, "crashed");
    await store.leases.acquire(DATABASE_LEASE, "test", INFO, 600_000);
  };
  return { store, claim, platform, deliver, row, service, sendingByDeadProcess, takeOver, advance: (ms: number) => (now += ms), now: () => now };
}

describe("checkpoints: stored on the row, handed back on the next attempt", () => {
  it("a lost publish answer with a checkpoint that resumes: retried, the retry gets the checkpoint and finds the post (one post)", async () => {
    const t = await setup(true, ["lose-publish-answer"]);
    expect((await t.deliver()).map((o) => o.state)).toEqual(["failed"]);
    expect(await t.row()).toMatchObject({ state: "failed", errorKind: "unknown-outcome", checkpoint: "container:c1", attempts: 1 });
    expect((await t.row()).reason).toMatch(/resumes from the saved checkpoint/);
    t.advance(60_000);
    const [sent] = await t.deliver();
    expect(sent).toMatchObject({ state: "sent", remoteId: "post-of-c1" });
    expect(t.platform.seen).toEqual([null, "container:c1"]);
    expect(t.platform.posts).toEqual(["Bridge opens"]);
  });

  it("the same lost answer without resumesFrom: held as uncertain (the checkpoint kept for the operator)", async () => {
    const t = await setup(false, ["lose-publish-answer"]);
    expect((await t.deliver()).map((o) => o.state)).toEqual(["uncertain"]);
    expect(await t.row()).toMatchObject({ state: "uncertain", checkpoint: "container:c1" });
  });

  it("kept through crier retry semantics: a queued-again row still carries it; a deleted one starts over", async () => {
    const t = await setup(false, ["lose-publish-answer"]);
    await t.deliver();
    const id = (await t.row()).id;
    await t.store.deliveries.transition(id, ["uncertain"], { to: "pending", reason: "queued again", resetAttempts: true }, t.now());
    expect(await t.row()).toMatchObject({ state: "pending", checkpoint: "container:c1", attempts: 0 });
    await t.deliver();
    expect(t.platform.seen).toEqual([null, "container:c1"]);
    expect(t.platform.posts).toHaveLength(1);
    await t.store.deliveries.transition(id, ["sent"], { to: "deleted", errorKind: null, reason: "unposted" }, t.now());
    await t.store.deliveries.transition(id, ["deleted"], { to: "pending", reason: "again", resetAttempts: true, clearCheckpoint: true }, t.now());
    expect((await t.row()).checkpoint).toBeNull();
  });
});

describe("processing: not a failure, not an attempt", () => {
  it("pending until waitMs has passed, attempts back to what they were, then resumed from the checkpoint", async () => {
    const t = await setup(true, ["processing", "processing", "ok"]);
    expect((await t.deliver()).map((o) => o.state)).toEqual(["pending"]);
    expect(await t.row()).toMatchObject({ state: "pending", attempts: 0, checkpoint: "container:c1", nextAttemptAt: t.now() + 60_000 });
    expect((await t.row()).reason).toMatch(/still processing the post; looking again at .*: the container is IN_PROGRESS/);
    expect(await t.deliver()).toEqual([]); // not due yet
    expect(await t.store.deliveries.nextPendingAt(t.now(), ["d"])).toBe(t.now() + 60_000);
    t.advance(60_000);
    expect((await t.deliver()).map((o) => o.state)).toEqual(["pending"]);
    t.advance(60_000);
    expect((await t.deliver()).map((o) => o.state)).toEqual(["sent"]);
    expect(await t.row()).toMatchObject({ state: "sent", attempts: 1 });
    expect(t.platform.seen).toEqual([null, "container:c1", "container:c1"]);
    expect([...t.platform.containers.keys()]).toEqual(["c1"]);
  });
});

describe("recovery after a crash during the send", () => {
  async function crashMidSend(resumes: boolean, checkpoint: string | null) {
    const t = await setup(resumes);
    const { id } = await t.row();
    await t.sendingByDeadProcess(id);
    if (checkpoint) expect(await t.store.deliveries.saveCheckpoint(id, 1, checkpoint, t.now())).toBe(true);
    await t.takeOver();
    return { ...t, result: await t.service.recover() };
  }

  it("a row whose checkpoint resumes is queued again, saying why", async () => {
    const t = await crashMidSend(true, "container:c9");
    expect(t.result).toEqual({ uncertain: 0, requeued: 0, resumed: 1 });
    expect(await t.row()).toMatchObject({ state: "pending", checkpoint: "container:c9" });
    expect((await t.row()).reason).toMatch(/resumes from its checkpoint/);
  });

  it.each<[string, boolean, string | null]>([
    ["no checkpoint saved", true, null],
    ["a checkpoint the adapter does not resume from", true, "thumbnail:t1"],
    ["an adapter that declares no resumesFrom", false, "container:c9"],
  ])("%s: uncertain", async (_name, resumes, checkpoint) => {
    const t = await crashMidSend(resumes, checkpoint);
    expect(t.result).toEqual({ uncertain: 1, requeued: 0, resumed: 0 });
    expect((await t.row()).state).toBe("uncertain");
  });
});

describe("saveCheckpoint refuses what must not be stored", () => {
  it.each([
    ["a value over 1,024 characters", "container:" + "9".repeat(1015), /checkpoint refused: 1025 characters, over 1024/],
    ["a value holding one of the destination's secrets", "container:s3cret-token", /checkpoint refused: it holds one of the destination's secrets/],
  ])("%s: the send stops before publishing, nothing stored", async (_name, value, why) => {
    const t = await setup(true);
    t.platform.checkpointFor = () => value;
    expect((await t.deliver()).map((o) => o.state)).toEqual(["failed"]);
    const row = await t.row();
    expect(row).toMatchObject({ state: "failed", checkpoint: null });
    expect(row.reason).toMatch(why);
    expect(t.platform.posts).toEqual([]);
  });

  it("only the attempt that marked the row sending may write it (fenced like the move to sending)", async () => {
    const t = await setup(true);
    const { id } = await t.row();
    await t.store.deliveries.transition(id, ["pending"], { to: "sending", claim: t.claim }, t.now());
    expect(await t.store.deliveries.saveCheckpoint(id, 2, "container:c1", t.now())).toBe(false);
    expect(await t.store.deliveries.saveCheckpoint(id, 1, "container:c1", t.now())).toBe(true);
    await t.store.deliveries.transition(id, ["sending"], { to: "failed", errorKind: "transient", reason: "x", nextAttemptAt: t.now() }, t.now());
    expect(await t.store.deliveries.saveCheckpoint(id, 1, "container:c2", t.now())).toBe(false); // no longer sending
    expect((await t.row()).checkpoint).toBe("container:c1");
  });
});
