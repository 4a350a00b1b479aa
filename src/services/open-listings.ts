/**
 * Opens the read-only listings on a config (`crier deliveries`, `feeds`, `destinations`,
 * `subscriptions`): the config, the store read-only and the destinations' states. Intake and
 * delivery are not loaded: a listing compiles nothing that polls or sends. It logs only the
 * config's warnings: without any, no logger is made (and pino is not loaded).
 */
import type { Logger } from "pino";
import type { CrierConfig } from "../config/load.js";
import { DestinationStates } from "../delivery/destination-states.js";
import { destinationViews, Listings } from "./listings.js";
import { hasOpeningWarnings, loadConfig, openLogging, openReadStore, warnPausedByConfig, type BaseOptions } from "./open-base.js";

export interface OpenListings {
  readonly config: CrierConfig;
  /** Null when there was nothing to log. */
  readonly logger: Logger | null;
  readonly listings: Listings;
  close(): Promise<void>;
}

/** @throws ConfigError (the config), StorageError (the delivery log cannot be read) */
export async function openListings(opts: BaseOptions & { now?: () => number }): Promise<OpenListings> {
  const config = await loadConfig(opts);
  const logger = hasOpeningWarnings(config) ? (await openLogging(config, opts)).logger : null;
  const store = openReadStore(config);
  try {
    const now = opts.now ?? Date.now;
    const states = await DestinationStates.load(store.destinations, config.destinations);
    if (logger) warnPausedByConfig(config, logger);
    const listings = new Listings({ config, store, views: () => destinationViews(config.destinations, states, now()) });
    return {
      config, logger, listings,
      async close() {
        await store.close();
        logger?.flush?.();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
