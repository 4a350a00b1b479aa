/**
 * `crier run`'s composition: recovery, the public listener (WebSub, served images), the scheduler, each
 * given the small interface it needs of intake and delivery, operator requests handed over by
 * short commands, and a clean stop. A failure of the store itself in work nobody awaits (a
 * scheduled poll) stops the service: it could not record what it posts. So does losing the
 * store's lease: another process owns the store now.
 */
import type { CrierConfig } from "../config/load.js";
import { StorageError } from "../store/storage-error.js";
import { LeaseLostError } from "../store/leases.js";
import { Scheduler, type ScheduledWork, type SchedulePlan } from "../scheduler/index.js";
import type { PublicListener } from "./public-listener.js";
import type { IntakePeer } from "./intake.js";
import type { Crier } from "./open.js";
import { serveOne } from "./handover.js";

/** The schedule of `crier run` from the config: the enabled feeds' crons and the service's own jobs (deliveries, retention, the credential watch). */
export function schedulePlan(config: CrierConfig): SchedulePlan {
  return {
    // The config's own feed objects (no object of three fields per feed: 100,000 feeds in one process).
    feeds: config.feeds.filter((f) => f.enabled),
    spread: config.polling.spread,
    maxSpreadMs: config.polling.maxSpreadMs,
    deliverySchedule: config.delivery.intervalSchedule,
    retentionSchedule: config.retention.schedule,
    credentialSchedule: config.credentials.watchSchedule,
  };
}

/**
 * What the scheduler runs: intake's polls (told of the WebSub subscriber, when there is one),
 * delivery passes, retention. A StorageError is passed to `failed` before it goes on; a
 * LeaseLostError (the fenced store refused a send) ends the ownership.
 */
export function scheduledWork(crier: Crier, websub: () => IntakePeer | null, failed: (err: StorageError) => void): ScheduledWork {
  const watch = <T>(work: Promise<T>): Promise<T> =>
    work.catch((err: unknown) => {
      if (err instanceof StorageError) failed(err);
      if (err instanceof LeaseLostError) crier.ownership?.markLost();
      throw err;
    });
  return {
    // Nobody reads a scheduled cycle's reports one by one: only the notable ones are kept.
    pollFeeds: (feedIds, opts) => watch(crier.intake.pollFeeds(feedIds, { ...opts, websub: websub(), reports: "notable" })),
    deliverPass: () => watch(crier.delivery.deliverPass()),
    nextDeliveryIn: async () => {
      const at = await watch(crier.delivery.nextDueAt());
      return at === null ? null : Math.max(0, at - crier.now());
    },
    maintain: () => watch(crier.maintenance.maintain()),
    watchCredentials: () => watch(crier.delivery.watchCredentials()),
  };
}

export interface RunOptions {
  /** The store failed: the service stops (after this returns). */
  onStorageFailure: (err: StorageError) => void;
  /** Another process took the store over: the service stops (after this returns). */
  onLeaseLost: () => void;
  /** How often waiting operator requests are looked for (default 500 ms). */
  requestPollMs?: number;
}

export class CrierRun {
  private stopping: Promise<void> | null = null;
  private requestTimer: NodeJS.Timeout | null = null;
  /** The requests being served now, which `stop` waits for. */
  private serving: Promise<void> | null = null;
  private stoppedResolve!: () => void;
  /** Resolves once the service has stopped and Crier is closed. */
  readonly stopped = new Promise<void>((resolve) => (this.stoppedResolve = resolve));

  private constructor(
    private readonly crier: Crier,
    readonly scheduler: Scheduler,
    readonly listener: PublicListener | null,
  ) {}

  /**
   * Recovers rows a previous process left `sending`, opens the public listener for WebSub and
   * served images (before the first poll: a hub verifies a subscription as soon as we ask for it)
   * and starts the schedule.
   */
  static async start(crier: Crier, opts: RunOptions): Promise<CrierRun> {
    await crier.delivery.recover();
    let run: CrierRun | null = null;
    const failed = (err: StorageError): void => {
      if (!run || run.stopping) return;
      opts.onStorageFailure(err);
      void run.stop("storage failure");
    };
    let subscriber: IntakePeer | null = null;
    const scheduler = new Scheduler(schedulePlan(crier.config), scheduledWork(crier, () => subscriber, failed), crier.logger, crier.stopping);
    // fastify, the subscriber and the media route load only when WebSub or served images need them.
    const { config } = crier;
    const listener =
      config.websub || config.websubOffReason || crier.publicMedia
        ? await (await import("./public-listener.js")).startPublicListener(crier, () => scheduler.deliverSoon())
        : null;
    subscriber = listener?.websub?.subscriber ?? null;
    const started = new CrierRun(crier, scheduler, listener);
    run = started;
    crier.ownership?.onLost(() => {
      if (started.stopping) return;
      opts.onLeaseLost();
      void started.stop("lease lost");
    });
    if (crier.ownership) {
      const owner = crier.ownership.claim.owner;
      started.requestTimer = setInterval(() => started.serveRequests(owner, failed), opts.requestPollMs ?? 500);
    }
    scheduler.start();
    crier.logger.info({ feeds: config.feeds.length, destinations: config.destinations.length }, "crier running");
    return run;
  }

  /** Polls every feed once now (a restart does not wait for the schedule), then delivers. */
  async runAllNow(): Promise<void> {
    await this.scheduler.runAllNow().catch((err: unknown) => {
      if (!(err instanceof StorageError || err instanceof LeaseLostError)) throw err; // reported, and stopping, already
    });
  }

  /**
   * Runs the operator requests waiting in the store (short commands run while this process holds
   * it) with the same Operations methods, one at a time; a queued retry or a resumed destination
   * gets a delivery pass at once.
   */
  private serveRequests(owner: string, failed: (err: StorageError) => void): void {
    if (this.serving || this.stopping || this.crier.stopping.aborted) return;
    this.serving = (async () => {
      try {
        for (let served; (served = await serveOne(this.crier.store.requests, this.crier.operations, owner, this.crier.now)); ) {
          this.crier.logger.info({ op: served.op, ok: served.ok }, "operator request done");
          this.scheduler.deliverSoon();
          if (this.stopping) break;
        }
      } catch (err) {
        if (err instanceof StorageError) failed(err);
        else this.crier.logger.error({ err }, "operator request failed");
      } finally {
        this.serving = null;
      }
    })();
  }

  /** Stops taking work, lets what is in flight finish, closes Crier. Idempotent. */
  stop(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      if (this.requestTimer) clearInterval(this.requestTimer);
      this.crier.logger.info({ signal: reason }, "stopping: finishing work in flight");
      await this.serving;
      await this.listener?.close();
      await this.scheduler.halt();
      this.crier.beginShutdown();
      await this.scheduler.settle();
      await this.crier.close();
      this.stoppedResolve();
    })();
    return this.stopping;
  }
}
