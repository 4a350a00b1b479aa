// One bench scenario in its own process (forked by bench/run.mjs). argv[2] is JSON
// { scenario, ... }. Each scenario imports only what it uses, so the peak RSS of a process is that
// of the code under test. The result goes back over IPC; then the process exits.
import { createRequire } from "node:module";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { control, measure, pool, sleep, maxRssBytes, spreadStats } from "./common.mjs";
import { changedFeed } from "./goals.mjs";

const require = createRequire(import.meta.url);
const args = JSON.parse(process.argv[2] ?? "{}");
// Crier's build: the run's snapshot of dist/ (see run.mjs), else the project's own dist/.
const ROOT = args.crierRoot ? pathToFileURL(`${args.crierRoot}/`) : new URL("../../", import.meta.url);
const CONCURRENCY = 8; // Crier's own poll concurrency (polling.concurrency, default 8); every client gets the same
const LIMIT_MS = args.limitMs ?? 240_000; // a scenario stops by itself after this long

function deadline(what) {
  return sleep(LIMIT_MS).then(() => {
    throw new Error(`${what}: gave up after ${LIMIT_MS} ms`);
  });
}

const statusCounts = (reports) => {
  const out = {};
  let firstError = null;
  for (const r of reports) {
    const key = r.status === "not-modified" ? `not-modified/${r.via}` : r.status;
    out[key] = (out[key] ?? 0) + 1;
    if (r.status === "error" && !firstError) firstError = r.error;
  }
  return { statuses: out, firstError };
};

/** A scheduled call's polled feeds and statuses: from its tally when it has one (not every report is kept). */
const polledIn = (call) => (call?.tally ? Object.values(call.tally).reduce((a, b) => a + b, 0) : (call?.reports.length ?? 0));
const callCounts = (call) => {
  const counted = statusCounts(call?.reports ?? []);
  return call?.tally ? { statuses: call.tally, firstError: counted.firstError } : counted;
};

// ---- Crier -------------------------------------------------------------------------------------
/** Imports Crier and runs `openCrier` on `dir`/`config` (default crier.yaml; others share its store). */
async function crierApp(dir, config = "crier.yaml") {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { openCrier } = await import(new URL("dist/src/services/open.js", ROOT));
  const { adapters } = await import(new URL("dist/adapters/index.js", ROOT));
  const pino = require("pino");
  const importMs = performance.now() - t0;
  const rssAfterImport = process.memoryUsage().rss;
  const app = await openCrier({
    configPath: path.join(dir, config),
    env: {},
    adapters,
    mode: "write",
    logDestination: pino.destination(path.join(dir, `crier-${process.pid}.log`)),
  });
  const c1 = process.cpuUsage(c0);
  return {
    app,
    startup: {
      importMs,
      startupMs: performance.now() - t0,
      startupCpuMs: (c1.user + c1.system) / 1000,
      rssAfterImport,
      rssAfterCreate: process.memoryUsage().rss,
    },
  };
}

const shortCycle = (m) => ({ ...m, value: undefined, ...statusCounts(m.value.reports) });

/**
 * The warm kept-alive cycle runs back to back at least KEPT_ALIVE_RUNS times and until KEPT_ALIVE_POLLS
 * polls are done, at most KEPT_ALIVE_MAX_RUNS (at 1,000 feeds 25 cycles, ~2 s; at 10,000, 5): a short cycle's CPU is lumpy, the GC
 * work its garbage causes (a scavenge, now and then a mark-compact) lands in whichever cycle it falls,
 * so a window of a few short cycles holds a lump or none, by chance.
 */
const KEPT_ALIVE_RUNS = 5;
const KEPT_ALIVE_POLLS = 25_000;
const KEPT_ALIVE_MAX_RUNS = 25;

/**
 * Runs one labelled cycle (`run` returns its measurement) once, or the kept-alive one as above
 * (`polls`: the requests a cycle makes); then its CPU and wall time are the mean per cycle over the
 * runs (every run's CPU kept in `cpuRuns`): the GC work a cycle causes is counted wherever it lands.
 * The floor and Crier both measure through here: the same number of cycles each.
 */
async function repeated(label, polls, run) {
  if (label !== "kept-alive") return run();
  const runs = [];
  const count = Math.min(KEPT_ALIVE_MAX_RUNS, Math.max(KEPT_ALIVE_RUNS, Math.ceil(KEPT_ALIVE_POLLS / Math.max(1, polls))));
  for (let k = 0; k < count; k++) runs.push(await run());
  const mean = (pick) => runs.reduce((sum, r) => sum + pick(r), 0) / runs.length;
  return { ...runs[runs.length - 1], cpuMs: mean((r) => r.cpuMs), wallMs: mean((r) => r.wallMs), cpuRuns: runs.map((r) => r.cpuMs) };
}

/** `crier run`'s Scheduler on `app` (an opened Crier), as services/run.ts wires it (WebSub off). */
async function newScheduler(app) {
  const { Scheduler } = await import(new URL("dist/src/scheduler/index.js", ROOT));
  const { schedulePlan, scheduledWork } = await import(new URL("dist/src/services/run.js", ROOT));
  return new Scheduler(schedulePlan(app.config), scheduledWork(app, () => null, () => undefined), app.logger, app.stopping);
}

/** Stops a scheduler as `crier run` does: no new tick, shutdown begun, work in flight finished. */
async function stopScheduler(app, scheduler) {
  await scheduler.halt();
  app.beginShutdown();
  await scheduler.settle();
}

/**
 * Crier: poll cycles through app.intake.pollFeeds(), one per label in args.cycles (default ["cycle"]):
 * "new-conns" closes Crier's fetch pool first (as when kept-alive connections have expired between
 * scheduled polls); any other label just polls again.
 */
async function crierCycles() {
  const { app, startup } = await crierApp(args.dir, args.config);
  const { closeFetchPool } = await import(new URL("dist/src/intake/fetch.js", ROOT));
  const cycles = {};
  const labels = args.cycles ?? ["cycle"];
  for (const [k, label] of labels.entries()) {
    if (label === "new-conns") await closeFetchPool();
    const profile = args.profileDir && k === labels.length - 1 ? await startProfile() : null;
    cycles[label] = await repeated(label, app.config.feeds.length, async () => shortCycle(await measure(args.control, () => app.intake.pollFeeds())));
    if (profile) await profile.stop(path.join(args.profileDir, `${args.profileName ?? "crier"}-${label}.cpuprofile`));
  }
  await app.close();
  return { startup, cycles, maxRss: maxRssBytes() };
}

/** Profiles one window with the inspector (only when asked: it slows the window down). */
async function startProfile() {
  const { Session } = await import("node:inspector/promises");
  const { writeFileSync } = await import("node:fs");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  return {
    async stop(file) {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/**
 * Counts what the scheduler's polls report (an instance property shadows FeedIntake#pollFeeds,
 * which the Scheduler's work calls once per schedule tick with the group's feeds): `first`
 * resolves with the first scheduled call ({ opts, startedAt, doneAt, reports }) when it finishes.
 */
function watchPolls(app) {
  const pollFeeds = app.intake.pollFeeds.bind(app.intake);
  const calls = [];
  let done;
  const first = new Promise((resolve) => (done = resolve));
  app.intake.pollFeeds = async (ids, opts) => {
    const call = { opts: { spreadMs: opts?.spreadMs ?? 0 }, startedAt: Date.now(), doneAt: null, reports: [], tally: null };
    calls.push(call);
    try {
      const result = await pollFeeds(ids, opts);
      call.reports = result.reports;
      call.tally = result.tally ?? null; // crier run keeps only notable reports and counts the others
      return result;
    } finally {
      call.doneAt = Date.now();
      done(call);
    }
  };
  return { calls, first };
}

/** Counts the delivery passes (and their wall time) of `app`. */
function watchDeliveries(app) {
  const deliver = app.delivery.deliverDue.bind(app.delivery);
  const passes = { count: 0, ms: 0, outcomes: 0 };
  app.delivery.deliverDue = async (ids) => {
    const t0 = performance.now();
    try {
      const out = await deliver(ids);
      passes.outcomes += out.length;
      return out;
    } finally {
      passes.count++;
      passes.ms += performance.now() - t0;
    }
  };
  return passes;
}

/** A 6-field cron (UTC) matching these seconds of every minute, or (once: true) this second only. */
function cronAt(ms, every = null) {
  const d = new Date(ms);
  const s = d.getUTCSeconds();
  if (every === null) return `${s} ${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} *`;
  const secs = [];
  for (let k = s % every; k < 60; k += every) secs.push(k);
  return `${secs.join(",")} * * * * *`;
}

/**
 * Waits (in 100 ms steps, bounded by the child's own deadline) for the first scheduled poll call to
 * finish, or for the schedule's tick to be reported missed, or for the feed server to see no new
 * request for `stallMs` after the tick.
 */
async function awaitScheduledCycle(watch, fireAt, missed, stallMs) {
  let requests = 0;
  let progressAt = fireAt;
  let finished = false;
  void watch.first.then(() => (finished = true));
  for (let step = 0; step < LIMIT_MS / 100 && !finished && !missed.count; step++) {
    await sleep(100);
    if (Date.now() < fireAt || step % 5) continue;
    const seen = (await control(args.control, "/stats")).requests;
    if (seen > requests) (requests = seen), (progressAt = Date.now());
    if (Date.now() - progressAt > stallMs) break;
  }
  return { finished, requests };
}

/**
 * Crier through the scheduler (`crier run`): every feed on the same cron, which fires once, a
 * little from now (6 fields, UTC; next match in a year). Its config has `polling.spread: 0`, so
 * the tick polls every feed at once through the shared pool (the spread itself: `crier-spread`).
 * Also records when each request reached the feed server.
 */
async function crierScheduler() {
  const { app, startup } = await crierApp(args.dir, args.config);
  const n = app.config.feeds.length;
  const watch = watchPolls(app);
  const passes = watchDeliveries(app);
  const fireAt = Math.ceil((Date.now() + 1_500 + n * 0.2) / 1000) * 1000;
  const schedule = cronAt(fireAt);
  for (const feed of app.config.feeds) {
    feed.schedule = schedule;
    feed.timezone = "UTC";
  }
  const scheduler = await newScheduler(app);
  const start = await measure(null, () => scheduler.start());
  if (Date.now() >= fireAt - 200) throw new Error("scheduling took longer than the lead time; raise it");
  // The schedule groups' tasks come first in the Scheduler's (private) task list; here, one group.
  const missed = { count: 0 };
  for (const task of (scheduler.tasks ?? []).slice(0, 1)) task.on?.("execution:missed", () => missed.count++);
  let wait = null;
  const m = await measure(args.control, async () => {
    wait = await awaitScheduledCycle(watch, fireAt, missed, 20_000);
    await scheduler.kickDelivery();
  });
  const arrivals = await control(args.control, "/arrivals");
  const call = watch.calls[0];
  await stopScheduler(app, scheduler);
  await app.close();
  const polled = wait.finished ? polledIn(call) : wait.requests;
  return {
    startup,
    schedule,
    spreadMs: call?.opts.spreadMs ?? null,
    startCpuMs: start.cpuMs,
    startWallMs: start.wallMs,
    feeds: n,
    polled,
    missed: missed.count,
    stalled: !wait.finished,
    deliveryPasses: passes.count,
    deliveryPassMs: passes.ms,
    arrivals: spreadStats(arrivals, fireAt, 0),
    cycle: { ...m, value: undefined, wallMs: (call?.doneAt ?? Date.now()) - fireAt, ...callCounts(call) },
    maxRss: maxRssBytes(),
  };
}

/**
 * The spread of one schedule's polls (`crier run`, polling.spread from the config): every feed on
 * a cron repeating every `everySec` seconds, starting a couple of seconds from now. One tick is
 * measured: when each feed request reached the feed server, relative to the tick.
 */
async function crierSpread() {
  const { app, startup } = await crierApp(args.dir, args.config);
  const n = app.config.feeds.length;
  const watch = watchPolls(app);
  const fireAt = Math.ceil((Date.now() + 2_000 + n * 0.2) / 1000) * 1000;
  const schedule = cronAt(fireAt, args.everySec);
  for (const feed of app.config.feeds) {
    feed.schedule = schedule;
    feed.timezone = "UTC";
  }
  const scheduler = await newScheduler(app);
  scheduler.start();
  const task = (scheduler.tasks ?? [])[0];
  if (task?.getNextRun?.()?.getTime() !== fireAt) throw new Error(`the schedule's next run is ${task?.getNextRun?.()?.toISOString()}, expected ${new Date(fireAt).toISOString()}`);
  const missed = { count: 0 };
  task.on?.("execution:missed", () => missed.count++);
  let wait = null;
  const m = await measure(args.control, async () => {
    wait = await awaitScheduledCycle(watch, fireAt, missed, 20_000);
  });
  const arrivals = await control(args.control, "/arrivals");
  await stopScheduler(app, scheduler);
  await app.close();
  const call = watch.calls[0];
  const spreadMs = call?.opts.spreadMs ?? null;
  if (!wait.finished) throw new Error(`the tick did not finish: ${wait.requests} requests, ${missed.count} missed`);
  return {
    startup,
    schedule,
    intervalMs: args.everySec * 1000,
    spread: app.config.polling.spread,
    spreadMs,
    feeds: n,
    polled: polledIn(call),
    cycle: { ...m, value: undefined, wallMs: call.doneAt - fireAt, ...callCounts(call) },
    arrivals: spreadStats(arrivals, fireAt, spreadMs ?? 0),
    maxRss: maxRssBytes(),
  };
}

/** New-item path: seed, a changed body with no new item (parse only), then `newPerFeed` new items per feed, delivered. */
async function crierNewItems() {
  const group = args.group;
  await control(args.control, `/reset-group?group=${group}`, "POST");
  const { app, startup } = await crierApp(args.dir);
  const seed = shortCycle(await measure(args.control, () => app.intake.pollFeeds()));
  // Parse-only control: the same feeds with a new lastBuildDate (new validators, new body), no new
  // item. Twice, so that the control is as warm as the measured poll that follows; the second counts.
  await control(args.control, `/bump?group=${group}&build=1`, "POST");
  await app.intake.pollFeeds();
  await control(args.control, `/bump?group=${group}&build=1`, "POST");
  const parseOnly = shortCycle(await measure(args.control, () => app.intake.pollFeeds()));
  await control(args.control, `/bump?group=${group}&by=${args.newPerFeed}&build=1`, "POST");
  const poll = await measure(args.control, () => app.intake.pollFeeds());
  const queued = poll.value.reports.reduce((s, r) => s + (r.queued ?? 0), 0);
  const deliver = await measure(null, async () => {
    const outcomes = [];
    // As `crier poll --once` does: delivery passes until one is not full (bounded).
    for (let pass = 0; pass < 1000; pass++) {
      const batch = await app.delivery.deliverDue();
      outcomes.push(...batch);
      if (batch.length < app.config.delivery.batchSize) break;
    }
    return outcomes;
  });
  const states = {};
  for (const o of deliver.value) states[o.state] = (states[o.state] ?? 0) + 1;
  await app.close();
  const postsFile = path.join(args.dir, "posts-a.jsonl");
  const posted = existsSync(postsFile) ? readFileSync(postsFile, "utf8").split("\n").filter(Boolean).length : 0;
  return {
    startup,
    seed,
    parseOnly,
    poll: { ...shortCycle(poll), queued },
    deliver: { ...deliver, value: undefined, states },
    posted,
    maxRss: maxRssBytes(),
  };
}

/** Latency with the scheduler's polling: publish an article, time until the destination has it. */
async function crierLatency() {
  const group = args.group;
  await control(args.control, `/reset-group?group=${group}`, "POST");
  const { app } = await crierApp(args.dir);
  const scheduler = await newScheduler(app);
  scheduler.start();
  await scheduler.runAllNow(); // seeds the feed (first run: recorded, nothing posted)
  const postsFile = path.join(args.dir, "posts-a.jsonl");
  const seen = () => (existsSync(postsFile) ? readFileSync(postsFile, "utf8") : "");
  const samples = [];
  await sleep(1_500);
  for (let k = 0; k < args.publications; k++) {
    // Publish at a different phase of the second each time (the cron fires on whole seconds).
    await sleep(1_000 + ((k * 373) % 1000));
    const pub = await control(args.control, `/publish?group=${group}&i=0`, "POST");
    const needle = `/post-${pub.id}/`;
    let at = null;
    for (let t = 0; t < 2_000 && at === null; t++) {
      // bounded: 2,000 checks of 5 ms = 10 s
      if (seen().includes(needle)) at = Date.now();
      else await sleep(5);
    }
    samples.push(at === null ? null : at - pub.publishedAt);
  }
  await stopScheduler(app, scheduler);
  await app.close();
  return { samples, maxRss: maxRssBytes() };
}

/** Commands from the orchestrator (IPC): resolves with the next message `{ cmd }` equal to `cmd`. */
function command(cmd) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m?.cmd !== cmd) return;
      process.off("message", on);
      resolve(m);
    };
    process.on("message", on);
  });
}

/**
 * Latency via WebSub: Crier as `crier run` starts it (openCrier, then CrierRun: recover, WebSub
 * listener, Scheduler, a first poll of every feed, which seeds them and discovers their hub). The feeds' schedule is a
 * year away: in the measured window only pushes can explain a post. The orchestrator runs the hub
 * and the publications; this process says when it is up ({ event: "ready" }), then measures its
 * own CPU from "go" to "stop".
 */
async function crierWebSub() {
  const { app, startup } = await crierApp(args.dir);
  const { CrierRun } = await import(new URL("dist/src/services/run.js", ROOT));
  const watch = watchPolls(app);
  const passes = watchDeliveries(app);
  const pushes = { count: 0, ms: [], statuses: {} };
  const acceptPushed = app.intake.acceptPushed.bind(app.intake);
  app.intake.acceptPushed = async (feedId, content) => {
    const t0 = performance.now();
    const report = await acceptPushed(feedId, content);
    pushes.ms.push(performance.now() - t0);
    pushes.count++;
    const key = `${report.status}${report.via ? `/${report.via}` : ""}`;
    pushes.statuses[key] = (pushes.statuses[key] ?? 0) + 1;
    return report;
  };
  const run = await CrierRun.start(app, { onStorageFailure: (err) => process.stderr.write(`${err.message}\n`) });
  // WebSub is served by crier run's public listener (publicListener, or the deprecated websub.listen).
  const websub = run.listener?.websub ? run.listener : null;
  if (!websub) throw new Error(`WebSub is off: ${app.config.websubOffReason ?? "no websub section"}`);
  await run.runAllNow();
  const go = command("go");
  const stop = command("stop");
  process.send?.({ event: "ready", address: websub.address, seeded: statusCounts(watch.calls[0]?.reports ?? []).statuses });
  await go;
  const polledBefore = watch.calls.length;
  const pushesBefore = { count: pushes.count, ms: pushes.ms.length };
  const passesBefore = passes.count;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await stop;
  const cpu = process.cpuUsage(c0);
  const wallMs = performance.now() - t0;
  await run.stop("bench");
  const pushMs = pushes.ms.slice(pushesBefore.ms).sort((a, b) => a - b);
  return {
    startup,
    window: { cpuMs: (cpu.user + cpu.system) / 1000, wallMs },
    pushes: pushes.count - pushesBefore.count,
    pushStatuses: pushes.statuses,
    acceptPushedMedianMs: pushMs.length ? pushMs[Math.floor(pushMs.length / 2)] : null,
    scheduledPolls: watch.calls.length - polledBefore,
    deliveryPasses: passes.count - passesBefore,
    maxRss: maxRssBytes(),
  };
}

// ---- the floor: bare conditional GETs ------------------------------------------------------------
/**
 * The leanest client doing Crier's requests: undici's Agent and request API loaded from the same
 * files as Crier's src/core/http.ts (not undici's index), the same keep-alive pool (30 s, 4
 * connections per origin), each URL split into origin and path once before the first cycle (as
 * Crier splits each feed's), `Dispatcher#dispatch` with a handler as fetch.ts calls it, the same headers; the
 * same Node flags as the Crier children (none, unless --crier-node-flags).
 */
async function floor() {
  const DispatcherBase = require("undici/lib/dispatcher/dispatcher.js");
  Object.assign(DispatcherBase.prototype, require("undici/lib/api/index.js"));
  const Agent = require("undici/lib/dispatcher/agent.js");
  const newAgent = () => new Agent({ keepAliveTimeout: 30_000, connections: 4 });
  let agent = newAgent();
  const list = await control(args.control, `/manifest?group=${args.group}&n=${args.n}`);
  const targets = list.map((f) => {
    const url = new URL(f.url);
    return { origin: url.origin, path: `${url.pathname}${url.search}`, etag: f.etag, lastModified: f.lastModified };
  });
  // The User-Agent Crier sends by default, from the build's section defaults (generated from the schema).
  const { SECTION_DEFAULTS } = await import(new URL("dist/src/config/section-defaults.js", ROOT));
  const userAgent = SECTION_DEFAULTS.userAgent;
  // And its Accept headers, from the module that sends them (loaded before the measured cycles).
  const accept = await import(new URL("dist/src/intake/fetch.js", ROOT));
  const cycles = {};
  const labels = args.cycles ?? ["cycle"];
  for (const [k, label] of labels.entries()) {
    if (label === "new-conns") {
      await agent.close();
      agent = newAgent();
    }
    // --profile-cycle: the floor's last cycle too, to compare like with like.
    const profile = args.profileDir && k === labels.length - 1 ? await startProfile() : null;
    cycles[label] = await repeated(label, targets.length, () => floorCycle(agent, targets, userAgent, accept));
    if (profile) await profile.stop(path.join(args.profileDir, `${args.profileName ?? "floor"}-${label}.cpuprofile`));
  }
  await agent.close();
  return { cycles, maxRss: maxRssBytes() };
}

/** One floor cycle: every target once through `agent`, CONCURRENCY at a time; statuses counted. */
async function floorCycle(agent, targets, userAgent, { FEED_ACCEPT, FEED_ACCEPT_ENCODING }) {
  const m = await measure(args.control, () =>
    pool(targets, CONCURRENCY, async (f) => {
      // As fetch.ts (fetch-exchange.ts) asks: undici's dispatch API, the body gathered as it comes.
      return new Promise((resolve, reject) => {
        const chunks = [];
        let statusCode = 0;
        agent.dispatch(
          {
            origin: f.origin,
            path: f.path,
            method: "GET",
            headers: {
              // Crier's request, byte for byte: its default User-Agent (the built section defaults) and
              // Accept headers (src/intake/fetch.ts); a shorter request is less to write to the socket.
              "user-agent": userAgent,
              accept: FEED_ACCEPT,
              "accept-encoding": FEED_ACCEPT_ENCODING,
              "if-none-match": f.etag,
              "if-modified-since": f.lastModified,
            },
          },
          {
            onRequestStart() {},
            onResponseStart(_c, status) {
              statusCode = status;
            },
            onResponseData(_c, chunk) {
              chunks.push(chunk);
            },
            onResponseEnd() {
              resolve(statusCode);
            },
            onResponseError(_c, err) {
              reject(err);
            },
          },
        );
      });
    }),
  );
  const statuses = {};
  for (const s of m.value) statuses[s] = (statuses[s] ?? 0) + 1;
  return { ...m, value: undefined, statuses };
}

// ---- peers ---------------------------------------------------------------------------------------
const READ_TIMEOUT_MS = 30_000;
const once = (resolve) => {
  let settled = false;
  return (v) => {
    if (!settled) {
      settled = true;
      resolve(v);
    }
  };
};

async function peerFeedsub(urls) {
  const FeedSub = require("feedsub");
  const readers = urls.map((url) => new FeedSub(url, { interval: 60, emitOnStart: false }));
  const cycle = () =>
    pool(readers, CONCURRENCY, (reader) =>
      new Promise((resolve) => {
        const done = once(resolve);
        const timer = setTimeout(() => done({ error: "timeout" }), READ_TIMEOUT_MS);
        reader.read((err, items) => {
          clearTimeout(timer);
          done(err ? { error: String(err.message ?? err) } : { items: items.length });
        });
      }),
    );
  return { cycle, close: () => readers.forEach((r) => r.stop()) };
}

async function peerRssFeedEmitter(urls) {
  const RssFeedEmitter = require("rss-feed-emitter");
  const FeedManager = require("rss-feed-emitter/src/FeedManager.js");
  // Know when one feed's poll has finished: FeedManager#getContent is what `add` and the refresh
  // timer call; its promise settles when the items are processed.
  const managers = new Map();
  const waiters = new Map();
  const settle = (url, value) => {
    const w = waiters.get(url);
    waiters.delete(url);
    w?.(value);
  };
  const original = FeedManager.prototype.getContent;
  FeedManager.prototype.getContent = function (firstload) {
    managers.set(this.feed.url, this);
    const p = original.call(this, firstload);
    p.then(() => settle(this.feed.url, { items: this.feed.items.length }), (e) => settle(this.feed.url, { error: String(e) }));
    return p;
  };
  const feeder = new RssFeedEmitter({ skipFirstLoad: true, userAgent: "bench-rss-feed-emitter" });
  feeder.on("error", (e) => settle(e.feed, { error: e.message }));
  const read = (url, start) =>
    new Promise((resolve) => {
      const done = once(resolve);
      const timer = setTimeout(() => done({ error: "timeout" }), READ_TIMEOUT_MS);
      waiters.set(url, (v) => (clearTimeout(timer), done(v)));
      start();
    });
  let first = true;
  const cycle = () => {
    const firstCycle = first;
    first = false;
    return pool(urls, CONCURRENCY, (url) =>
      // First cycle: `add` (which fetches at once); then what its refresh timer does.
      read(url, () => (firstCycle ? feeder.add({ url, refresh: 3_600_000 }) : managers.get(url).getContent())),
    );
  };
  return { cycle, close: () => feeder.destroy() };
}

async function peerNaive(urls) {
  const { request } = await import("undici");
  const Parser = require("rss-parser");
  const parser = new Parser();
  const cycle = () =>
    pool(urls, CONCURRENCY, async (url) => {
      const res = await request(url, { headers: { "user-agent": "bench-naive" } });
      const text = await res.body.text();
      const feed = await parser.parseString(text);
      return { items: feed.items.length };
    });
  return { cycle, close: () => undefined };
}

async function peer() {
  if (args.tool === "crier") return crierCycles();
  const list = await control(args.control, `/manifest?group=${args.group}&n=${args.n}`);
  const urls = list.map((f) => f.url);
  const t0 = performance.now();
  const make = { feedsub: peerFeedsub, "rss-feed-emitter": peerRssFeedEmitter, naive: peerNaive }[args.tool];
  if (!make) throw new Error(`unknown tool ${args.tool}`);
  const tool = await make(urls);
  const startupMs = performance.now() - t0;
  const cycles = {};
  for (const label of args.cycles ?? ["cycle"]) {
    const m = await measure(args.control, () => tool.cycle());
    const errors = m.value.filter((r) => r?.error);
    cycles[label] = { ...m, value: undefined, feeds: m.value.length, errors: errors.length, firstError: errors[0]?.error ?? null };
  }
  tool.close();
  return { startup: { startupMs, rssAfterCreate: process.memoryUsage().rss }, cycles, maxRss: maxRssBytes() };
}

// ---- main ----------------------------------------------------------------------------------------
const scenarios = {
  floor,
  "crier-cycles": crierCycles,
  "crier-scheduler": crierScheduler,
  "crier-spread": crierSpread,
  "crier-websub": crierWebSub,
  "crier-new-items": crierNewItems,
  "crier-latency": crierLatency,
  "changed-feed": () => changedFeed(args, ROOT),
  peer,
};

const reply = (msg) =>
  new Promise((resolve) => {
    if (!process.send) {
      console.log(JSON.stringify(msg, null, 2));
      return resolve();
    }
    process.send(msg, () => resolve());
  });

try {
  const run = scenarios[args.scenario];
  if (!run) throw new Error(`unknown scenario ${args.scenario}`);
  const value = await Promise.race([run(), deadline(args.scenario)]);
  await reply({ ok: true, value });
  process.exit(0);
} catch (err) {
  await reply({ ok: false, error: String(err?.stack ?? err) });
  process.exit(1);
}
