/**
 * Logging: pino JSON to stderr (pretty when stderr is a terminal). Secrets never reach the
 * output: known secret keys are redacted by path, and every secret value taken from the
 * environment is scrubbed from the final line, plain or URL-encoded, wherever it appears
 * (e.g. inside an error message that quotes a request URL).
 */
import { createRequire } from "node:module";
import pino, { type Logger, type DestinationStream } from "pino";
import { createScrubber, SECRET_KEYS } from "./secrets.js";

export interface LoggerOptions {
  level: string;
  secretValues: readonly string[];
  /** Where lines go; defaults to stderr (stdout carries command output). */
  destination?: DestinationStream;
  pretty?: boolean;
}

export function createLogger(opts: LoggerOptions): Logger {
  const scrub = createScrubber(opts.secretValues);
  const paths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
  const destination = opts.destination ?? (opts.pretty ?? process.stderr.isTTY ? prettyStream() : pino.destination(2));
  return pino(
    {
      level: opts.level,
      base: { pid: process.pid },
      redact: { paths, censor: "[redacted]" },
      hooks: { streamWrite: (line: string) => scrub(line) },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

const pinoPretty = createRequire(import.meta.url)("pino-pretty") as (opts: Record<string, unknown>) => DestinationStream;

function prettyStream(): DestinationStream {
  // pino-pretty as a stream (not a worker transport) so that streamWrite still scrubs first.
  return pinoPretty({ destination: 2, colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" });
}
