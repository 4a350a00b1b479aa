/**
 * `crier run`: one node-cron job per distinct (schedule, time zone) — not one per feed: thousands
 * of per-feed jobs firing in the same tick starve each other past node-cron's missed-run
 * tolerance and get skipped — polling its feeds through the app's bounded pool, then one delivery
 * pass; a delivery job for retries; and a clean stop that lets in-flight work finish.
 */
import cron, { type ScheduledTask } from "node-cron";
import type { App } from "../app.js";

export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private delivering: Promise<void> | null = null;
  private deliverAgain = false;

  constructor(private readonly app: App) {}

  start(): void {
    const { config, logger } = this.app;
    const groups = new Map<string, { schedule: string; timezone: string; feedIds: string[] }>();
    for (const feed of config.feeds.filter((f) => f.enabled)) {
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
      spreadMs = Math.min(intervalMs(task) * config.polling.spread, config.polling.maxSpreadMs);
      this.tasks.push(task);
      logger.info(
        { feeds: group.feedIds.length, schedule: group.schedule, timezone: group.timezone, spreadMs, next: task.getNextRun()?.toISOString() },
        "feeds scheduled",
      );
    }
    this.tasks.push(
      cron.schedule(config.delivery.intervalSchedule, () => this.track(this.kickDelivery()), { name: "deliveries", noOverlap: true }),
      cron.schedule(config.retention.schedule, () => this.track(this.app.maintain()), { name: "maintenance", noOverlap: true }),
    );
  }

  /**
   * Runs every feed once now (at start, so that a restart does not wait for the schedule). Not
   * spread: the bounded pool paces it, and a restart should catch up at once.
   */
  async runAllNow(): Promise<void> {
    await this.track(this.app.pollFeeds().then(() => this.kickDelivery()));
  }

  private async pollAndDeliver(feedIds: string[], spreadMs: number): Promise<void> {
    if (this.app.stopping) return;
    await this.app.pollFeeds(feedIds, { spreadMs, onQueued: () => this.deliverSoon() });
    await this.kickDelivery();
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
          while (!this.app.stopping) {
            const outcomes = await this.app.deliver();
            if (outcomes.length < this.app.config.delivery.batchSize) break;
          }
        } while (this.deliverAgain && !this.app.stopping);
      } catch (err) {
        this.app.logger.error({ err }, "delivery pass failed");
      } finally {
        this.delivering = null;
      }
    })();
    return this.delivering;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /** Stops the schedule and waits for polls and sends in flight. */
  async stop(): Promise<void> {
    for (const task of this.tasks) await task.destroy();
    this.app.beginShutdown();
    await Promise.allSettled([...this.inFlight]);
  }
}

/** The shortest gap between a schedule's next runs (a cron interval need not be regular). */
function intervalMs(task: ScheduledTask): number {
  const runs = task.getNextRuns(4).map((d) => d.getTime());
  let shortest = Infinity;
  for (let i = 1; i < runs.length; i++) shortest = Math.min(shortest, (runs[i] ?? 0) - (runs[i - 1] ?? 0));
  return Number.isFinite(shortest) ? shortest : 0;
}
