/**
 * What every opening of Crier does first (./open.ts for the services, ./open-listings.ts for the
 * read-only listings): the config with its adapters, the secret scrubber and the logger, and the
 * store opened read-only. The logger is loaded only by a process that logs (./logging.ts).
 */
import { existsSync } from "node:fs";
import type { Logger } from "pino";
import { configWarnings, loadConfigFrom, type AdapterSource, type CrierConfig, type RefusedPlatforms } from "../config/load.js";
import type { Scrubber } from "../secrets.js";
import type { LoggingOptions } from "./logging.js";
import { SqliteStore } from "../store/sqlite/index.js";

export interface BaseOptions extends LoggingOptions {
  configPath: string;
  env: NodeJS.ProcessEnv;
  /** The adapters, or their loaders: then only those the config names are loaded. */
  adapters: AdapterSource;
  /** Platforms refused with a reason (the registry's `refusedPlatforms`). */
  refusedPlatforms?: RefusedPlatforms;
}

/** The config, its scrubber and the logger; the config's warnings logged. @throws ConfigError */
export async function openConfig(opts: BaseOptions): Promise<{ config: CrierConfig; scrub: Scrubber; logger: Logger }> {
  const config = await loadConfig(opts);
  return { config, ...(await openLogging(config, opts)) };
}

/** The config with its adapters; nothing logged. @throws ConfigError */
export async function loadConfig(opts: BaseOptions): Promise<CrierConfig> {
  return loadConfigFrom(opts.configPath, { env: opts.env, adapters: opts.adapters, ...(opts.refusedPlatforms ? { refusedPlatforms: opts.refusedPlatforms } : {}) });
}

/** The scrubber and the logger for `config` (./logging.ts, loaded now), its warnings logged. */
export async function openLogging(config: CrierConfig, opts: LoggingOptions): Promise<{ scrub: Scrubber; logger: Logger }> {
  return (await import("./logging.js")).startLogging(config, configWarnings(config), opts);
}

/** Whether opening on `config` has anything to log: the config's warnings, or a destination it pauses. Pure. */
export function hasOpeningWarnings(config: CrierConfig): boolean {
  return configWarnings(config).length > 0 || config.destinations.some((d) => d.pausedReason);
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
