#!/usr/bin/env node
/**
 * The `crier` command line. Commands only: each parses its arguments, calls one operation
 * (src/services/operations.ts; `crier run`: src/services/run.ts) and prints the result.
 */
import { Command, Option, InvalidArgumentError } from "commander";
import { ConfigError } from "./config/config-error.js";
import { DELIVERY_STATES, type DeliveryState } from "./store/deliveries.js";
import { StorageError } from "./store/storage-error.js";
import { LeaseLostError } from "./store/leases.js";
import type { Crier, OpenOptions } from "./services/open.js";
import type { Listings } from "./services/listings.js";
import type { AdapterSource, RefusedPlatforms } from "./config/load.js";
import { UsageError } from "./services/errors.js";
import { LeaseHeldError } from "./services/ownership.js";
import { HolderError, type HandedOver, type OperationArgs, type OperationResult } from "./services/handover.js";
import { capabilityText, deliveryView, formatCheck, feedView, formatDeliveries, formatDuration, formatFeeds, formatPollResult, formatTime, indent, plural } from "./cli/format.js";
import { attentionNotes } from "./cli/attention.js";
import { EXIT, EXIT_CODES } from "./cli/exit-codes.js";
import { commandInArgv } from "./cli/command-in-argv.js";

const program = new Command()
  .name("crier")
  .description("Watches RSS/Atom feeds and posts every new article to social channels, exactly once.")
  .version("0.1.0")
  .exitOverride() // before the subcommands, which inherit it: exit codes are ours
  .configureHelp({ showGlobalOptions: true }) // each command's --help lists --config too
  .addOption(new Option("-c, --config <path>", "config file").env("CRIER_CONFIG").default("config/crier.yaml"))
  .addHelpText("afterAll", EXIT_CODES);

const configPath = (): string => program.opts<{ config: string }>().config;

/** The command being run ("crier feed accept"), shown to another process that finds the store held. */
let commandName = "crier";
program.hook("preAction", (_program, action) => {
  const names: string[] = [];
  for (let c: Command | null = action; c && c !== program; c = c.parent) names.unshift(c.name());
  commandName = ["crier", ...names, ...(names[0] === "poll" ? ["--once"] : [])].join(" ");
});

/** Writers take the store's lease: `--wait SECONDS` waits for another process to let it go. */
const waitOption = (): Option =>
  new Option("--wait <seconds>", "if another Crier process holds the delivery log, wait up to this long for it (without: refuse at once, exit code 4)").argParser((value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("must be a number of seconds, 0 or more");
    return n;
  });

const writer = (opts: { wait?: number }): Partial<OpenOptions> => ({ command: commandName, waitMs: Math.round((opts.wait ?? 0) * 1000) });

// A command loads what it uses when it runs: `crier --help` (printed by src/main.ts) nothing of
// this, `validate` the config stack, listings the store; of the adapters, those the config names
// (each a module of the bundle initialised on first use), and they load their clients on connect.
const adapterRegistry = async (): Promise<{ adapters: AdapterSource; refusedPlatforms: RefusedPlatforms }> => {
  const { adapterLoaders, refusedPlatforms } = await import("../adapters/registry.js");
  return { adapters: { loaders: adapterLoaders }, refusedPlatforms };
};

/** Opens Crier ("read": nothing is written or sent, no lease), runs `work`, closes it. */
async function withCrier<T>(mode: OpenOptions["mode"], work: (crier: Crier) => Promise<T>, opts: Partial<OpenOptions> = {}): Promise<T> {
  const [{ openCrier }, { adapters, refusedPlatforms }] = await Promise.all([import("./services/open.js"), adapterRegistry()]);
  const crier = await openCrier({ configPath: configPath(), env: process.env, adapters, refusedPlatforms, mode, ...opts });
  try {
    const result = await work(crier);
    // Another process took the store over meanwhile: what was done stands, the rest was not done.
    if (crier.ownership?.lost) throw new LeaseLostError(crier.ownership.claim);
    return result;
  } finally {
    await crier.close();
  }
}

/** Opens the read-only listings (no intake, no delivery: nothing to poll or send is loaded), runs `work`, closes them. */
async function withListings<T>(work: (listings: Listings) => Promise<T>): Promise<T> {
  const [{ openListings }, registry] = await Promise.all([import("./services/open-listings.js"), adapterRegistry()]);
  const opened = await openListings({ configPath: configPath(), env: process.env, ...registry });
  try {
    return await work(opened.listings);
  } finally {
    await opened.close();
  }
}

/** A short operator command: run here, or by the `crier run` holding the store (the same operation, the same result). */
async function operate<K extends HandedOver>(op: K, args: OperationArgs<K>, opts: { wait?: number }): Promise<OperationResult<K>> {
  const [{ runOperatorCommand }, { adapters, refusedPlatforms }] = await Promise.all([import("./services/operator-command.js"), adapterRegistry()]);
  return runOperatorCommand({ configPath: configPath(), env: process.env, adapters, refusedPlatforms, ...writer(opts) }, op, args);
}

/** Prints `data` as JSON, or the text. */
function print(json: boolean | undefined, data: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : text);
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive whole number");
  return n;
};

/**
 * Each top-level command's definition, in the order the help lists them. Only the command the argv
 * names is defined (see the end of this file); every one when the argv names none of them.
 */
const commands = new Map<string, () => void>();

commands.set("run", () => {
  program
    .command("run")
    .description("Poll every feed on its schedule and deliver; stops cleanly on SIGTERM/SIGINT. Holds the delivery log while it runs: another writer stops with exit code 4, and retry, resolve, resume, feed accept and feed resume are handed to this process.")
    .option("--json", "log JSON lines even on a terminal (they are JSON otherwise)")
    .addOption(waitOption())
    .action(async (opts: { json?: boolean; wait?: number }) => {
      const [{ openCrier }, { CrierRun }, { adapters, refusedPlatforms }] = await Promise.all([import("./services/open.js"), import("./services/run.js"), adapterRegistry()]);
      const crier = await openCrier({ configPath: configPath(), env: process.env, adapters, refusedPlatforms, mode: "write", listens: true, ...writer(opts), takesRequests: true, ...(opts.json ? { prettyLogs: false } : {}) });
      // A delivery log that can no longer be read or written stops the service: it could not record
      // what it posts. Reported like any storage error, with the config error's exit code.
      const running = await CrierRun.start(crier, {
        onStorageFailure: (err) => {
          crier.logger.error({ file: err.file, problem: err.problem }, err.message);
          process.stderr.write(`crier: ${err.message}\n`);
          process.exitCode = EXIT.config;
        },
        onLeaseLost: () => {
          process.stderr.write("crier: another Crier process took the delivery log over (this one paused longer than ownership.leaseSeconds): stopped sending; that process goes on\n");
          process.exitCode = EXIT.held;
        },
      });
      process.once("SIGTERM", () => void running.stop("SIGTERM"));
      process.once("SIGINT", () => void running.stop("SIGINT"));
      await running.runAllNow();
      await running.stopped;
    });
});

commands.set("poll", () => {
  program
    .command("poll")
    .description("Poll feeds once, deliver what is due, and exit.")
    .option("--once", "one cycle then exit (the only mode; `crier run` polls on a schedule)", true)
    .option("--feed <id>", "only this feed (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--dry-run", "fetch and render, but write nothing and post nothing")
    .option("--scheduled", "a scheduled poll (from cron): feeds failing or demoted wait for their next try, as under `crier run` (without it the poll is the operator's and polls them too)")
    .option("--json", "print the result as JSON")
    .addOption(waitOption())
    .action(async (opts: { feed?: string[]; dryRun?: boolean; scheduled?: boolean; json?: boolean; wait?: number }) => {
      const { destinations, warnings, ...polled } = await withCrier(
        opts.dryRun ? "read" : "write",
        (crier) => crier.operations.pollOnce({ ...(opts.feed ? { feedIds: opts.feed } : {}), scheduled: opts.scheduled ?? false }),
        writer(opts),
      );
      const attention = attentionNotes({ feeds: polled.feeds, deliveries: polled.deliveries, destinations, warnings });
      print(opts.json, { ...polled, attention }, formatPollResult(polled, attention));
      process.exitCode = attention.length ? EXIT.attention : EXIT.ok;
    });
});

commands.set("preview", () => {
  program
    .command("preview")
    .description("Show what would be posted for a feed's newest items (those recorded, else fetched now), with lengths as each platform counts them. Writes nothing.")
    .requiredOption("--feed <id>", "feed id")
    .option("--destination <id>", "only this destination (default: the feed's routes)")
    .option("--limit <n>", "items to show", positiveInt, 3)
    .option("--json", "print as JSON")
    .action(async (opts: { feed: string; destination?: string; limit: number; json?: boolean }) => {
      // Only the posts are printed: no log lines (a destination paused by its config is said in each post's line).
      const result = await withCrier(
        "read",
        (crier) => crier.operations.preview({ feedId: opts.feed, ...(opts.destination ? { destinationId: opts.destination } : {}), limit: opts.limit }),
        { logLevel: "silent" },
      );
      if (!result.ok) {
        // The feed's failure, as a poll would report it: nothing to preview, and it needs a look.
        process.stderr.write(`crier: ${result.feedError}\n`);
        process.exitCode = EXIT.attention;
        return;
      }
      if (opts.json) return print(true, result.previews, "");
      for (const p of result.previews) {
        const head = p.post !== undefined ? `${p.length}/${p.maxLength} ${p.unit} (limits: ${p.limitsFrom === "default" ? "platform defaults, not asked from the platform" : p.limitsFrom})` : `cannot render: ${p.error}`;
        process.stdout.write(`── ${p.destination} (${p.platform}) · ${head}${p.paused ? ` · paused: ${p.paused}` : ""}\n`);
        if (p.post !== undefined) process.stdout.write(`${indent(p.post)}\n\n`);
      }
    });
});

commands.set("deliveries", () => {
  program
    .command("deliveries")
    .description("List delivery records, newest first.")
    .addOption(new Option("--state <state>", "only this state").choices(DELIVERY_STATES as string[]))
    .option("--feed <id>", "only this feed")
    .option("--destination <id>", "only this destination")
    .option("--limit <n>", "at most this many", positiveInt, 50)
    .option("--json", "print as JSON (an array; a note on stderr when more match)")
    .action(async (opts: { state?: DeliveryState; feed?: string; destination?: string; limit: number; json?: boolean }) => {
      const { rows, more } = await withListings((listings) =>
        listings.listDeliveries({ limit: opts.limit, ...(opts.state ? { state: opts.state } : {}), ...(opts.feed ? { feedId: opts.feed } : {}), ...(opts.destination ? { destinationId: opts.destination } : {}) }),
      );
      const shown = rows.map(deliveryView);
      if (opts.json && more) process.stderr.write(`crier: more deliveries match than the ${opts.limit} shown (--limit N for more)\n`);
      print(opts.json, shown, formatDeliveries(shown, more));
    });
});

commands.set("retry", () => {
  program
    .command("retry")
    .description("Queue deliveries again, each with a fresh set of attempts: one by id (failed, uncertain, rejected or deleted), or every failed one.")
    .argument("[id]", "delivery id", positiveInt)
    .option("--failed", "every failed delivery")
    .option("--json", "print the deliveries queued again as JSON")
    .addOption(waitOption())
    .action(async (id: number | undefined, opts: { failed?: boolean; json?: boolean; wait?: number }) => {
      if (!id && !opts.failed) throw new UsageError("give a delivery id or --failed");
      const { queued } = await operate("retry", id ? { id } : { failed: true }, opts);
      const text = id
        ? queued.length
          ? `delivery #${id} queued again with a fresh set of attempts (it was ${queued[0]?.was.state} after ${plural(queued[0]?.was.attempts ?? 0, "attempt")})\n`
          : `delivery #${id} changed meanwhile: nothing queued (see crier deliveries)\n`
        : queued.length
          ? `${plural(queued.length, "delivery", "deliveries")} queued again with a fresh set of attempts\n`
          : "no failed deliveries to queue again\n";
      print(opts.json, { queued }, text);
      if (id && !queued.length) process.exitCode = EXIT.config;
    });
});

commands.set("validate", () => {
  program
    .command("validate")
    .description("Check the config (structure, references, secrets missing from the environment) and the delivery log: its folder can be written, an existing file is Crier's and reads whole.")
    .option("--json", "print the result as JSON")
    .action(async (opts: { json?: boolean }) => {
      const [{ validate }, { adapters, refusedPlatforms }] = await Promise.all([import("./services/inspect.js"), adapterRegistry()]);
      const result = await validate({ configPath: configPath(), env: process.env, adapters, refusedPlatforms });
      if (!result.valid) {
        if (!opts.json) throw result.error;
        print(true, { file: result.error.file, valid: false, problems: result.error.problems }, "");
        process.exitCode = EXIT.config;
        return;
      }
      const { file, feeds, destinations, paused, warnings, notes, storage } = result;
      const text = [
        `${file}: valid (${plural(feeds, "feed")}, ${plural(destinations, "destination")})`,
        ...paused.map((d) => `destination ${d.destination} will be paused: ${d.reason}`),
        ...warnings.map((w) => `warning: ${w}`),
        ...notes.map((n) => `note: ${n}`),
        storage.problem ? "" : `delivery log ${storage.path}: ok`,
      ].filter(Boolean);
      print(opts.json, { file, valid: true, feeds, destinations, paused, warnings, notes, storage: { path: storage.path, problem: storage.problem?.message ?? null } }, `${text.join("\n")}\n`);
      if (storage.problem) process.stderr.write(`crier: ${storage.problem.message}\n`);
      process.exitCode = storage.problem ? EXIT.config : paused.length || warnings.length ? EXIT.attention : EXIT.ok;
    });
});

commands.set("resolve", () => {
  program
    .command("resolve")
    .description("Settle an uncertain (or failed) delivery after checking the channel: it was --sent, or --drop it.")
    .argument("<id>", "delivery id", positiveInt)
    .option("--sent", "the post is on the platform: record it as sent")
    .option("--remote-url <url>", "with --sent: the post's URL")
    .option("--drop", "do not post it: record it as skipped")
    .option("--json", "print the result as JSON")
    .addOption(waitOption())
    .action(async (id: number, opts: { sent?: boolean; drop?: boolean; remoteUrl?: string; json?: boolean; wait?: number }) => {
      if (!!opts.sent === !!opts.drop) throw new UsageError("give exactly one of --sent or --drop");
      const result = await operate("resolve", { id, as: opts.sent ? "sent" : "dropped", ...(opts.remoteUrl ? { remoteUrl: opts.remoteUrl } : {}) }, opts);
      print(opts.json, result, `delivery #${id}: ${opts.sent ? "recorded as sent" : "dropped (recorded as skipped)"}\n`);
    });
});

commands.set("destinations", () => {
  program
    .command("destinations")
    .description("Each destination's state: paused or active, why, and its deliveries by state.")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      const rows = await withListings((listings) => listings.listDestinations());
      const text = rows
        .map((r) => {
          const state = r.paused ? `PAUSED${r.pausedUntil ? ` until ${formatTime(r.pausedUntil)}` : ""}: ${r.paused}` : "active";
          const fix = r.needsOperator ? `\n    ${r.pausedByConfig ? "fix the environment or the config" : `fix the cause, then: crier resume ${r.id}`}` : "";
          const counts = Object.entries(r.deliveries).map(([k, v]) => `${k} ${v}`).join(", ") || "no deliveries";
          return `${r.id} (${r.platform}): ${state}${fix}\n    ${counts}\n`;
        })
        .join("");
      print(opts.json, rows, text || "no destinations in the config\n");
      if (rows.some((r) => r.needsOperator)) process.exitCode = EXIT.attention;
    });
});

commands.set("resume", () => {
  program
    .command("resume")
    .description("Un-pause a destination paused by the platform or by rejections (fix the cause first).")
    .argument("<destination>", "destination id")
    .option("--json", "print the result as JSON")
    .addOption(waitOption())
    .action(async (id: string, opts: { json?: boolean; wait?: number }) => {
      const result = await operate("resume", { destinationId: id }, opts);
      print(opts.json, result, `destination ${id}: resumed\n`);
    });
});

commands.set("subscriptions", () => {
  program
    .command("subscriptions")
    .description("WebSub subscriptions: each feed's hub, topic, state, lease end, last push and last error.")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      const subs = await withListings((listings) => listings.listSubscriptions());
      if (opts.json) return print(true, subs, "");
      if (!subs.length) return void process.stdout.write("no WebSub subscriptions (a feed is subscribed when `websub` is configured and the feed names a hub)\n");
      for (const s of subs) {
        const lease = s.expiresAt ? `lease until ${formatTime(s.expiresAt)}` : "no lease";
        const push = s.lastPushAt ? `last push ${formatTime(s.lastPushAt)}` : "no push yet";
        process.stdout.write(`${s.feedId}: ${s.state}, ${lease}, ${push}\n    hub ${s.hub}\n    topic ${s.topic}${s.lastError ? `\n    last error: ${s.lastError}` : ""}\n`);
      }
    });
});

commands.set("prune", () => {
  program
    .command("prune")
    .description("Apply retention now: forget items that left their feeds, delete old finished deliveries, checkpoint the SQLite WAL. (`crier run` does it on retention.schedule.)")
    .option("--json", "print as JSON")
    .addOption(waitOption())
    .action(async (opts: { json?: boolean; wait?: number }) => {
      const pruned = await withCrier("write", (crier) => crier.operations.prune(), writer(opts));
      print(
        opts.json,
        pruned,
        `pruned: ${plural(pruned.items, "item")}, ${plural(pruned.deliveries, "delivery", "deliveries")}, ${plural(pruned.sendLog, "send-log entry", "send-log entries")}; WAL checkpointed\n`,
      );
    });
});

/** `crier feed list` and `crier feeds`: each feed with its state. */
async function listFeeds(opts: { json?: boolean }): Promise<void> {
  const feeds = await withListings((listings) => listings.listFeeds());
  const now = Date.now();
  const views = feeds.map((f) => feedView(f, f.status, now));
  print(opts.json, views, formatFeeds(views));
  if (views.some((v) => v.attention)) process.exitCode = EXIT.attention;
}

const FEEDS_DESCRIPTION = "Each feed with its state: ok, held (and how to release it), backing off (until when, the last error) or demoted.";
commands.set("feeds", () => {
  program.command("feeds").description(FEEDS_DESCRIPTION).option("--json", "print as JSON").action(listFeeds);
});

commands.set("feed", () => {
  const feedCommand = program.command("feed").description("Operate on one feed.");
  feedCommand.command("list").description(FEEDS_DESCRIPTION).option("--json", "print as JSON").action(listFeeds);
  feedCommand
    .command("resume")
    .description("Poll a failing or demoted feed again at once (clears its backoff).")
    .argument("<id>", "feed id")
    .option("--json", "print the result as JSON")
    .addOption(waitOption())
    .action(async (id: string, opts: { json?: boolean; wait?: number }) => {
      const result = await operate("resumeFeed", { feedId: id }, opts);
      print(opts.json, result, `feed ${id}: resumed; polled on its next schedule\n`);
    });
  feedCommand
    .command("accept")
    .description("Release a feed held for a flood of new items: record them without posting (or --post them).")
    .argument("<id>", "feed id")
    .option("--post", "post the held items instead of only recording them")
    .option("--json", "print the result as JSON")
    .addOption(waitOption())
    .action(async (id: string, opts: { post?: boolean; json?: boolean; wait?: number }) => {
      const result = await operate("acceptFeed", { feedId: id, post: opts.post ?? false }, opts);
      print(opts.json, result, `feed ${id}: accepted; the next poll will ${opts.post ? "post" : "record without posting"} the held items\n`);
    });
});

commands.set("adapters", () => {
  program
    .command("adapters")
    .description("List the installed platform adapters, their limits and capabilities.")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      const [{ listAdapters }, { loadAllAdapters }] = await Promise.all([import("./services/inspect.js"), import("../adapters/registry.js")]);
      const list = listAdapters(await loadAllAdapters());
      const text = list
        .map((a) => {
          const rates = a.rateLimits.map((r) => `${r.posts} per ${formatDuration(r.windowMs)}`).join(", ") || "none declared";
          const pad = " ".repeat(11);
          return `${a.platform.padEnd(10)} ${a.description}\n${pad}length: ${a.limits.maxLength} ${a.limits.unit}\n${pad}rate: ${rates}\n${pad}can: ${capabilityText(a.capabilities).join("; ") || "post text"}\n`;
        })
        .join("");
      print(opts.json, list, text);
    });
});

commands.set("check", () => {
  program
    .command("check")
    .description("Verify a destination's credentials with a harmless call (e.g. Telegram getMe, X users/me): the account, when the credential lapses, and what to act on (exit code 3 for a warning or a credential lapsing within 14 days).")
    .argument("<destination>", "destination id")
    .option("--json", "print the result as JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      const result = await withCrier("read", (crier) => crier.operations.check({ destinationId: id }));
      print(opts.json, result, formatCheck(result));
      process.exitCode = result.ok && !result.attention?.length ? EXIT.ok : EXIT.attention;
    });
});

commands.set("unpost", () => {
  program
    .command("unpost")
    .description("Retract a sent post from its platform (where the adapter can delete) and record it as deleted.")
    .argument("<delivery>", "delivery id", positiveInt)
    .option("--json", "print the result as JSON")
    .addOption(waitOption())
    .action(async (id: number, opts: { json?: boolean; wait?: number }) => {
      const result = await withCrier("write", (crier) => crier.operations.unpost({ id }), writer(opts));
      print(opts.json, result, `${result.text}\n`);
      if (!result.deleted) process.exitCode = EXIT.attention;
    });
});

/** Runs the command `argv` names (process.argv: node, the script, then the arguments); sets process.exitCode. */
export async function runCli(argv: readonly string[]): Promise<void> {
  // Building the whole program cost each command ~8 ms of CPU: a command's run defines it alone.
  // Anything else (help, an unknown command, a mistake before the command) gets every command, as before.
  const named = commandInArgv(argv.slice(2), new Set(commands.keys()));
  for (const [name, define] of commands) if (named === undefined || name === named) define();

  // `crier deliveries | head`: a reader that stops reading early is not an error of ours. Whatever
  // was left to print goes nowhere, and the command's work (already done or still to do) is kept.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.stdout.destroy();
  });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as Error & { code?: string; exitCode?: number };
    if (e.code?.startsWith("commander.")) {
      // commander's own code says whether help was asked for (`--help`, `help`: 0) or shown for a usage mistake (1).
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.config;
    } else if (err instanceof ConfigError || err instanceof UsageError || err instanceof StorageError) {
      process.stderr.write(`crier: ${e.message}\n`);
      process.exitCode = EXIT.config;
    } else if (err instanceof LeaseHeldError || err instanceof LeaseLostError) {
      process.stderr.write(`crier: ${e.message}\n`);
      process.exitCode = EXIT.held;
    } else if (err instanceof HolderError) {
      process.stderr.write(`crier: ${e.message}\n`);
      process.exitCode = EXIT.error;
    } else {
      process.stderr.write(`crier: ${e.stack ?? e.message}\n`);
      process.exitCode = EXIT.error;
    }
  }
}
