/**
 * `crier run`'s schedule: one node-cron job per distinct (schedule, time zone) — not one per feed:
 * thousands of per-feed jobs firing in the same tick starve each other past node-cron's
 * missed-run tolerance and get skipped — polling its feeds, then a delivery pass when it queued any; a delivery job
 * for retries; a retention job; the credential watch; and a clean stop that lets in-flight work finish. The work itself
 * comes through `ScheduledWork`: the scheduler knows no service.
 */
import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "pino";

/** What the scheduler runs (given by `crier run`'s composition). */
export interface ScheduledWork {
  /** Polls these feeds (all enabled ones when absent), each at its offset within `spreadMs`. */
  pollFeeds(feedIds: readonly string[] | undefined, opts: { spreadMs: number; onQueued?: () => void }): Promise<unknown>;
  /** One delivery pass; true when it was full (more rows may be due at once). */
  deliverPass(): Promise<boolean>;
  /**
   * In how many ms a row held back by the last pass comes due (a rate gate's hold, a timed pause,
   * a post still processing); null when none is.
   */
  nextDeliveryIn(): Promise<number | null>;
  /** Retention. */
  maintain(): Promise<unknown>;
  /** The daily credential watch (checks and alerts before credentials lapse). */
  watchCredentials(): Promise<unknown>;
}

/** When to run what: the enabled feeds' schedules and the service's own jobs. */
export interface SchedulePlan {
  feeds: ReadonlyArray<{ readonly id: string; readonly schedule: string; readonly timezone: string }>;
  /** A schedule's polls spread over this part of its interval... */
  spread: number;
  /** ...but no longer than this (ms). */
  maxSpreadMs: number;
  deliverySchedule: string;
  retentionSchedule: string;
  credentialSchedule: string;
}

export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private delivering: Promise<void> | null = null;
  private deliverAgain = false;
  /** The one timer for the next held row's time (a pass replaces it). */
  private wake: NodeJS.Timeout | null = null;
  private halted = false;

  constructor(
    private readonly plan: SchedulePlan,
    private readonly work: ScheduledWork,
    private readonly logger: Logger,
    /** Aborted when the service stops: no new work starts. */
    private readonly stopping: AbortSignal,
  ) {}

  start(): void {
    const groups = new Map<string, { schedule: string; timezone: string; feedIds: string[] }>();
    for (const feed of this.plan.feeds) {
      const key = `${feed.schedule}\u0000${feed.timezone}`;
      const group = groups.get(key) ?? { schedule: feed.schedule, timezone: feed.timezone, feedIds: [] };
      group.feedIds.push(feed.id);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      let spreadMs = 0;
      const task = cron.schedule(group.schedule, () => this.track(this.pollAndDeliver(group.feedIds, spreadMs)), {
        name: `feeds:${group.schedule}:${group.timezone}`,
        timezone: group.timezone,
        noOverlap: true,
      });
      spreadMs = Math.min(intervalMs(task) * this.plan.spread, this.plan.maxSpreadMs);
      this.tasks.push(task);
      this.logger.info(
        { feeds: group.feedIds.length, schedule: group.schedule, timezone: group.timezone, spreadMs, next: task.getNextRun()?.toISOString() },
        "feeds scheduled",
      );
    }
    this.tasks.push(
      cron.schedule(this.plan.deliverySchedule, () => this.track(this.kickDelivery()), { name: "deliveries", noOverlap: true }),
      cron.schedule(this.plan.retentionSchedule, () => this.track(this.work.maintain()), { name: "maintenance", noOverlap: true }),
      cron.schedule(this.plan.credentialSchedule, () => this.track(this.work.watchCredentials()), { name: "credentials", noOverlap: true }),
    );
  }

  /**
   * Runs every feed once now (at start, so that a restart does not wait for the schedule). Not
   * spread: the bounded pool paces it, and a restart should catch up at once.
   */
  async runAllNow(): Promise<void> {
    await this.track(this.work.pollFeeds(undefined, { spreadMs: 0 }).then(() => this.kickDelivery()));
  }

  private async pollAndDeliver(feedIds: string[], spreadMs: number): Promise<void> {
    if (this.stopping.aborted) return;
    let queued = false;
    const onQueued = (): void => {
      queued = true;
      this.deliverSoon();
    };
    await this.work.pollFeeds(feedIds, { spreadMs, onQueued });
    // A cycle that queued nothing (all 304s, nearly every one) needs no pass: retries come due on
    // the delivery schedule. One that did has its pass, and one more for what came during it.
    if (queued) await this.kickDelivery();
  }

  /** Starts a delivery pass soon (new deliveries were queued, e.g. by a WebSub push); `stop` waits for it. */
  deliverSoon(): void {
    void this.track(this.kickDelivery());
  }

  /** One delivery pass at a time; a request during a pass causes one more pass after it. */
  kickDelivery(): Promise<void> {
    if (this.delivering) {
      this.deliverAgain = true;
      return this.delivering;
    }
    this.delivering = (async () => {
      try {
        do {
          this.deliverAgain = false;
          while (!this.stopping.aborted && (await this.work.deliverPass()));
        } while (this.deliverAgain && !this.stopping.aborted);
        await this.armWake();
      } catch (err) {
        this.logger.error({ err }, "delivery pass failed");
      } finally {
        this.delivering = null;
      }
    })();
    return this.delivering;
  }

  /**
   * A row the pass held back (Telegram's one post a second, a budget, a short platform wait) gets a
   * pass at its time: the delivery schedule (every minute by default) is for retries, and would
   * make a burst of articles go out one a minute.
   */
  private async armWake(): Promise<void> {
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
    if (this.halted || this.stopping.aborted) return;
    const inMs = await this.work.nextDeliveryIn();
    if (inMs === null || this.halted || this.stopping.aborted) return;
    this.wake = setTimeout(() => {
      this.wake = null;
      void this.track(this.kickDelivery());
    }, Math.min(inMs, MAX_TIMER_MS));
    this.wake.unref(); // the schedule keeps the service alive, never this
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /** Stops the schedule: no tick starts new work. */
  async halt(): Promise<void> {
    this.halted = true;
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
    for (const task of this.tasks) await task.destroy();
  }

  /** Waits for the polls and sends in flight (once `stopping` is aborted, they start nothing new). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

/** setTimeout's longest delay; a later wake is simply looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The shortest gap between a schedule's next runs (a cron interval need not be regular). */
function intervalMs(task: ScheduledTask): number {
  const runs = task.getNextRuns(4).map((d) => d.getTime());
  let shortest = Infinity;
  for (let i = 1; i < runs.length; i++) shortest = Math.min(shortest, (runs[i] ?? 0) - (runs[i - 1] ?? 0));
  return Number.isFinite(shortest) ? shortest : 0;
}
