/**
 * Opens the read-only listings on a config (`crier deliveries`, `feeds`, `destinations`,
 * `subscriptions`): the config, the store read-only and the destinations' states. Intake and
 * delivery are not loaded: a listing compiles nothing that polls or sends.
 */
import type { Logger } from "pino";
import type { CrierConfig } from "../config/load.js";
import { DestinationStates } from "../delivery/destination-states.js";
import { destinationViews, Listings } from "./listings.js";
import { openConfig, openReadStore, warnPausedByConfig, type BaseOptions } from "./open-base.js";

export interface OpenListings {
  readonly config: CrierConfig;
  readonly logger: Logger;
  readonly listings: Listings;
  close(): Promise<void>;
}

/** @throws ConfigError (the config), StorageError (the delivery log cannot be read) */
export async function openListings(opts: BaseOptions & { now?: () => number }): Promise<OpenListings> {
  const { config, logger } = await openConfig(opts);
  const store = openReadStore(config);
  try {
    const now = opts.now ?? Date.now;
    const states = await DestinationStates.load(store.destinations, config.destinations);
    warnPausedByConfig(config, logger);
    const listings = new Listings({ config, store, views: () => destinationViews(config.destinations, states, now()) });
    return {
      config, logger, listings,
      async close() {
        await store.close();
        logger.flush?.();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
