/**
 * The store's lease as a process holds it: taken when Crier opens to write (refused, or waited
 * for, while another process holds it; taken over at once from a holder on this host that is
 * gone), renewed every quarter of its time while the process runs, given up on close. Losing it
 * (another process took it over after a stall longer than the lease) is told to `onLost` at once;
 * the fenced move to `sending` stops any further send in the meantime.
 */
import type { Logger } from "pino";
import { DATABASE_LEASE, type Lease, type LeaseClaim, type LeaseStore } from "../store/leases.js";
import { holderIsGone, ownerId, thisProcess } from "./process-identity.js";

/** Another process holds the store: nothing was done. The message names it and says what to do. */
export class LeaseHeldError extends Error {
  override name = "LeaseHeldError";
  constructor(
    message: string,
    readonly holder: Lease,
  ) {
    super(message);
  }
}

const time = (ms: number): string => new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
const seconds = (ms: number): string => `${Math.max(0, Math.ceil(ms / 1000))} s`;

/** "`crier run` (pid 4242 on host vm)" */
export function holderName(holder: Lease): string {
  return `\`${holder.info.command}\` (pid ${holder.info.pid} on host ${holder.info.host})`;
}

/** Who holds the store, since when, until when, and what to do: the refusal a second writer prints. */
export function heldMessage(file: string, holder: Lease, waitedMs: number): string {
  const left = holder.expiresAt - holder.now;
  return [
    `${waitedMs ? `waited ${seconds(waitedMs)}: ` : ""}the delivery log ${file} is held by another Crier process: ${holderName(holder)}, since ${time(holder.acquiredAt)}; ` +
      `its lease runs until ${time(holder.expiresAt)} (in ${seconds(left)}) and is renewed while that process runs.`,
    `Stop that process first, or add --wait SECONDS to wait for it (a cron job: crier poll --once --wait 300). ` +
      `If that process was killed, the delivery log is free once its lease runs out, in ${seconds(left)} at most (ownership.leaseSeconds sets how long).`,
  ].join("\n");
}

export interface TakeOptions {
  leases: LeaseStore;
  /** The store's location, for messages. */
  file: string;
  ttlMs: number;
  /** What this process runs ("crier run"), shown to whoever finds the store held. */
  command: string;
  /** This process takes operator requests (`crier run`). */
  takesRequests: boolean;
  /** Wait this long for a holder to let go; 0: refuse at once. */
  waitMs: number;
  /** Holders not waited for (a short command hands its work to a holder that takes requests). */
  noWaitFor?: (holder: Lease) => boolean;
  logger: Logger;
}

/** How often a waiting process asks again. */
const WAIT_POLL_MS = 500;

export class Ownership {
  private timer: NodeJS.Timeout | null = null;
  private lostListeners: Array<() => void> = [];
  private lostFlag = false;

  private constructor(
    private readonly leases: LeaseStore,
    readonly claim: LeaseClaim,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  /** @throws LeaseHeldError when another live process holds the store past `waitMs` */
  static async take(opts: TakeOptions): Promise<Ownership> {
    const { leases, ttlMs, logger } = opts;
    const me = thisProcess(opts.command, opts.takesRequests);
    const owner = ownerId(me);
    const started = Date.now();
    let told = false;
    for (;;) {
      let got = await leases.acquire(DATABASE_LEASE, owner, me, ttlMs);
      if (!got.ok && holderIsGone(got.holder.info, me)) {
        const gone = got.holder;
        got = await leases.acquire(DATABASE_LEASE, owner, me, ttlMs, { replacing: gone.owner });
        if (got.ok) logger.warn({ holder: gone.info, since: gone.acquiredAt }, `took the delivery log over from ${holderName(gone)}: that process is gone (its lease would have run out in ${seconds(gone.expiresAt - gone.now)})`);
      }
      if (got.ok) return new Ownership(leases, { name: DATABASE_LEASE, owner }, ttlMs, logger);
      const waited = Date.now() - started;
      if (waited >= opts.waitMs || opts.noWaitFor?.(got.holder)) throw new LeaseHeldError(heldMessage(opts.file, got.holder, opts.waitMs ? waited : 0), got.holder);
      if (!told) {
        told = true;
        logger.warn({ holder: got.holder.info, expiresAt: got.holder.expiresAt }, `waiting up to ${seconds(opts.waitMs)} for the delivery log: held by ${holderName(got.holder)} until ${time(got.holder.expiresAt)} unless renewed`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_POLL_MS, opts.waitMs - waited)));
    }
  }

  /** True once the lease was found taken by another process. */
  get lost(): boolean {
    return this.lostFlag;
  }

  /** Calls `listener` (once) when the lease is lost. */
  onLost(listener: () => void): void {
    if (this.lostFlag) listener();
    else this.lostListeners.push(listener);
  }

  /** Renews every quarter of the lease; a renewal that finds the lease taken ends it (onLost). */
  keep(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.ttlMs / 4)));
    this.timer.unref(); // never what keeps a process alive
  }

  /** One renewal now; false when the lease is lost. */
  async renew(): Promise<boolean> {
    if (this.lostFlag) return false;
    try {
      const lease = await this.leases.renew(this.claim.name, this.claim.owner, this.ttlMs);
      if (lease) return true;
      const holder = await this.leases.holder(this.claim.name).catch(() => null);
      this.logger.error(
        { holder: holder?.info ?? null },
        `lost the delivery log to ${holder ? holderName(holder) : "another process"}: this process paused longer than ownership.leaseSeconds (${seconds(this.ttlMs)}) and was taken over; it stops sending now`,
      );
      this.markLost();
      return false;
    } catch (err) {
      // The store did not answer (busy, a disk hiccup): the next renewal tries again, the fencing guards sends meanwhile.
      this.logger.warn({ err }, "could not renew the store's lease; trying again");
      return true;
    }
  }

  /** The fenced store found the lease gone (LeaseLostError): the same as a failed renewal. */
  markLost(): void {
    if (this.lostFlag) return;
    this.lostFlag = true;
    this.stopRenewing();
    for (const listener of this.lostListeners.splice(0)) listener();
  }

  /** Stops renewing and gives the lease up (when still ours). */
  async release(): Promise<void> {
    this.stopRenewing();
    if (!this.lostFlag) await this.leases.release(this.claim.name, this.claim.owner);
  }

  private stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
