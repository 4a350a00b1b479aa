/**
 * `crier run`: one node-cron job per feed (no overlap), a delivery pass after every poll and on
 * the delivery schedule (retries), and a clean stop that lets in-flight work finish.
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
    for (const feed of config.feeds.filter((f) => f.enabled)) {
      const task = cron.schedule(feed.schedule, () => this.track(this.pollAndDeliver(feed.id)), {
        name: `feed:${feed.id}`,
        timezone: feed.timezone,
        noOverlap: true,
      });
      this.tasks.push(task);
      logger.info({ feed: feed.id, schedule: feed.schedule, timezone: feed.timezone, next: task.getNextRun()?.toISOString() }, "feed scheduled");
    }
    this.tasks.push(
      cron.schedule(config.delivery.intervalSchedule, () => this.track(this.kickDelivery()), { name: "deliveries", noOverlap: true }),
    );
  }

  /** Runs every feed once now (at start, so that a restart does not wait for the schedule). */
  async runAllNow(): Promise<void> {
    await this.track(this.app.pollFeeds().then(() => this.kickDelivery()));
  }

  private async pollAndDeliver(feedId: string): Promise<void> {
    if (this.app.stopping) return;
    await this.app.pollFeeds([feedId]);
    await this.kickDelivery();
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
