/**
 * The secret scrubber and the logger of an opening of Crier, the config's warnings logged. Its
 * own module, imported when needed (./open-base.ts): pino (~30 files) is loaded only by a
 * process that logs, and a listing with nothing to warn about does not.
 */
import type { DestinationStream, Logger } from "pino";
import type { CrierConfig } from "../config/load.js";
import { createLogger } from "../log.js";
import { createScrubber, type Scrubber } from "../secrets.js";

export interface LoggingOptions {
  logDestination?: DestinationStream;
  logLevel?: string;
  /** Pretty log lines (default: when stderr is a terminal); false: JSON lines always. */
  prettyLogs?: boolean;
}

/** The scrubber and the logger for `config`; `warnings` (the config's) logged. */
export function startLogging(config: Pick<CrierConfig, "file" | "logLevel" | "secretValues">, warnings: readonly string[], opts: LoggingOptions): { scrub: Scrubber; logger: Logger } {
  // One scrubber for logs and stored text: renewed tokens are added to it when they are stored.
  const scrub = createScrubber(config.secretValues);
  const logger = createLogger({
    level: opts.logLevel ?? config.logLevel,
    secretValues: config.secretValues,
    scrubber: scrub,
    ...(opts.logDestination ? { destination: opts.logDestination } : {}),
    ...(opts.prettyLogs !== undefined ? { pretty: opts.prettyLogs } : {}),
  });
  for (const warning of warnings) logger.warn({ config: config.file, warning }, "config: should change");
  return { scrub, logger };
}
