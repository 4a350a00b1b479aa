/**
 * The same-host liveness check that lets a start take the store over at once from a killed holder:
 * gone only when certain (same host, boot and pid namespace, and the pid absent or another process).
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { spawnChild } from "../../test/support/children.js";
import { holderIsGone, ownerId, procStat, thisProcess } from "./process-identity.js";

const linux = existsSync("/proc/self/stat") && existsSync("/proc/self/ns/pid");

describe.runIf(linux)("holderIsGone", () => {
  const me = thisProcess("crier run", true);

  it("knows this process: pid, start time, pid namespace, boot", () => {
    expect(me).toMatchObject({ pid: process.pid, command: "crier run", takesRequests: true });
    expect(me.startTicks).toMatch(/^\d+$/);
    expect(me.pidNamespace).toMatch(/^pid:\[\d+\]$/);
    expect(me.bootId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ownerId(me)).not.toBe(ownerId(me)); // each opening is an owner of its own
  });

  it("a live holder is not gone; once killed (and reaped) it is", async () => {
    // Registered: the hygiene hook ends it even when an assertion fails.
    const child = spawnChild(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);
    const stat = procStat(child.pid);
    expect(stat).not.toBeNull();
    const holder = { ...me, pid: child.pid, startTicks: stat?.startTicks ?? null };
    expect(holderIsGone(holder, me)).toBe(false);
    child.child.kill("SIGKILL");
    await child.exited; // reaped
    expect(holderIsGone(holder, me)).toBe(true);
  });

  it("a pid now used by another process (another start time) is gone; this very process is not", () => {
    expect(holderIsGone({ ...me, startTicks: String(Number(me.startTicks) + 1) }, me)).toBe(true);
    expect(holderIsGone(me, me)).toBe(false);
  });

  it.each([
    ["another host", { host: `${me.host}-other` }],
    ["another boot", { bootId: "00000000-0000-0000-0000-000000000000" }],
    ["another pid namespace (a container)", { pidNamespace: "pid:[1]" }],
    ["no pid namespace known (not Linux)", { pidNamespace: null }],
    ["no start time known", { startTicks: null }],
  ])("%s: never judged gone, even when its pid is free here", (_what, diff) => {
    const freePid = 4_194_303; // above pid_max's default: no such process here
    expect(existsSync(`/proc/${freePid}`)).toBe(false);
    expect(holderIsGone({ ...me, pid: freePid, ...diff }, me)).toBe(false);
    expect(holderIsGone({ ...me, pid: freePid }, me)).toBe(true); // the same, on this host: gone
  });
});
