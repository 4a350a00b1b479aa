/**
 * Logging: pino JSON to stderr (pretty when stderr is a terminal). Secrets never reach the
 * output: known secret keys are censored in every line's fields and bindings (three levels
 * deep, errors included), and every secret value taken from the environment is scrubbed from
 * the final line, plain or URL-encoded, wherever it appears (e.g. inside an error message that
 * quotes a request URL).
 */
import { createRequire } from "node:module";
import pino, { type Logger, type DestinationStream } from "pino";
import { createScrubber, SECRET_KEYS, type Scrubber } from "./secrets.js";

export interface LoggerOptions {
  level: string;
  secretValues: readonly string[];
  /** The scrubber to use (it may learn secrets later, e.g. renewed tokens); default: one made of `secretValues`. */
  scrubber?: Scrubber;
  /** Where lines go; defaults to stderr (stdout carries command output). */
  destination?: DestinationStream;
  pretty?: boolean;
}

export function createLogger(opts: LoggerOptions): Logger {
  const scrub = opts.scrubber ?? createScrubber(opts.secretValues);
  const destination = opts.destination ?? (opts.pretty ?? process.stderr.isTTY ? prettyStream() : pino.destination(2));
  return pino(
    {
      level: opts.level,
      base: { pid: process.pid },
      // Top-level secret keys (of lines and of child loggers' bindings) with pino's `redact`; nested
      // ones in the log formatter, because pino re-parses wildcard paths (`*.key`, `*.*.key`: 42)
      // on every line: ~45 µs a line, against ~1 µs for one walk of the fields.
      redact: { paths: [...SECRET_KEYS], censor: CENSORED },
      formatters: { log: redactLogFields },
      hooks: { streamWrite: (line: string) => scrub(line) },
      // redactLogFields has serialized an Error already; a second pass would lose its type.
      serializers: { err: (err: unknown) => (err instanceof Error ? pino.stdSerializers.err(err) : err) },
    },
    destination,
  );
}

const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS);
export const CENSORED = "[redacted]";
/** Levels searched for secret keys: `key`, `*.key`, `*.*.key` (what a log line's fields nest). */
const SECRET_KEY_DEPTH = 3;

/**
 * A line's fields, censored. The error is serialized first and searched from its own top, since
 * HTTP clients keep the request's headers in an error's fields (`err.response.headers.authorization`).
 */
function redactLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  const err = fields.err;
  const serialized = err instanceof Error ? { ...fields, err: censorSecretKeys(pino.stdSerializers.err(err), 0, true) } : fields;
  return censorSecretKeys(serialized) as Record<string, unknown>;
}

/**
 * `value` with every secret key (SECRET_KEYS) within three levels replaced by "[redacted]". An
 * error is searched from its own top (once: an error inside an error is not searched further).
 * Copies only the objects on the way to a secret and returns `value` itself when it holds none;
 * an error is copied as pino serializes it, so that its type, message and stack survive.
 */
export function censorSecretKeys(value: unknown, depth = 0, inError = false): unknown {
  if (value === null || typeof value !== "object") return value;
  const isError = value instanceof Error;
  if (isError && !inError) return censorKeysOf(value, 0, true);
  return depth >= SECRET_KEY_DEPTH ? value : censorKeysOf(value, depth, inError);
}

function censorKeysOf(value: object, depth: number, inError: boolean): unknown {
  const source = value as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(source)) {
    const child = source[key];
    const censored = SECRET_KEY_SET.has(key) && child !== undefined ? CENSORED : censorSecretKeys(child, depth + 1, inError);
    if (censored === child) continue;
    copy ??= Array.isArray(source)
      ? ([...(source as unknown[])] as unknown as Record<string, unknown>)
      : source instanceof Error
        ? (pino.stdSerializers.err(source) as unknown as Record<string, unknown>)
        : { ...source };
    copy[key] = censored;
  }
  return copy ?? value;
}

function prettyStream(): DestinationStream {
  // pino-pretty as a stream (not a worker transport) so that streamWrite still scrubs first.
  // Loaded only for a terminal (~5 MB): a service's stderr is a pipe or a file.
  const pinoPretty = createRequire(import.meta.url)("pino-pretty") as (opts: Record<string, unknown>) => DestinationStream;
  return pinoPretty({ destination: 2, colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" });
}
