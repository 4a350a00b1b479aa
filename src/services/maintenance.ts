/**
 * Retention: prunes items that left their feeds, finished deliveries and old send-log entries,
 * then checkpoints the WAL. Safe at any time; `crier run` runs it on `retention.schedule`,
 * `crier poll --once` when it has not run for a day, `crier prune` on demand.
 */
import type { Logger } from "pino";
import type { CrierConfig } from "../config/load.js";
import type { PruneResult, Store } from "../store/index.js";
import { StorageError } from "../store/storage-error.js";
import type { MediaShelf } from "../delivery/media-shelf.js";

const DAY = 24 * 3_600_000;

export class Maintenance {
  constructor(
    private readonly deps: { config: CrierConfig; store: Store; logger: Logger; now: () => number; dryRun: boolean; shelf?: MediaShelf | undefined },
  ) {}

  /** Prunes and checkpoints; null (logged) when it failed for another reason than the store itself. @throws StorageError */
  async maintain(): Promise<PruneResult | null> {
    const { config, store, logger, dryRun } = this.deps;
    if (dryRun) return null;
    const now = this.deps.now();
    const { itemsDays, deliveriesDays } = config.retention;
    // The send log must reach back over the longest budget window, or a budget would be overrun.
    const longestWindow = Math.max(DAY, ...config.destinations.flatMap((d) => [...d.adapter.rateLimits, ...d.common.budget].map((w) => w.windowMs)));
    try {
      const pruned = await store.prune({
        now,
        itemsLeftBefore: now - itemsDays * DAY,
        deliveriesBefore: now - deliveriesDays * DAY,
        sendLogBefore: now - longestWindow,
      });
      await store.checkpoint();
      await this.sweepMedia(now);
      await store.meta.setMeta("maintained_at", String(now));
      logger.info({ ...pruned }, "store maintained: pruned and checkpointed");
      return pruned;
    } catch (err) {
      if (err instanceof StorageError) throw err;
      logger.error({ err }, "store maintenance failed");
      return null;
    }
  }

  /** Served images whose delivery is final past the grace period, gone, or older than the deliveries kept. Logged, never fatal. */
  private async sweepMedia(now: number): Promise<void> {
    const { shelf, store, config, logger } = this.deps;
    if (!shelf) return;
    try {
      const swept = await shelf.sweep(now, {
        stateOf: async (id) => (await store.deliveries.getDelivery(id))?.state ?? null,
        maxAgeMs: config.retention.deliveriesDays * DAY,
      });
      if (swept.deleted) logger.info({ ...swept, folder: shelf.dir }, "served images swept");
    } catch (err) {
      if (err instanceof StorageError) throw err;
      logger.warn({ err, folder: shelf.dir }, "served images could not be swept; check the folder's permissions");
    }
  }

  /** Runs `maintain` when it has not run for a day (for `crier poll --once` from cron). */
  async maintainIfDue(): Promise<PruneResult | null> {
    if (this.deps.dryRun) return null;
    const last = Number((await this.deps.store.meta.getMeta("maintained_at")) ?? 0);
    return this.deps.now() - last >= DAY ? this.maintain() : null;
  }
}
