/**
 * The console destination: prints each post (the demo's destination, and a dry run you can read).
 * Optionally appends every post as a JSON line to a file, which the tests read back.
 */
import { appendFileSync } from "node:fs";
import path from "node:path";
import { defineAdapter, deliveryError, errorText } from "../../src/core/index.js";
import { consoleConfig, type ConsoleConfig } from "./config.js";
import { CONSOLE_DEFAULT_TEMPLATE, consoleLimits, renderConsole, type ConsolePayload } from "./render.js";

/** Where posts go: the stream, and the JSON-lines file when one is configured. */
interface ConsoleClient {
  cfg: ConsoleConfig;
  stream: NodeJS.WriteStream;
  file: string | null;
}

let sequence = 0;

export const consoleAdapter = defineAdapter<ConsoleConfig, ConsolePayload, ConsoleClient>({
  platform: "console",
  displayName: "the console",
  description: "Prints posts to the terminal (and optionally a JSON-lines file); no credentials.",
  config: consoleConfig,
  rateLimits: [],
  defaultTemplate: CONSOLE_DEFAULT_TEMPLATE,
  defaultLimits: consoleLimits,
  render: renderConsole,
  classify(err) {
    const code = err && typeof err === "object" ? (err as NodeJS.ErrnoException).code : undefined;
    // A full disk may clear; anything else (no such folder, no permission) needs the operator.
    return deliveryError(code === "ENOSPC" || code === "EAGAIN" ? "transient" : "rejected", `cannot write the post: ${errorText(err)}`);
  },
  connect: async (cfg, deps) => ({
    cfg,
    stream: cfg.output === "stderr" ? process.stderr : process.stdout,
    file: cfg.file ? path.resolve(deps.baseDir, cfg.file) : null,
  }),
  async send({ cfg, stream, file }, payload, ctx) {
    const remoteId = `${process.pid}-${Date.now()}-${++sequence}`;
    if (file) {
      // Opened, appended and closed per post (a rotated file is picked up at once), synchronously:
      // one local write costs less than the thread-pool round trips of fs/promises (~0.1 ms).
      appendFileSync(file, `${JSON.stringify({ deliveryId: ctx.deliveryId, remoteId, ...payload })}\n`);
    }
    const rule = "─".repeat(cfg.width);
    stream.write(`${rule}\n${payload.text}\n${rule}\n`);
    return { remoteId, remoteUrl: null };
  },
  check: async ({ cfg, file }) => (file ? `prints to ${cfg.output} and ${file}` : `prints to ${cfg.output}`),
});
