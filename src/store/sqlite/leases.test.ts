/**
 * The store's lease and the operator requests on real SQLite files, two connections standing for
 * two processes: acquire, renew, expire, take over, release, the database's clock, the fenced move
 * to `sending` and the recovery that touches only rows whose owner's lease has run out.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SqliteStore } from "./index.js";
import { DATABASE_LEASE, LeaseLostError, type LeaseOwnerInfo } from "../leases.js";
import type { PollPlan } from "../feeds.js";
import { scaled, waitFor } from "../../../test/support/timing.js";

const file = (): string => path.join(mkdtempSync(path.join(tmpdir(), "crier-lease-")), "crier.db");
const info = (pid: number, command = "crier run"): LeaseOwnerInfo => ({
  host: "vm", pid, startedAt: 1, command, takesRequests: command === "crier run", pidNamespace: null, bootId: null, startTicks: null,
});

let open: SqliteStore[] = [];
const store = (f: string): SqliteStore => {
  const s = new SqliteStore(f);
  open.push(s);
  return s;
};
afterEach(async () => {
  vi.useRealTimers();
  for (const s of open) await s.close();
  open = [];
});

/** One item with one pending delivery to `out`. */
const onePending: PollPlan = {
  feedId: "news", now: 1, fetchMeta: null, presentKeys: ["guid:g1"],
  newItems: [{ item: { feedId: "news", guid: "g1", link: "https://e.org/1", title: "Story 1", summary: "", author: null, categories: [], imageUrl: null, publishedAt: null }, key: "guid:g1", normLink: "e.org/1", position: 0, aliasOf: null }],
  deliveries: [{ destinationId: "out", itemKey: "guid:g1", normLink: "e.org/1", state: "pending", reason: null }],
  seedRoutes: [], hold: null, clearAccept: false,
};

describe("the store's lease", () => {
  it("is held by one owner at a time: a second is refused and told who holds it, since when, until when", async () => {
    const f = file();
    const a = store(f);
    const b = store(f);
    const got = await a.leases.acquire(DATABASE_LEASE, "A", info(100), 60_000);
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    expect(got.lease.expiresAt - got.lease.acquiredAt).toBe(60_000);

    const refused = await b.leases.acquire(DATABASE_LEASE, "B", info(200, "crier poll --once"), 60_000);
    expect(refused).toMatchObject({ ok: false, holder: { owner: "A", info: { pid: 100, command: "crier run" }, acquiredAt: got.lease.acquiredAt, expiresAt: got.lease.expiresAt } });
    expect((await b.leases.holder(DATABASE_LEASE))?.owner).toBe("A");

    // The holder itself may acquire again (keeps its acquisition time).
    const again = await a.leases.acquire(DATABASE_LEASE, "A", info(100), 60_000);
    expect(again.ok && again.lease.acquiredAt).toBe(got.lease.acquiredAt);
  });

  it("renewal extends it; it runs out when not renewed; then another owner takes it and the old one's renewal finds it lost", async () => {
    const f = file();
    const a = store(f);
    const b = store(f);
    const got = await a.leases.acquire(DATABASE_LEASE, "A", info(100), 300);
    if (!got.ok) throw new Error("not acquired");
    const renewed = await a.leases.renew(DATABASE_LEASE, "A", 300);
    expect(renewed?.expiresAt).toBeGreaterThanOrEqual(got.lease.expiresAt);
    expect(await b.leases.renew(DATABASE_LEASE, "B", 300)).toBeNull(); // not B's to renew

    await waitFor(async () => (await b.leases.holder(DATABASE_LEASE)) === null, 5_000, "the lease to run out");
    const stolen = await b.leases.acquire(DATABASE_LEASE, "B", info(200), 60_000);
    expect(stolen.ok).toBe(true);
    expect(await a.leases.renew(DATABASE_LEASE, "A", 300)).toBeNull(); // lost
    expect((await a.leases.holder(DATABASE_LEASE))?.owner).toBe("B");
  });

  it("a lease that ran out but was not taken is still its owner's to renew (nobody acted in between)", async () => {
    const a = store(file());
    await a.leases.acquire(DATABASE_LEASE, "A", info(100), 100);
    await waitFor(async () => (await a.leases.holder(DATABASE_LEASE)) === null, 5_000, "the lease to run out");
    expect((await a.leases.renew(DATABASE_LEASE, "A", 60_000))?.owner).toBe("A");
    expect((await a.leases.holder(DATABASE_LEASE))?.owner).toBe("A");
  });

  it("release gives it up at once (only the owner's own); a holder known to be gone is replaced before its lease runs out", async () => {
    const f = file();
    const a = store(f);
    const b = store(f);
    await a.leases.acquire(DATABASE_LEASE, "A", info(100), 60_000);
    expect(await b.leases.release(DATABASE_LEASE, "B")).toBe(false);
    expect((await b.leases.holder(DATABASE_LEASE))?.owner).toBe("A");
    expect(await a.leases.release(DATABASE_LEASE, "A")).toBe(true);
    expect(await b.leases.holder(DATABASE_LEASE)).toBeNull();
    expect((await b.leases.acquire(DATABASE_LEASE, "B", info(200), 60_000)).ok).toBe(true);

    // C replaces B only by naming B (its liveness check found B gone); naming another owner does nothing.
    expect((await a.leases.acquire(DATABASE_LEASE, "C", info(300), 60_000, { replacing: "X" })).ok).toBe(false);
    const replaced = await a.leases.acquire(DATABASE_LEASE, "C", info(300), 60_000, { replacing: "B" });
    expect(replaced.ok && replaced.lease.owner).toBe("C");
  });

  it("is timed by the database's clock, not the process's: a process clock an hour off changes nothing", async () => {
    const a = store(file());
    const real = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: real + 3_600_000 });
    const got = await a.leases.acquire(DATABASE_LEASE, "A", info(100), 60_000);
    if (!got.ok) throw new Error("not acquired");
    expect(Math.abs(got.lease.acquiredAt - real)).toBeLessThan(10_000);
    expect(Math.abs(got.lease.now - real)).toBeLessThan(10_000);
    vi.setSystemTime(real - 3_600_000);
    expect((await a.leases.holder(DATABASE_LEASE))?.owner).toBe("A");
    expect((await a.leases.acquire(DATABASE_LEASE, "B", info(200), 60_000)).ok).toBe(false);
  });
});

describe("fencing and recovery by the lease", () => {
  it("the move to sending records its owner and succeeds only while the owner holds the lease", async () => {
    const f = file();
    const a = store(f);
    const b = store(f);
    await a.feeds.applyPlan(onePending);
    const [due] = await a.deliveries.dueDeliveries(Date.now(), 10, ["out"]);
    if (!due) throw new Error("no due row");
    await a.leases.acquire(DATABASE_LEASE, "A", info(100), 200);
    await waitFor(async () => (await b.leases.holder(DATABASE_LEASE)) === null, 5_000, "A's lease to run out");
    await b.leases.acquire(DATABASE_LEASE, "B", info(200), 60_000);

    await expect(a.deliveries.transition(due.record.id, ["pending"], { to: "sending", claim: { name: DATABASE_LEASE, owner: "A" } }, Date.now())).rejects.toBeInstanceOf(LeaseLostError);
    expect((await a.deliveries.getDelivery(due.record.id))?.state).toBe("pending");
    expect(await b.deliveries.sendTimes("out", 0)).toEqual([]); // nothing counted as sent

    expect(await b.deliveries.transition(due.record.id, ["pending"], { to: "sending", claim: { name: DATABASE_LEASE, owner: "B" } }, Date.now())).toBe(true);
    const row = b.conn.db.prepare("SELECT state, owner FROM deliveries WHERE id = ?").get(due.record.id);
    expect(row).toEqual({ state: "sending", owner: "B" });
  });

  it("start-up recovery leaves rows whose owner's lease is live, and settles them once it has run out", async () => {
    const f = file();
    const a = store(f);
    const b = store(f);
    await a.feeds.applyPlan(onePending);
    const [due] = await a.deliveries.dueDeliveries(Date.now(), 10, ["out"]);
    if (!due) throw new Error("no due row");
    // Live for the next two statements however busy the machine is; then left to run out.
    await a.leases.acquire(DATABASE_LEASE, "A", info(100), scaled(1_000));
    await a.deliveries.transition(due.record.id, ["pending"], { to: "sending", claim: { name: DATABASE_LEASE, owner: "A" } }, Date.now());

    expect(await b.deliveries.recoverInterrupted(Date.now(), [])).toEqual({ uncertain: 0, requeued: 0, resumed: 0 });
    expect((await b.deliveries.getDelivery(due.record.id))?.state).toBe("sending");

    await waitFor(async () => (await b.leases.holder(DATABASE_LEASE)) === null, 5_000, "A's lease to run out");
    expect(await b.deliveries.recoverInterrupted(Date.now(), [])).toEqual({ uncertain: 1, requeued: 0, resumed: 0 });
    expect((await b.deliveries.getDelivery(due.record.id))?.state).toBe("uncertain");
  });
});

describe("settling a send", () => {
  it("a process that lost its lease cannot settle the row the next holder is sending again (idempotent re-send)", async () => {
    const f = file();
    const a = store(f);
    const b = store(f);
    await a.feeds.applyPlan(onePending);
    const [due] = await a.deliveries.dueDeliveries(Date.now(), 10, ["out"]);
    if (!due) throw new Error("no due row");
    const id = due.record.id;
    await a.leases.acquire(DATABASE_LEASE, "A", info(100), scaled(500));
    expect(await a.deliveries.transition(id, ["pending"], { to: "sending", claim: { name: DATABASE_LEASE, owner: "A" } }, Date.now())).toBe(true);

    // A stalls past its lease; B takes over, queues the row again under its key and sends it.
    await waitFor(async () => (await b.leases.holder(DATABASE_LEASE)) === null, 5_000, "A's lease to run out");
    await b.leases.acquire(DATABASE_LEASE, "B", info(200), 60_000);
    expect(await b.deliveries.recoverInterrupted(Date.now(), [{ destinationId: "out", since: 0 }])).toEqual({ uncertain: 0, requeued: 1, resumed: 0 });
    expect(await b.deliveries.transition(id, ["pending"], { to: "sending", claim: { name: DATABASE_LEASE, owner: "B" } }, Date.now())).toBe(true);

    // A wakes and its send answers: it must not settle B's send (with its own remote id, or as failed).
    expect(await a.deliveries.transition(id, ["sending"], { to: "sent", remoteId: "from-A", remoteUrl: null }, Date.now(), "A")).toBe(false);
    expect(await a.deliveries.transition(id, ["sending"], { to: "failed", errorKind: "transient", reason: "x", nextAttemptAt: 0 }, Date.now(), "A")).toBe(false);
    expect(a.conn.db.prepare("SELECT state, owner, remote_id FROM deliveries WHERE id = ?").get(id)).toEqual({ state: "sending", owner: "B", remote_id: null });
    expect(await b.deliveries.transition(id, ["sending"], { to: "sent", remoteId: "from-B", remoteUrl: null }, Date.now(), "B")).toBe(true);
    expect((await b.deliveries.getDelivery(id))?.remoteId).toBe("from-B");
  });
});

describe("operator requests", () => {
  it("are taken oldest first, once, by one holder; the outcome is read back; a request not taken can be withdrawn", async () => {
    const f = file();
    const cli = store(f);
    const holder = store(f);
    const first = await cli.requests.submit("retry", { id: 5 }, 1);
    const second = await cli.requests.submit("resume", { destinationId: "out" }, 2);
    expect(await cli.requests.state(first)).toEqual({ state: "waiting" });

    expect(await holder.requests.take("H", 3, 60_000)).toEqual({ id: first, op: "retry", args: { id: 5 }, requestedAt: 1 });
    expect(await cli.requests.state(first)).toEqual({ state: "taken", by: "H" });
    expect(await cli.requests.withdraw(first)).toBe(false); // taken: it runs
    await holder.requests.finish(first, { result: { queued: [] } }, 4);
    expect(await cli.requests.state(first)).toEqual({ state: "done", result: { queued: [] } });
    await cli.requests.forget(first);
    expect(await cli.requests.state(first)).toEqual({ state: "gone" });

    expect(await cli.requests.withdraw(second)).toBe(true);
    expect(await holder.requests.take("H", 5, 60_000)).toBeNull();

    const third = await cli.requests.submit("resolve", { id: 9, as: "sent" }, 6);
    expect((await holder.requests.take("H", 7, 60_000))?.id).toBe(third);
    await holder.requests.finish(third, { error: { name: "UsageError", message: "no delivery #9" } }, 8);
    expect(await cli.requests.state(third)).toEqual({ state: "failed", error: { name: "UsageError", message: "no delivery #9" } });
  });

  it("a request abandoned by its command (never taken, or its answer never read) is dropped, never run later", async () => {
    const f = file();
    const cli = store(f);
    const holder = store(f);
    const answered = await cli.requests.submit("resume", { destinationId: "out" }, 1_000);
    expect((await holder.requests.take("H", 1_000, 60_000))?.id).toBe(answered);
    await holder.requests.finish(answered, { result: {} }, 1_000); // and nobody read it
    const old = await cli.requests.submit("retry", { failed: true }, 2_000); // its command was killed while waiting
    const fresh = await cli.requests.submit("resolve", { id: 9, as: "sent" }, 100_000);

    expect((await holder.requests.take("H", 100_500, 60_000))?.id).toBe(fresh);
    expect(await cli.requests.state(old)).toEqual({ state: "gone" });
    expect(await cli.requests.state(answered)).toEqual({ state: "gone" });
    expect(await holder.requests.take("H", 100_600, 60_000)).toBeNull();
  });
});
