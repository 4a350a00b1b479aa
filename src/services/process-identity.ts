/**
 * Who this process is, for the store's lease, and whether a holder on this host is gone. A holder
 * is judged gone only when that is certain: same host, same boot, same pid namespace (where pids
 * mean the same) and its pid is no longer that process (absent, a zombie, or another start time).
 * Anything else (another host or container, no /proc) waits for the lease to run out.
 */
import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { LeaseOwnerInfo } from "../store/leases.js";

const read = (file: string): string | null => {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return null;
  }
};

/** The state letter and start time (clock ticks since boot) of a pid, from /proc/PID/stat; null when none. */
export function procStat(pid: number | "self"): { state: string; startTicks: string } | null {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const startTicks = fields[19]; // field 22 of the line, the 20th after comm
  return state && startTicks ? { state, startTicks } : null;
}

function pidNamespace(): string | null {
  try {
    return readlinkSync("/proc/self/ns/pid");
  } catch {
    return null;
  }
}

/** This process as a lease holder, running `command`. */
export function thisProcess(command: string, takesRequests: boolean): LeaseOwnerInfo {
  return {
    host: hostname(),
    pid: process.pid,
    // Not performance.timeOrigin: the first use of `performance` loads perf_hooks (~2 ms of CPU).
    startedAt: Date.now() - Math.round(process.uptime() * 1000),
    command,
    takesRequests,
    pidNamespace: pidNamespace(),
    bootId: read("/proc/sys/kernel/random/boot_id"),
    startTicks: procStat("self")?.startTicks ?? null,
  };
}

/** A fresh owner id for one opening: host, pid, start time, and a nonce (two openings in one process are two owners). */
export function ownerId(info: LeaseOwnerInfo): string {
  return `${info.host}/${info.pid}/${info.startTicks ?? info.startedAt}/${randomBytes(4).toString("hex")}`;
}

/**
 * True only when `holder` is certainly gone: it ran on this host, in this boot and this pid
 * namespace, and its pid is absent, a zombie, or a process started at another time.
 */
export function holderIsGone(holder: LeaseOwnerInfo, me: LeaseOwnerInfo): boolean {
  const comparable = (a: string | null, b: string | null): boolean => a !== null && a === b;
  if (holder.host !== me.host || !comparable(holder.bootId, me.bootId) || !comparable(holder.pidNamespace, me.pidNamespace) || holder.startTicks === null) return false;
  if (holder.pid === me.pid) return holder.startTicks !== me.startTicks;
  const now = procStat(holder.pid);
  return now === null || now.state === "Z" || now.state === "X" || now.startTicks !== holder.startTicks;
}
