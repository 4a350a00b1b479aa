#!/usr/bin/env node
/** The `crier` command line. Commands only: the wiring lives in app.ts. */
// First: Crier's memory defaults (src/heap.ts) are in place before the other modules load.
import "./heap-default.js";
import { Command, Option, InvalidArgumentError } from "commander";
import { adapters } from "../adapters/index.js";
import { App } from "./app.js";
import { ConfigError, configWarnings, loadConfig, type CrierConfig } from "./config/load.js";
import { closest } from "./config/suggest.js";
import { Scheduler } from "./scheduler/index.js";
import { DELIVERY_STATES, type DeliveryRecord, type DeliveryState } from "./store/deliveries.js";
import { StorageError } from "./store/storage-error.js";
import { checkStorage } from "./store/sqlite/check.js";
import {
  capabilityText, deliveryView, feedView, formatDeliveries, formatDuration, formatFeeds, formatPollResult, formatTime, indent, platformFailure, plural,
} from "./cli/format.js";
import { attentionNotes, type DestinationStatus } from "./cli/attention.js";
import { fetchFeed, closeFetchPool, FetchError } from "./intake/fetch.js";
import { parseFeed, ParseError } from "./intake/parse.js";
import { RenderError } from "./core/adapter.js";
import { errorText } from "./core/delivery-error.js";
import { renderPost } from "./delivery/render.js";
import { pauseConfig } from "./delivery/destination-states.js";
import { needsOperator, pauseReason, resume } from "./delivery/pause.js";

/** Exit codes: what a script calling crier can rely on (the table in the README and in --help). */
export const EXIT = { ok: 0, error: 1, config: 2, attention: 3 } as const;

const EXIT_CODES = `
Exit codes (every command):
  0  done; nothing needs you
  1  unexpected error: a bug in Crier (printed with its stack trace; please report it)
  2  nothing was done: the config is invalid, the command was misused (unknown option,
     no such feed, destination or delivery, or one not in a state the command applies to),
     or the delivery log (storage.path) cannot be used
  3  done, but something needs you: a feed failed, is held, backing off or demoted; a
     delivery failed (other than a rate-limit wait), was rejected or is uncertain; a
     destination is paused for a missing or refused secret or a broken channel; a check or
     unpost failed on the platform; the config leaves nothing to do`;

const program = new Command()
  .name("crier")
  .description("Watches RSS/Atom feeds and posts every new article to social channels, exactly once.")
  .version("0.1.0")
  .exitOverride() // before the subcommands, which inherit it: exit codes are ours
  .configureHelp({ showGlobalOptions: true }) // each command's --help lists --config too
  .addOption(new Option("-c, --config <path>", "config file").env("CRIER_CONFIG").default("config/crier.yaml"))
  .addHelpText("afterAll", EXIT_CODES);

const configPath = (): string => program.opts<{ config: string }>().config;

async function withApp<T>(opts: { dryRun?: boolean }, work: (app: App) => Promise<T>): Promise<T> {
  const app = await App.create({ configPath: configPath(), env: process.env, adapters, dryRun: opts.dryRun ?? false });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
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

/** "no feed "nosuch" in FILE; did you mean …? The feeds: a, b" */
function unknownId(kind: "feed" | "destination", id: string, ids: readonly string[], file: string): UsageError {
  const meant = closest(id, ids);
  const list = ids.length ? `${ids.length > 20 ? `${ids.slice(0, 20).join(", ")} and ${ids.length - 20} more` : ids.join(", ")}` : "none";
  return new UsageError(`no ${kind} "${id}" in ${file}${meant ? `; did you mean \`${meant}\`?` : ""} (${kind === "feed" ? "feeds" : "destinations"}: ${list})`);
}

program
  .command("run")
  .description("Poll every feed on its schedule and deliver; stops cleanly on SIGTERM/SIGINT.")
  .option("--json", "log JSON lines even on a terminal (they are JSON otherwise)")
  .action(async (opts: { json?: boolean }) => {
    const app = await App.create({ configPath: configPath(), env: process.env, adapters, ...(opts.json ? { prettyLogs: false } : {}) });
    await app.recover();
    const scheduler = new Scheduler(app);
    // Listening before the first poll: a hub verifies a subscription as soon as we ask for it.
    // fastify and the subscriber load only when WebSub is configured.
    const websub = app.config.websub || app.config.websubOffReason ? await (await import("./websub/index.js")).startWebSub(app, () => scheduler.deliverSoon()) : null;
    let stopping: Promise<void> | null = null;
    const stop = (signal: string): void => {
      stopping ??= (async () => {
        app.logger.info({ signal }, "stopping: finishing work in flight");
        await websub?.close();
        await scheduler.stop();
        await app.close();
      })();
    };
    // A delivery log that can no longer be read or written stops the service: it could not record
    // what it posts. Reported like any storage error, with the config error's exit code.
    app.onStorageFailure = (err) => {
      if (stopping) return;
      app.logger.error({ file: err.file, problem: err.problem }, err.message);
      process.stderr.write(`crier: ${err.message}\n`);
      process.exitCode = EXIT.config;
      stop("storage failure");
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
    scheduler.start();
    app.logger.info({ feeds: app.config.feeds.length, destinations: app.destinations.length }, "crier running");
    await scheduler.runAllNow().catch((err: unknown) => {
      if (!(err instanceof StorageError)) throw err; // reported and stopping already
    });
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => {
        if (stopping) void stopping.then(() => (clearInterval(wait), resolve()));
      }, 50);
    });
  });

program
  .command("poll")
  .description("Poll feeds once, deliver what is due, and exit.")
  .option("--once", "one cycle then exit (the only mode; `crier run` polls on a schedule)", true)
  .option("--feed <id>", "only this feed (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
  .option("--dry-run", "fetch and render, but write nothing and post nothing")
  .option("--scheduled", "a scheduled poll (from cron): feeds failing or demoted wait for their next try, as under `crier run` (without it the poll is the operator's and polls them too)")
  .option("--json", "print the result as JSON")
  .action(async (opts: { feed?: string[]; dryRun?: boolean; scheduled?: boolean; json?: boolean }) => {
    const result = await withApp({ dryRun: opts.dryRun ?? false }, async (app) => {
      for (const id of opts.feed ?? []) if (!app.feed(id)) throw unknownId("feed", id, app.config.feeds.map((f) => f.id), app.config.file);
      const polled = await app.pollOnce({ ...(opts.feed ? { feedIds: opts.feed } : {}), scheduled: opts.scheduled ?? false });
      const deliveries = await Promise.all(
        polled.deliveries.map(async (d) => (d.state === "failed" ? { ...d, errorKind: (await app.store.deliveries.getDelivery(d.deliveryId))?.errorKind ?? null } : d)),
      );
      const attention = attentionNotes({ feeds: polled.feeds, deliveries, destinations: await destinationStatuses(app), warnings: configWarnings(app.config) });
      return { ...polled, attention };
    });
    print(opts.json, result, formatPollResult(result, result.attention));
    process.exitCode = result.attention.length ? EXIT.attention : EXIT.ok;
  });

/** Each destination's pause and deliveries, judged: does it need the operator? */
async function destinationStatuses(app: App): Promise<DestinationStatus[]> {
  const counts = await app.store.deliveries.countByState();
  const now = Date.now();
  return app.destinations.map((d) => {
    const state = app.states.get(d.id);
    const paused = pauseReason(pauseConfig(d), state, now);
    return {
      id: d.id,
      platform: d.platform,
      paused,
      pausedUntil: paused ? state.pausedUntil : null,
      needsOperator: needsOperator(pauseConfig(d), state, now),
      pausedByConfig: d.pausedReason !== null,
      consecutiveRejections: state.consecutiveRejections,
      deliveries: Object.fromEntries(counts.filter((c) => c.destinationId === d.id).map((c) => [c.state, c.count])),
    };
  });
}

program
  .command("preview")
  .description("Show what would be posted for a feed's newest items, with lengths as each platform counts them. Writes nothing.")
  .requiredOption("--feed <id>", "feed id")
  .option("--destination <id>", "only this destination (default: the feed's routes)")
  .option("--limit <n>", "items to show", positiveInt, 3)
  .option("--json", "print as JSON")
  .action(async (opts: { feed: string; destination?: string; limit: number; json?: boolean }) => {
    const config = loadConfig(configPath(), { env: process.env, adapters });
    const feed = config.feeds.find((f) => f.id === opts.feed);
    if (!feed) throw unknownId("feed", opts.feed, config.feeds.map((f) => f.id), config.file);
    const ids = opts.destination ? [opts.destination] : (config.routes.get(feed.id) ?? []);
    const destinations = ids.map((id) => {
      const d = config.destinations.find((x) => x.id === id);
      if (!d) throw unknownId("destination", id, config.destinations.map((x) => x.id), config.file);
      return d;
    });
    if (!destinations.length) throw new UsageError(`feed ${feed.id} has no route in ${config.file}: name one with --destination ID`);
    let parsed: Awaited<ReturnType<typeof parseFeed>>;
    try {
      const fetched = await fetchFeed({ source: feed.source, etag: null, lastModified: null, timeoutMs: feed.timeoutMs, maxBytes: feed.maxBytes, maxRedirects: feed.maxRedirects, userAgent: config.userAgent });
      if (fetched.status !== "fetched") throw new Error("unexpected 304 without a validator");
      parsed = await parseFeed(fetched.body, fetched.contentType, feed.id, fetched.url, { minImageWidth: feed.image.minWidth });
    } catch (err) {
      // The feed's failure, as a poll would report it: nothing to preview, and it needs a look.
      if (!(err instanceof FetchError || err instanceof ParseError)) throw err;
      process.stderr.write(`crier: feed ${feed.id} (${feed.source.kind === "http" ? feed.source.url : feed.source.path}): ${err.message}\n`);
      process.exitCode = EXIT.attention;
      return;
    } finally {
      await closeFetchPool();
    }
    const previews = parsed.items.slice(0, opts.limit).flatMap((item) =>
      destinations.map((d) => {
        try {
          const r = renderPost(d, item);
          const limits = r.limits;
          return { destination: d.id, platform: d.platform, title: item.title, post: r.preview, length: r.length, maxLength: limits.maxLength, unit: limits.unit, limitsFrom: limits.source, paused: d.pausedReason };
        } catch (err) {
          if (!(err instanceof RenderError)) throw err;
          return { destination: d.id, platform: d.platform, title: item.title, error: err.message, paused: d.pausedReason };
        }
      }),
    );
    if (opts.json) return print(true, previews, "");
    for (const p of previews) {
      const head = "post" in p ? `${p.length}/${p.maxLength} ${p.unit} (limits: ${p.limitsFrom === "default" ? "platform defaults, not asked from the platform" : p.limitsFrom})` : `cannot render: ${p.error}`;
      process.stdout.write(`── ${p.destination} (${p.platform}) · ${head}${p.paused ? ` · paused: ${p.paused}` : ""}\n`);
      if ("post" in p) process.stdout.write(`${indent(p.post ?? "")}\n\n`);
    }
  });

program
  .command("deliveries")
  .description("List delivery records, newest first.")
  .addOption(new Option("--state <state>", "only this state").choices(DELIVERY_STATES as string[]))
  .option("--feed <id>", "only this feed")
  .option("--destination <id>", "only this destination")
  .option("--limit <n>", "at most this many", positiveInt, 50)
  .option("--json", "print as JSON (an array; a note on stderr when more match)")
  .action(async (opts: { state?: DeliveryState; feed?: string; destination?: string; limit: number; json?: boolean }) => {
    // One row more than shown: whether more match, without counting them all.
    const rows = await withApp({ dryRun: true }, (app) =>
      app.store.deliveries.listDeliveries({ limit: opts.limit + 1, ...(opts.state ? { state: opts.state } : {}), ...(opts.feed ? { feedId: opts.feed } : {}), ...(opts.destination ? { destinationId: opts.destination } : {}) }),
    );
    const more = rows.length > opts.limit;
    const shown = rows.slice(0, opts.limit).map(deliveryView);
    if (opts.json && more) process.stderr.write(`crier: more deliveries match than the ${opts.limit} shown (--limit N for more)\n`);
    print(opts.json, shown, formatDeliveries(shown, more));
  });

/** States a delivery may be queued again from. */
const RETRYABLE: readonly DeliveryState[] = ["failed", "uncertain", "rejected", "deleted"];

program
  .command("retry")
  .description("Queue deliveries again, each with a fresh set of attempts: one by id (failed, uncertain, rejected or deleted), or every failed one.")
  .argument("[id]", "delivery id", positiveInt)
  .option("--failed", "every failed delivery")
  .option("--json", "print the deliveries queued again as JSON")
  .action(async (id: number | undefined, opts: { failed?: boolean; json?: boolean }) => {
    if (!id && !opts.failed) throw new UsageError("give a delivery id or --failed");
    const queued = await withApp({}, async (app) => {
      let rows: DeliveryRecord[];
      if (id) {
        const row = await app.store.deliveries.getDelivery(id);
        if (!row) throw new UsageError(`no delivery #${id} (see crier deliveries)`);
        if (!RETRYABLE.includes(row.state)) throw new UsageError(`delivery #${id} is ${row.state}: only a failed, uncertain, rejected or deleted delivery can be queued again`);
        rows = [row];
      } else rows = [...(await app.store.deliveries.listDeliveries({ state: "failed", limit: 1_000_000 }))];
      const done: Array<{ id: number; was: { state: DeliveryState; attempts: number; reason: string | null } }> = [];
      for (const row of rows) {
        // The reason keeps what happened before: the attempts counter starts afresh.
        const before = `${row.state} after ${plural(row.attempts, "attempt")}${row.reason ? `: ${row.reason.length > 300 ? `${row.reason.slice(0, 299)}…` : row.reason}` : ""}`;
        const reason = `queued again by the operator, with a fresh set of attempts (before: ${before})`;
        if (await app.store.deliveries.transition(row.id, RETRYABLE, { to: "pending", reason, resetAttempts: true }, Date.now())) {
          app.logger.info({ delivery: row.id, was: row.state, attempts: row.attempts, reason: row.reason }, "delivery queued again by the operator");
          done.push({ id: row.id, was: { state: row.state, attempts: row.attempts, reason: row.reason } });
        }
      }
      return done;
    });
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

program
  .command("validate")
  .description("Check the config (structure, references, secrets missing from the environment) and the delivery log: its folder can be written, an existing file is Crier's and reads whole.")
  .option("--json", "print the result as JSON")
  .action((opts: { json?: boolean }) => {
    let config: CrierConfig;
    try {
      config = loadConfig(configPath(), { env: process.env, adapters });
    } catch (err) {
      if (!(opts.json && err instanceof ConfigError)) throw err;
      print(true, { file: err.file, valid: false, problems: err.problems }, "");
      process.exitCode = EXIT.config;
      return;
    }
    const paused = config.destinations.filter((d) => d.pausedReason).map((d) => ({ destination: d.id, reason: d.pausedReason }));
    const warnings = configWarnings(config);
    const storage = checkStorage(config.storagePath);
    const text = [
      `${config.file}: valid (${plural(config.feeds.length, "feed")}, ${plural(config.destinations.length, "destination")})`,
      ...paused.map((d) => `destination ${d.destination} will be paused: ${d.reason}`),
      ...warnings.map((w) => `warning: ${w}`),
      storage ? "" : `delivery log ${config.storagePath}: ok`,
    ].filter(Boolean);
    print(opts.json, { file: config.file, valid: true, feeds: config.feeds.length, destinations: config.destinations.length, paused, warnings, storage: { path: config.storagePath, problem: storage?.message ?? null } }, `${text.join("\n")}\n`);
    if (storage) process.stderr.write(`crier: ${storage.message}\n`);
    process.exitCode = storage ? EXIT.config : paused.length || warnings.length ? EXIT.attention : EXIT.ok;
  });

program
  .command("resolve")
  .description("Settle an uncertain (or failed) delivery after checking the channel: it was --sent, or --drop it.")
  .argument("<id>", "delivery id", positiveInt)
  .option("--sent", "the post is on the platform: record it as sent")
  .option("--remote-url <url>", "with --sent: the post's URL")
  .option("--drop", "do not post it: record it as skipped")
  .option("--json", "print the result as JSON")
  .action(async (id: number, opts: { sent?: boolean; drop?: boolean; remoteUrl?: string; json?: boolean }) => {
    if (!!opts.sent === !!opts.drop) throw new UsageError("give exactly one of --sent or --drop");
    await withApp({}, async (app) => {
      const row = await app.store.deliveries.getDelivery(id);
      if (!row) throw new UsageError(`no delivery #${id} (see crier deliveries)`);
      const ok = await app.store.deliveries.transition(
        id,
        ["uncertain", "failed"],
        opts.sent
          ? { to: "sent", remoteId: null, remoteUrl: opts.remoteUrl ?? null, reason: "resolved by the operator as sent" }
          : { to: "skipped", errorKind: null, reason: "dropped by the operator" },
        Date.now(),
      );
      if (!ok) throw new UsageError(`delivery #${id} is ${row.state}: only an uncertain or failed delivery can be resolved`);
    });
    const state = opts.sent ? "sent" : "skipped";
    print(opts.json, { id, state }, `delivery #${id}: ${opts.sent ? "recorded as sent" : "dropped (recorded as skipped)"}\n`);
  });

program
  .command("destinations")
  .description("Each destination's state: paused or active, why, and its deliveries by state.")
  .option("--json", "print as JSON")
  .action(async (opts: { json?: boolean }) => {
    const rows = await withApp({ dryRun: true }, destinationStatuses);
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

program
  .command("resume")
  .description("Un-pause a destination paused by the platform or by rejections (fix the cause first).")
  .argument("<destination>", "destination id")
  .option("--json", "print the result as JSON")
  .action(async (id: string, opts: { json?: boolean }) => {
    await withApp({}, async (app) => {
      const destination = app.destinations.find((d) => d.id === id);
      if (!destination) throw unknownId("destination", id, app.destinations.map((d) => d.id), app.config.file);
      const resumed = resume(pauseConfig(destination), app.states.get(id));
      if (!resumed.ok) throw new UsageError(`destination ${id} is ${resumed.reason}`);
      await app.states.set(resumed.state, Date.now());
    });
    print(opts.json, { destination: id, resumed: true }, `destination ${id}: resumed\n`);
  });

program
  .command("subscriptions")
  .description("WebSub subscriptions: each feed's hub, topic, state, lease end, last push and last error.")
  .option("--json", "print as JSON")
  .action(async (opts: { json?: boolean }) => {
    const subs = await withApp({ dryRun: true }, (app) => app.store.subscriptions.listSubscriptions());
    if (opts.json) return print(true, subs, "");
    if (!subs.length) return void process.stdout.write("no WebSub subscriptions (a feed is subscribed when `websub` is configured and the feed names a hub)\n");
    for (const s of subs) {
      const lease = s.expiresAt ? `lease until ${formatTime(s.expiresAt)}` : "no lease";
      const push = s.lastPushAt ? `last push ${formatTime(s.lastPushAt)}` : "no push yet";
      process.stdout.write(`${s.feedId}: ${s.state}, ${lease}, ${push}\n    hub ${s.hub}\n    topic ${s.topic}${s.lastError ? `\n    last error: ${s.lastError}` : ""}\n`);
    }
  });

program
  .command("prune")
  .description("Apply retention now: forget items that left their feeds, delete old finished deliveries, checkpoint the SQLite WAL. (`crier run` does it on retention.schedule.)")
  .option("--json", "print as JSON")
  .action(async (opts: { json?: boolean }) => {
    const pruned = await withApp({}, (app) => app.maintain());
    if (!pruned) throw new Error("the store could not be pruned (see the log)");
    print(
      opts.json,
      pruned,
      `pruned: ${plural(pruned.items, "item")}, ${plural(pruned.deliveries, "delivery", "deliveries")}, ${plural(pruned.sendLog, "send-log entry", "send-log entries")}; WAL checkpointed\n`,
    );
  });

/** `crier feed list` and `crier feeds`: each feed with its state. */
async function listFeeds(opts: { json?: boolean }): Promise<void> {
  const views = await withApp({ dryRun: true }, async (app) => {
    const stored = new Map((await app.store.feeds.listFeeds()).map((s) => [s.feedId, s]));
    const now = Date.now();
    return app.config.feeds.map((f) => feedView(f, stored.get(f.id), now));
  });
  print(opts.json, views, formatFeeds(views));
  if (views.some((v) => v.attention)) process.exitCode = EXIT.attention;
}

const FEEDS_DESCRIPTION = "Each feed with its state: ok, held (and how to release it), backing off (until when, the last error) or demoted.";
program.command("feeds").description(FEEDS_DESCRIPTION).option("--json", "print as JSON").action(listFeeds);

const feedCommand = program.command("feed").description("Operate on one feed.");
feedCommand.command("list").description(FEEDS_DESCRIPTION).option("--json", "print as JSON").action(listFeeds);
feedCommand
  .command("resume")
  .description("Poll a failing or demoted feed again at once (clears its backoff).")
  .argument("<id>", "feed id")
  .option("--json", "print the result as JSON")
  .action(async (id: string, opts: { json?: boolean }) => {
    await withApp({}, async (app) => {
      if (!app.feed(id)) throw unknownId("feed", id, app.config.feeds.map((f) => f.id), app.config.file);
      await app.store.feeds.resumeFeed(id);
    });
    print(opts.json, { feed: id, resumed: true }, `feed ${id}: resumed; polled on its next schedule\n`);
  });
feedCommand
  .command("accept")
  .description("Release a feed held for a flood of new items: record them without posting (or --post them).")
  .argument("<id>", "feed id")
  .option("--post", "post the held items instead of only recording them")
  .option("--json", "print the result as JSON")
  .action(async (id: string, opts: { post?: boolean; json?: boolean }) => {
    await withApp({}, async (app) => {
      if (!app.feed(id)) throw unknownId("feed", id, app.config.feeds.map((f) => f.id), app.config.file);
      if (!(await app.store.feeds.acceptFeed(id, opts.post ? "post" : "record"))) throw new UsageError(`feed ${id} is not held: nothing to accept (see crier feed list)`);
    });
    const mode = opts.post ? "post" : "record";
    print(opts.json, { feed: id, accepted: mode }, `feed ${id}: accepted; the next poll will ${opts.post ? "post" : "record without posting"} the held items\n`);
  });

program
  .command("adapters")
  .description("List the installed platform adapters, their limits and capabilities.")
  .option("--json", "print as JSON")
  .action((opts: { json?: boolean }) => {
    const list = [...adapters.values()].map((a) => ({
      platform: a.platform,
      description: a.description,
      limits: a.defaultLimits(),
      rateLimits: a.rateLimits,
      capabilities: a.capabilities,
    }));
    const text = list
      .map((a) => {
        const rates = a.rateLimits.map((r) => `${r.posts} per ${formatDuration(r.windowMs)}`).join(", ") || "none declared";
        const pad = " ".repeat(11);
        return `${a.platform.padEnd(10)} ${a.description}\n${pad}length: ${a.limits.maxLength} ${a.limits.unit}\n${pad}rate: ${rates}\n${pad}can: ${capabilityText(a.capabilities).join("; ") || "post text"}\n`;
      })
      .join("");
    print(opts.json, list, text);
  });

program
  .command("check")
  .description("Verify a destination's credentials with a harmless call (e.g. Telegram getMe, X users/me).")
  .argument("<destination>", "destination id")
  .option("--json", "print the result as JSON")
  .action(async (id: string, opts: { json?: boolean }) => {
    const result = await withApp({ dryRun: true }, async (app) => {
      const runtime = app.destinations.find((d) => d.id === id);
      if (!runtime) throw unknownId("destination", id, app.destinations.map((d) => d.id), app.config.file);
      if (runtime.pausedReason) return { destination: id, ok: false, text: `check not made: paused by its config: ${runtime.pausedReason}` };
      try {
        const connection = await app.connections.get(runtime);
        const who = await connection.check(AbortSignal.timeout(runtime.common.timeoutMs));
        return { destination: id, ok: true, text: `ok: ${who} (limit ${connection.limits.maxLength} ${connection.limits.unit}, ${connection.limits.source})` };
      } catch (err) {
        const e = runtime.adapter.classify(err);
        return { destination: id, ok: false, kind: e.kind, text: `check failed: ${app.scrub(platformFailure(e.kind, e.detail ?? errorText(err)))}` };
      }
    });
    print(opts.json, result, `${id}: ${result.text}\n`);
    process.exitCode = result.ok ? EXIT.ok : EXIT.attention;
  });

program
  .command("unpost")
  .description("Retract a sent post from its platform (where the adapter can delete) and record it as deleted.")
  .argument("<delivery>", "delivery id", positiveInt)
  .option("--json", "print the result as JSON")
  .action(async (id: number, opts: { json?: boolean }) => {
    const result = await withApp({}, async (app) => {
      const row = await app.store.deliveries.getDelivery(id);
      if (!row) throw new UsageError(`no delivery #${id} (see crier deliveries)`);
      if (row.state !== "sent" || !row.remoteId) throw new UsageError(`delivery #${id} is ${row.state}${row.remoteId ? "" : " without a remote id"}: nothing to retract`);
      const runtime = app.destinations.find((d) => d.id === row.destinationId);
      if (!runtime) throw new UsageError(`delivery #${id} went to destination ${row.destinationId}, which is no longer in ${app.config.file}`);
      const post = `${row.remoteId}${row.remoteUrl ? ` (${row.remoteUrl})` : ""}`;
      if (!runtime.adapter.capabilities.delete) {
        throw new UsageError(`${runtime.platform} posts cannot be deleted through its API; remove post ${post} by hand`);
      }
      const connection = await app.connections.get(runtime);
      if (!connection.delete) throw new UsageError(`${runtime.platform} posts cannot be deleted through its API; remove post ${post} by hand`);
      try {
        await connection.delete(row.remoteId, AbortSignal.timeout(runtime.common.timeoutMs));
      } catch (err) {
        const e = runtime.adapter.classify(err);
        const why = app.scrub(platformFailure(e.kind, e.detail ?? errorText(err)));
        return { delivery: id, deleted: false, error: why, text: `delivery #${id}: ${row.destinationId} did not delete post ${post}: ${why}` };
      }
      await app.store.deliveries.transition(id, ["sent"], { to: "deleted", errorKind: null, reason: "retracted by the operator (crier unpost)" }, Date.now());
      return { delivery: id, deleted: true, text: `delivery #${id}: deleted post ${post} from ${row.destinationId}` };
    });
    print(opts.json, result, `${result.text}\n`);
    if (!result.deleted) process.exitCode = EXIT.attention;
  });

/** A mistake in how a command was called: exit code 2, the message without a stack. */
class UsageError extends Error {}

// `crier deliveries | head`: a reader that stops reading early is not an error of ours. Whatever
// was left to print goes nowhere, and the command's work (already done or still to do) is kept.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
  process.stdout.destroy();
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as Error & { code?: string; exitCode?: number };
  if (e.code?.startsWith("commander.")) {
    process.exitCode = e.code === "commander.helpDisplayed" || e.code === "commander.version" ? EXIT.ok : EXIT.config;
  } else if (err instanceof ConfigError || err instanceof UsageError || err instanceof StorageError) {
    process.stderr.write(`crier: ${e.message}\n`);
    process.exitCode = EXIT.config;
  } else {
    process.stderr.write(`crier: ${e.stack ?? e.message}\n`);
    process.exitCode = EXIT.error;
  }
}
