/**
 * Opens Crier on a config: logger, store, and the services wired together (intake, delivery,
 * maintenance, operations). "write" takes the store's lease first (./ownership.ts: one process
 * polls and delivers at a time); "read" opens the store read-only (or in memory when there is none
 * yet): nothing is written, nothing is sent, no lease. The composition of `crier run` is ./run.ts.
 */
import path from "node:path";
import type { Logger } from "pino";
import { loadConfigFrom, type CrierConfig } from "../config/load.js";
import type { Scrubber } from "../secrets.js";
import type { Store } from "../store/index.js";
import type { Lease } from "../store/leases.js";
import { SqliteStore } from "../store/sqlite/index.js";
import { Alerter } from "../delivery/alerts.js";
import { Connections } from "../delivery/connections.js";
import { DestinationStates } from "../delivery/destination-states.js";
import { MediaFetcher } from "../delivery/media.js";
import { MediaShelf } from "../delivery/media-shelf.js";
import type { PublicMedia } from "../delivery/pull-image.js";
import { FeedIntake } from "./intake.js";
import { DeliveryService } from "./delivery.js";
import { Maintenance } from "./maintenance.js";
import { Operations } from "./operations.js";
import { Ownership } from "./ownership.js";
import { openConfig, openReadStore, warnPausedByConfig, type BaseOptions } from "./open-base.js";

export interface OpenOptions extends BaseOptions {
  /** "write": polls and deliveries are recorded; "read": nothing is written or sent (dry runs, listings). */
  mode: "write" | "read";
  /** "write": what this process runs, shown to another that finds the store held (default "crier"). */
  command?: string;
  /** "write": this process takes operator requests (`crier run`). */
  takesRequests?: boolean;
  /** "write": wait this long (ms) for another process to let the store go; default 0: refuse at once. */
  waitMs?: number;
  /** "write": holders not waited for (LeaseHeldError at once). */
  noWaitFor?: (holder: Lease) => boolean;
  /**
   * This process runs the public listener (`crier run`): images that platforms pull and that must
   * be served are put on it. Without, such posts go without the image (or are skipped).
   */
  listens?: boolean;
  now?: () => number;
}

export interface Crier {
  readonly config: CrierConfig;
  readonly logger: Logger;
  readonly store: Store;
  /** Removes secret values from text that is stored or printed. */
  readonly scrub: (text: string) => string;
  readonly now: () => number;
  readonly intake: FeedIntake;
  readonly delivery: DeliveryService;
  readonly maintenance: Maintenance;
  readonly operations: Operations;
  /** The store's lease ("write"), or null ("read"). */
  readonly ownership: Ownership | null;
  /** The images served on the public listener; present only when this process listens and a destination pulls images. */
  readonly publicMedia: PublicMedia | undefined;
  /** Aborted once shutdown began. */
  readonly stopping: AbortSignal;
  /** Stop starting new work; what is in flight finishes. */
  beginShutdown(): void;
  close(): Promise<void>;
}

/** @throws ConfigError (the config), StorageError (the delivery log cannot be used), LeaseHeldError (another process holds it) */
export async function openCrier(opts: OpenOptions): Promise<Crier> {
  const { config, scrub, logger } = await openConfig(opts);
  const readOnly = opts.mode === "read";
  const store = readOnly ? openReadStore(config) : new SqliteStore(config.storagePath, { cacheMB: config.storageCacheMB });
  let ownership: Ownership | null = null;
  try {
    if (!readOnly) {
      ownership = await Ownership.take({
        leases: store.leases,
        file: store.location,
        ttlMs: config.ownership.leaseSeconds * 1000,
        command: opts.command ?? "crier",
        takesRequests: opts.takesRequests ?? false,
        waitMs: opts.waitMs ?? 0,
        ...(opts.noWaitFor ? { noWaitFor: opts.noWaitFor } : {}),
        logger,
      });
    }
    return await compose(config, logger, scrub, store, ownership, opts.now ?? Date.now, opts.listens ?? false);
  } catch (err) {
    await ownership?.release().catch(() => undefined);
    await store.close();
    throw err;
  }
}

/**
 * The store alone, writable, without the lease: what a short command needs to hand a request to
 * the process holding the store (./handover.ts).
 * @throws ConfigError, StorageError
 */
export async function openStoreForRequests(opts: Pick<OpenOptions, "configPath" | "env" | "adapters" | "refusedPlatforms">): Promise<Store> {
  const config = await loadConfigFrom(opts.configPath, { env: opts.env, adapters: opts.adapters, ...(opts.refusedPlatforms ? { refusedPlatforms: opts.refusedPlatforms } : {}) });
  return new SqliteStore(config.storagePath, { cacheMB: config.storageCacheMB });
}

async function compose(config: CrierConfig, logger: Logger, scrub: Scrubber, store: Store, ownership: Ownership | null, now: () => number, listens: boolean): Promise<Crier> {
  const dryRun = ownership === null;
  const shutdown = new AbortController();
  // A lost lease stops new work at once (the fenced move to sending already refuses every send).
  ownership?.onLost(() => shutdown.abort());
  ownership?.keep();
  const states = await DestinationStates.load(store.destinations, config.destinations);
  warnPausedByConfig(config, logger);
  const connections = new Connections(logger, path.dirname(config.file), path.dirname(config.storagePath), (values) => scrub.add(values));
  const alertTo = config.alerts ? config.destinations.find((d) => d.id === config.alerts?.destination) : undefined;
  const alerter = new Alerter(config.alerts, alertTo, { meta: store.meta, states, connections, logger, now });
  const media = config.images.enabled ? new MediaFetcher(config.images, config.userAgent, config.network) : undefined;
  // Served images live beside the delivery log (data/media); every writing process sweeps them.
  const shelf = dryRun ? undefined : new MediaShelf(path.join(path.dirname(config.storagePath), "media"), config.publicListener?.mediaGraceMs ?? 0);
  const pulls = config.destinations.some((d) => d.adapter.imageLimits?.delivery === "pull");
  const publicMedia = shelf && listens && pulls && config.publicListener ? { shelf, mediaUrl: `${config.publicListener.url.replace(/\/+$/, "")}/media/` } : undefined;
  const intake = new FeedIntake({ config, store: store.feeds, logger, now, scrub, alert: (a) => alerter.send(a), dryRun, stopping: shutdown.signal });
  const delivery = new DeliveryService({ config, store: store.deliveries, claim: ownership?.claim ?? null, states, connections, alerter, media, publicMedia, logger, now, scrub, dryRun, stopping: shutdown.signal });
  const maintenance = new Maintenance({ config, store, logger, now, dryRun, shelf });
  const operations = new Operations({ config, store, intake, delivery, maintenance, logger, scrub, now });
  return {
    config, logger, store, scrub, now, intake, delivery, maintenance, operations, ownership, publicMedia,
    stopping: shutdown.signal,
    beginShutdown: () => shutdown.abort(),
    async close() {
      await delivery.close();
      await intake.close();
      await ownership?.release();
      await store.close();
      logger.flush?.();
    },
  };
}
