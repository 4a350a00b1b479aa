#!/usr/bin/env node
/** The `crier` command line. Commands only: the wiring lives in app.ts. */
// First: Crier's memory defaults (src/heap.ts) are in place before the other modules load.
import "./heap-default.js";
import { Command, Option, InvalidArgumentError } from "commander";
import { adapters } from "../adapters/index.js";
import { App, type PollOnceResult } from "./app.js";
import { ConfigError, loadConfig } from "./config/load.js";
import { Scheduler } from "./scheduler/index.js";
import { DELIVERY_STATES, type DeliveryState } from "./store/types.js";
import { formatDeliveries, formatPollResult, formatTime, indent } from "./cli-format.js";
import { fetchFeed, closeFetchPool } from "./pipeline/fetch.js";
import { parseFeed } from "./pipeline/parse.js";
import { RenderError } from "./core/adapter.js";
import { postStyle } from "./pipeline/deliver.js";

/** Exit codes: what a script calling crier can rely on. */
export const EXIT = { ok: 0, error: 1, config: 2, partial: 3 } as const;

const program = new Command()
  .name("crier")
  .description("Watches RSS/Atom feeds and posts every new article to social channels, exactly once.")
  .version("0.1.0")
  .exitOverride() // before the subcommands, which inherit it: exit codes are ours
  .addOption(new Option("-c, --config <path>", "config file").env("CRIER_CONFIG").default("config/crier.yaml"))
  .addHelpText(
    "after",
    "\nExit codes: 0 success, 1 unexpected error, 2 invalid config or usage, 3 some feeds or deliveries need attention.",
  );

const configPath = (): string => program.opts<{ config: string }>().config;

async function withApp<T>(opts: { dryRun?: boolean }, work: (app: App) => Promise<T>): Promise<T> {
  const app = await App.create({ configPath: configPath(), env: process.env, adapters, dryRun: opts.dryRun ?? false });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive whole number");
  return n;
};

program
  .command("run")
  .description("Poll every feed on its schedule and deliver; stops cleanly on SIGTERM/SIGINT.")
  .action(async () => {
    const app = await App.create({ configPath: configPath(), env: process.env, adapters });
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
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
    scheduler.start();
    app.logger.info({ feeds: app.config.feeds.length, destinations: app.runtimes.length }, "crier running");
    await scheduler.runAllNow();
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
  .option("--json", "print the result as JSON")
  .action(async (opts: { feed?: string[]; dryRun?: boolean; json?: boolean }) => {
    const result = await withApp({ dryRun: opts.dryRun ?? false }, (app) => app.pollOnce(opts.feed ? { feedIds: opts.feed } : {}));
    process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatPollResult(result));
    process.exitCode = needsAttention(result) ? EXIT.partial : EXIT.ok;
  });

function needsAttention(result: PollOnceResult): boolean {
  return (
    result.feeds.some((f) => f.status === "error" || f.status === "held" || f.status === "backoff") ||
    result.deliveries.some((d) => !["sent", "skipped"].includes(d.state))
  );
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
    if (!feed) throw new ConfigError(config.file, [`no feed with id "${opts.feed}"`]);
    const ids = opts.destination ? [opts.destination] : (config.routes.get(feed.id) ?? []);
    const destinations = ids.map((id) => {
      const d = config.destinations.find((x) => x.id === id);
      if (!d) throw new ConfigError(config.file, [`no destination with id "${id}"`]);
      return d;
    });
    const fetched = await fetchFeed({ source: feed.source, etag: null, lastModified: null, timeoutMs: feed.timeoutMs, maxBytes: feed.maxBytes, maxRedirects: feed.maxRedirects, userAgent: config.userAgent });
    await closeFetchPool();
    if (fetched.status !== "fetched") throw new Error("unexpected 304 without a validator");
    const parsed = await parseFeed(fetched.body, fetched.contentType, feed.id, fetched.url, { minImageWidth: feed.image.minWidth });
    const previews = parsed.items.slice(0, opts.limit).flatMap((item) =>
      destinations.map((d) => {
        const base = d.adapter.defaultLimits(d.cfg ?? d.adapter.config.parse({}));
        const limits = d.common.maxLength && d.common.maxLength < base.maxLength ? { ...base, maxLength: d.common.maxLength, source: "config" as const } : base;
        try {
          const r = d.adapter.render(item, d.cfg, limits, postStyle(d, item));
          return { destination: d.id, platform: d.platform, title: item.title, post: r.preview, length: r.length, maxLength: limits.maxLength, unit: limits.unit, limitsFrom: limits.source, paused: d.pausedReason };
        } catch (err) {
          if (!(err instanceof RenderError)) throw err;
          return { destination: d.id, platform: d.platform, title: item.title, error: err.message, paused: d.pausedReason };
        }
      }),
    );
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(previews, null, 2)}\n`);
      return;
    }
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
  .option("--json", "print as JSON")
  .action(async (opts: { state?: DeliveryState; feed?: string; destination?: string; limit: number; json?: boolean }) => {
    const rows = await withApp({ dryRun: true }, (app) =>
      app.store.listDeliveries({ limit: opts.limit, ...(opts.state ? { state: opts.state } : {}), ...(opts.feed ? { feedId: opts.feed } : {}), ...(opts.destination ? { destinationId: opts.destination } : {}) }),
    );
    process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatDeliveries(rows));
  });

program
  .command("retry")
  .description("Queue deliveries again: one by id (failed, uncertain, rejected or deleted), or every failed one.")
  .argument("[id]", "delivery id", positiveInt)
  .option("--failed", "every failed delivery")
  .action(async (id: number | undefined, opts: { failed?: boolean }) => {
    if (!id && !opts.failed) throw new UsageError("give a delivery id or --failed");
    const count = await withApp({}, async (app) => {
      const ids = id ? [id] : (await app.store.listDeliveries({ state: "failed", limit: 1_000_000 })).map((r) => r.id);
      let n = 0;
      for (const d of ids) if (await app.store.transition(d, ["failed", "uncertain", "rejected", "deleted"], { to: "pending", reason: "queued again by the operator" }, Date.now())) n++;
      return n;
    });
    process.stdout.write(`${count} deliver${count === 1 ? "y" : "ies"} queued again\n`);
    if (id && !count) process.exitCode = EXIT.partial;
  });

program
  .command("validate")
  .description("Check the config: structure, references, and secrets missing from the environment.")
  .action(() => {
    const config = loadConfig(configPath(), { env: process.env, adapters });
    const paused = config.destinations.filter((d) => d.pausedReason);
    process.stdout.write(`${config.file}: valid (${config.feeds.length} feeds, ${config.destinations.length} destinations)\n`);
    for (const d of paused) process.stdout.write(`destination ${d.id} will be paused: ${d.pausedReason}\n`);
    for (const warning of config.warnings) process.stdout.write(`warning: ${warning}\n`);
    process.exitCode = paused.length ? EXIT.partial : EXIT.ok;
  });

program
  .command("resolve")
  .description("Settle an uncertain (or failed) delivery after checking the channel: it was --sent, or --drop it.")
  .argument("<id>", "delivery id", positiveInt)
  .option("--sent", "the post is on the platform: record it as sent")
  .option("--remote-url <url>", "with --sent: the post's URL")
  .option("--drop", "do not post it: record it as skipped")
  .action(async (id: number, opts: { sent?: boolean; drop?: boolean; remoteUrl?: string }) => {
    if (!!opts.sent === !!opts.drop) throw new UsageError("give exactly one of --sent or --drop");
    const ok = await withApp({}, (app) =>
      app.store.transition(
        id,
        ["uncertain", "failed"],
        opts.sent
          ? { to: "sent", remoteId: null, remoteUrl: opts.remoteUrl ?? null, reason: "resolved by the operator as sent" }
          : { to: "skipped", errorKind: null, reason: "dropped by the operator" },
        Date.now(),
      ),
    );
    process.stdout.write(ok ? `delivery ${id}: ${opts.sent ? "recorded as sent" : "dropped"}\n` : `delivery ${id} is not uncertain or failed\n`);
    if (!ok) process.exitCode = EXIT.partial;
  });

program
  .command("destinations")
  .description("Each destination's state: paused or active, why, and its deliveries by state.")
  .option("--json", "print as JSON")
  .action(async (opts: { json?: boolean }) => {
    const rows = await withApp({ dryRun: true }, async (app) => {
      const counts = await app.store.countByState();
      const stored = new Map((await app.store.getDestinationStates()).map((s) => [s.destinationId, s]));
      const now = Date.now();
      return app.runtimes.map((r) => ({
        id: r.id,
        platform: r.destination.platform,
        paused: r.pauseReason(now),
        pausedUntil: r.pauseReason(now) ? r.pausedUntil : null,
        consecutiveRejections: stored.get(r.id)?.consecutiveRejections ?? 0,
        deliveries: Object.fromEntries(counts.filter((c) => c.destinationId === r.id).map((c) => [c.state, c.count])),
      }));
    });
    if (opts.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    for (const r of rows) {
      const state = r.paused ? `PAUSED${r.pausedUntil ? ` until ${formatTime(r.pausedUntil)}` : ""}: ${r.paused}` : "active";
      const counts = Object.entries(r.deliveries).map(([k, v]) => `${k} ${v}`).join(", ") || "no deliveries";
      process.stdout.write(`${r.id} (${r.platform}): ${state}\n    ${counts}\n`);
    }
  });

program
  .command("resume")
  .description("Un-pause a destination paused by the platform or by rejections (fix the cause first).")
  .argument("<destination>", "destination id")
  .action(async (id: string) => {
    await withApp({}, async (app) => {
      const runtime = app.runtimes.find((r) => r.id === id);
      if (!runtime) throw new UsageError(`no destination with id "${id}"`);
      if (runtime.destination.pausedReason) throw new UsageError(`destination ${id} is paused by its config: ${runtime.destination.pausedReason}`);
      await app.store.setDestinationPause(id, null, null, Date.now());
      await app.store.countRejection(id, false, Date.now());
    });
    process.stdout.write(`destination ${id}: resumed\n`);
  });

program
  .command("subscriptions")
  .description("WebSub subscriptions: each feed's hub, topic, state, lease end, last push and last error.")
  .option("--json", "print as JSON")
  .action(async (opts: { json?: boolean }) => {
    const subs = await withApp({ dryRun: true }, (app) => app.store.listSubscriptions());
    if (opts.json) return void process.stdout.write(`${JSON.stringify(subs, null, 2)}\n`);
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
    process.stdout.write(
      opts.json ? `${JSON.stringify(pruned)}\n` : `pruned: ${pruned.items} items, ${pruned.deliveries} deliveries, ${pruned.sendLog} send-log entries; WAL checkpointed\n`,
    );
  });

const feedCommand = program.command("feed").description("Operate on one feed.");
feedCommand
  .command("resume")
  .description("Poll a failing or demoted feed again at once (clears its backoff).")
  .argument("<id>", "feed id")
  .action(async (id: string) => {
    await withApp({}, async (app) => {
      if (!app.feed(id)) throw new UsageError(`no feed with id "${id}"`);
      await app.store.resumeFeed(id);
    });
    process.stdout.write(`feed ${id}: resumed; polled on its next schedule\n`);
  });
feedCommand
  .command("accept")
  .description("Release a feed held for a flood of new items: record them without posting (or --post them).")
  .argument("<id>", "feed id")
  .option("--post", "post the held items instead of only recording them")
  .action(async (id: string, opts: { post?: boolean }) => {
    const ok = await withApp({}, (app) => {
      if (!app.feed(id)) throw new UsageError(`no feed with id "${id}"`);
      return app.store.acceptFeed(id, opts.post ? "post" : "record");
    });
    process.stdout.write(ok ? `feed ${id}: accepted; the next poll will ${opts.post ? "post" : "record without posting"} the held items\n` : `feed ${id} is not held\n`);
    if (!ok) process.exitCode = EXIT.partial;
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
      capabilities: Object.entries(a.capabilities).filter(([, v]) => v).map(([k]) => k),
    }));
    if (opts.json) return void process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    for (const a of list) {
      const rates = a.rateLimits.map((r) => `${r.posts} per ${formatDuration(r.windowMs)}`).join(", ") || "none declared";
      process.stdout.write(
        `${a.platform.padEnd(10)} ${a.description}\n${" ".repeat(11)}length: ${a.limits.maxLength} ${a.limits.unit}\n` +
          `${" ".repeat(11)}rate: ${rates}\n${" ".repeat(11)}capabilities: ${a.capabilities.join(", ") || "none"}\n`,
      );
    }
  });

program
  .command("check")
  .description("Verify a destination's credentials with a harmless call (e.g. Telegram getMe, X users/me).")
  .argument("<destination>", "destination id")
  .action(async (id: string) => {
    const message = await withApp({ dryRun: true }, async (app) => {
      const runtime = app.runtimes.find((r) => r.id === id);
      if (!runtime) throw new UsageError(`no destination with id "${id}"`);
      if (runtime.destination.pausedReason) return { ok: false, text: `paused by its config: ${runtime.destination.pausedReason}` };
      try {
        const connection = await runtime.connect();
        const who = await connection.check(AbortSignal.timeout(runtime.destination.common.timeoutMs));
        return { ok: true, text: `ok: ${who} (limit ${connection.limits.maxLength} ${connection.limits.unit}, ${connection.limits.source})` };
      } catch (err) {
        const e = runtime.destination.adapter.classify(err);
        return { ok: false, text: app.scrub(`${e.kind}: ${e.message}${e.detail ? ` (${e.detail})` : ""}`) };
      }
    });
    process.stdout.write(`${id}: ${message.text}\n`);
    process.exitCode = message.ok ? EXIT.ok : EXIT.partial;
  });

program
  .command("unpost")
  .description("Retract a sent post from its platform (where the adapter can delete) and record it as deleted.")
  .argument("<delivery>", "delivery id", positiveInt)
  .action(async (id: number) => {
    const text = await withApp({}, async (app) => {
      const row = await app.store.getDelivery(id);
      if (!row) throw new UsageError(`no delivery ${id}`);
      if (row.state !== "sent" || !row.remoteId) throw new UsageError(`delivery ${id} is ${row.state}${row.remoteId ? "" : " without a remote id"}: nothing to retract`);
      const runtime = app.runtimes.find((r) => r.id === row.destinationId);
      if (!runtime) throw new UsageError(`destination ${row.destinationId} is no longer in the config`);
      const connection = await runtime.connect();
      if (!runtime.destination.adapter.capabilities.delete || !connection.delete) {
        throw new UsageError(`${runtime.destination.platform} posts cannot be deleted through its API; remove it by hand: ${row.remoteUrl ?? row.remoteId}`);
      }
      try {
        await connection.delete(row.remoteId, AbortSignal.timeout(runtime.destination.common.timeoutMs));
      } catch (err) {
        const e = runtime.destination.adapter.classify(err);
        throw new Error(app.scrub(`could not delete ${row.remoteUrl ?? row.remoteId}: ${e.kind}: ${e.message}`));
      }
      await app.store.transition(id, ["sent"], { to: "deleted", errorKind: null, reason: "retracted by the operator (crier unpost)" }, Date.now());
      return `delivery ${id}: deleted ${row.remoteUrl ?? row.remoteId}`;
    });
    process.stdout.write(`${text}\n`);
  });

class UsageError extends Error {}

function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

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
  } else if (err instanceof ConfigError || err instanceof UsageError) {
    process.stderr.write(`crier: ${e.message}\n`);
    process.exitCode = EXIT.config;
  } else {
    process.stderr.write(`crier: ${e.stack ?? e.message}\n`);
    process.exitCode = EXIT.error;
  }
}
