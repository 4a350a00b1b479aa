/**
 * Named leases: who holds a name, since when and until when, every time read from the DATABASE's
 * clock (never a process's), so that processes on different machines agree. One name today,
 * "database" (the process that polls and delivers); a PostgreSQL store can hold "feed:<id>" and
 * "delivery:<id>" claims through the same four methods.
 */

/** The lease the process that polls and delivers holds on the whole store. */
export const DATABASE_LEASE = "database";

/** Who a holder is, for the operator's messages and for the same-host liveness check. */
export interface LeaseOwnerInfo {
  readonly host: string;
  readonly pid: number;
  /** When the process started (epoch ms, its own clock): for messages. */
  readonly startedAt: number;
  /** The command it runs ("crier run", "crier poll --once"). */
  readonly command: string;
  /** It takes operator requests (`crier run`): short commands hand their work to it. */
  readonly takesRequests: boolean;
  /** Linux: /proc/self/ns/pid ("pid:[4026531836]"); pids mean the same only within one namespace. */
  readonly pidNamespace: string | null;
  /** Linux: the kernel's boot id; a pid and start time are only comparable within one boot. */
  readonly bootId: string | null;
  /** Linux: the process's start time in clock ticks since boot (/proc/PID/stat field 22): tells a reused pid apart. */
  readonly startTicks: string | null;
}

export interface Lease {
  readonly name: string;
  /** The owner id (host, pid, start time, and a nonce per opening). */
  readonly owner: string;
  readonly info: LeaseOwnerInfo;
  /** Epoch ms, the database's clock. */
  readonly acquiredAt: number;
  readonly renewedAt: number;
  readonly expiresAt: number;
  /** The database's clock when this was read: "expires in" = expiresAt - now. */
  readonly now: number;
}

/** A claim to present where a write is fenced: it succeeds only while `owner` holds `name`. */
export interface LeaseClaim {
  readonly name: string;
  readonly owner: string;
}

export type Acquired = { readonly ok: true; readonly lease: Lease } | { readonly ok: false; readonly holder: Lease };

/** A write fenced by a lease found it no longer held by this owner: stop writing at once. */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
  constructor(readonly claim: LeaseClaim) {
    super(`this process lost its lease on the delivery log ("${claim.name}") to another Crier process (it paused longer than ownership.leaseSeconds and was taken over): it stopped sending; what it did before is recorded`);
  }
}

export interface LeaseStore {
  /**
   * Takes `name` for `owner` for `ttlMs`: one statement that succeeds only when the name is free,
   * its lease has expired, it is already `owner`'s, or its owner is `replacing` (a holder known to
   * be gone). Otherwise the live holder.
   */
  acquire(name: string, owner: string, info: LeaseOwnerInfo, ttlMs: number, opts?: { replacing?: string }): Promise<Acquired>;
  /**
   * Extends `owner`'s lease to ttlMs from now. Null when the name is no longer `owner`'s (another
   * process took it over): the lease is lost. A lease that ran out but was not taken is still
   * the owner's: nobody else can have acted in between.
   */
  renew(name: string, owner: string, ttlMs: number): Promise<Lease | null>;
  /** Gives the name up (only `owner`'s own lease); true when it was held. */
  release(name: string, owner: string): Promise<boolean>;
  /** The live holder of `name`, or null when it is free or its lease has expired. */
  holder(name: string): Promise<Lease | null>;
}
