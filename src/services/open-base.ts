/**
 * What every opening of Crier does first (./open.ts for the services, ./open-listings.ts for the
 * read-only listings): the config with its adapters, the secret scrubber and the logger, and the
 * store opened read-only.
 */
import { existsSync } from "node:fs";
import type { DestinationStream, Logger } from "pino";
import { configWarnings, loadConfigFrom, type AdapterSource, type CrierConfig, type RefusedPlatforms } from "../config/load.js";
import { createLogger } from "../log.js";
import { createScrubber, type Scrubber } from "../secrets.js";
import { SqliteStore } from "../store/sqlite/index.js";

export interface BaseOptions {
  configPath: string;
  env: NodeJS.ProcessEnv;
  /** The adapters, or their loaders: then only those the config names are loaded. */
  adapters: AdapterSource;
  /** Platforms refused with a reason (the registry's `refusedPlatforms`). */
  refusedPlatforms?: RefusedPlatforms;
  logDestination?: DestinationStream;
  logLevel?: string;
  /** Pretty log lines (default: when stderr is a terminal); false: JSON lines always. */
  prettyLogs?: boolean;
}

/** The config, its scrubber and the logger; the config's warnings logged. @throws ConfigError */
export async function openConfig(opts: BaseOptions): Promise<{ config: CrierConfig; scrub: Scrubber; logger: Logger }> {
  const config = await loadConfigFrom(opts.configPath, { env: opts.env, adapters: opts.adapters, ...(opts.refusedPlatforms ? { refusedPlatforms: opts.refusedPlatforms } : {}) });
  // One scrubber for logs and stored text: renewed tokens are added to it when they are stored.
  const scrub = createScrubber(config.secretValues);
  const logger = createLogger({
    level: opts.logLevel ?? config.logLevel,
    secretValues: config.secretValues,
    scrubber: scrub,
    ...(opts.logDestination ? { destination: opts.logDestination } : {}),
    ...(opts.prettyLogs !== undefined ? { pretty: opts.prettyLogs } : {}),
  });
  for (const warning of configWarnings(config)) logger.warn({ config: config.file, warning }, "config: should change");
  return { config, scrub, logger };
}

/** The store read-only, or an empty one in memory when there is none yet: nothing is written. @throws StorageError */
export function openReadStore(config: CrierConfig): SqliteStore {
  const exists = existsSync(config.storagePath);
  return new SqliteStore(exists ? config.storagePath : ":memory:", { readonly: exists, cacheMB: config.storageCacheMB });
}

/** Logs each destination the config pauses (a secret missing from the environment). */
export function warnPausedByConfig(config: CrierConfig, logger: Logger): void {
  for (const d of config.destinations) {
    if (d.pausedReason) logger.warn({ destination: d.id, reason: d.pausedReason }, "destination paused by its config");
  }
}
