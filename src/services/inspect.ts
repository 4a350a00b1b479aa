/**
 * What can be asked without opening Crier: the config and the delivery log checked (`crier
 * validate`), the adapters installed (`crier adapters`). Plain data out; nothing is written.
 */
import { ConfigError, configNotes, configWarnings, loadConfigFrom, type AdapterRegistry, type AdapterSource, type RefusedPlatforms } from "../config/load.js";
import type { Capabilities, Limits, RateLimit } from "../core/adapter.js";
import type { StorageError } from "../store/storage-error.js";
import { checkStorage } from "../store/sqlite/check.js";

export type ValidateResult =
  | { valid: false; error: ConfigError }
  | {
      valid: true;
      file: string;
      feeds: number;
      destinations: number;
      /** Destinations the config keeps from running (a secret missing from the environment). */
      paused: Array<{ destination: string; reason: string | null }>;
      warnings: string[];
      /** Worth knowing, nothing to change (the exit code stays 0). */
      notes: string[];
      storage: { path: string; problem: StorageError | null };
    };

/** The config (structure, references, secrets) and the delivery log: its folder writable, an existing file Crier's and whole. */
export async function validate(opts: { configPath: string; env: NodeJS.ProcessEnv; adapters: AdapterSource; refusedPlatforms?: RefusedPlatforms }): Promise<ValidateResult> {
  let config;
  try {
    config = await loadConfigFrom(opts.configPath, { env: opts.env, adapters: opts.adapters, ...(opts.refusedPlatforms ? { refusedPlatforms: opts.refusedPlatforms } : {}) });
  } catch (err) {
    if (err instanceof ConfigError) return { valid: false, error: err };
    throw err;
  }
  return {
    valid: true,
    file: config.file,
    feeds: config.feeds.length,
    destinations: config.destinations.length,
    paused: config.destinations.filter((d) => d.pausedReason).map((d) => ({ destination: d.id, reason: d.pausedReason })),
    warnings: configWarnings(config),
    notes: configNotes(config),
    storage: { path: config.storagePath, problem: checkStorage(config.storagePath) },
  };
}

export interface AdapterInfo {
  platform: string;
  description: string;
  limits: Limits;
  rateLimits: readonly RateLimit[];
  capabilities: Capabilities;
}

/** The installed adapters with their documented limits and capabilities. */
export function listAdapters(registry: AdapterRegistry): AdapterInfo[] {
  return [...registry.values()].map((a) => ({
    platform: a.platform,
    description: a.description,
    limits: a.defaultLimits(),
    rateLimits: a.rateLimits,
    capabilities: a.capabilities,
  }));
}
