/**
 * Two Crier processes on one delivery log, through the built CLI. `crier run` holds the log:
 * a second writer (`poll --once`) is refused with the holder named (exit 4) and never touches the
 * row in flight, which ends `sent` with its remote id; read-only commands work alongside; short
 * operator commands are done by the holder; `poll --once --wait` waits and then runs. A holder
 * killed mid-send is taken over and its row recovered as the guarantees say (uncertain on
 * Telegram, sent again under the same key on Mastodon); a holder that stalls past its lease is
 * taken over after the lease and, once awake, stops sending: never two processes sending.
 */
import { afterEach, describe, expect, it } from "vitest";
import { hostname } from "node:os";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems, type TestItem } from "../support/rss.js";
import { runCli, writeConfig } from "../support/cli.js";
import { startCrier, waitFor, type Daemon } from "../support/daemon.js";
import { stopChildren } from "../support/children.js";
import { scaled } from "../support/timing.js";
import { startTelegramLoopback, type TelegramLoopback } from "../loopback/telegram-bot-api/server.js";
import { startMastodonLoopback } from "../loopback/mastodon-api/server.js";

const TOKEN = "6666666:AAF-ownership-suite-token";
const REVOKED = "6666666:AAF-revoked-token";
const CHAT = { id: -1003333333333, type: "channel" as const, username: "ownership_suite" };

let closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  // The crier processes first (the registry's hook would only end them after the servers they
  // hold connections to): a stopped (SIGSTOP) one is killed too.
  await stopChildren("test", scaled(5_000));
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

/** `crier ARGS` as a registered child, ended after the test whatever happens. */
const crier = (config: string, args: string[], env: Record<string, string>): Daemon => startCrier(config, args, env);

/** Holds a platform's post requests until opened: a slow platform, for exactly as long as the test needs. */
function gate() {
  let open: (() => void) | null = null;
  let closed: Promise<void> | null = null;
  let held = 0;
  return {
    close: (): void => void (closed = new Promise<void>((resolve) => (open = resolve))),
    open: (): void => {
      open?.();
      closed = null;
    },
    /** Post requests that arrived while closed. */
    held: (): number => held,
    pass: async (): Promise<void> => {
      if (!closed) return;
      held++;
      await closed;
    },
  };
}
type Gate = ReturnType<typeof gate>;

/** A slow platform: its destination entry, the gate on its posts, and what it published. */
interface Target {
  destination: string;
  env: Record<string, string>;
  gate: Gate;
  /** Times story N was published. */
  posted: (n: number) => number;
  /** Post requests received (each a send by some process). */
  postRequests: () => number;
}

async function slowTelegram(): Promise<Target & { tg: TelegramLoopback }> {
  const g = gate();
  const tg = await startTelegramLoopback({
    tokens: [TOKEN],
    chats: [CHAT],
    onRequest: async (call) => {
      if (call.method === "sendMessage" && call.token === TOKEN) await g.pass();
      return undefined;
    },
  });
  closers.push(async () => (g.open(), await tg.close()));
  return {
    tg,
    destination: `{ id: target, platform: telegram, apiBase: "${tg.url}", botToken: "\${TG_TOKEN}", chatId: "@${CHAT.username}", timeoutMs: 60000 }`,
    env: { TG_TOKEN: TOKEN },
    gate: g,
    posted: (n) => tg.messages.filter((m) => (m.text ?? "").startsWith(`Story ${n}:`)).length,
    postRequests: () => tg.requests.filter((r) => r.method === "sendMessage" && r.token === TOKEN).length,
  };
}

async function slowMastodon(): Promise<Target> {
  const g = gate();
  const masto = await startMastodonLoopback({
    onRequest: async (req) => {
      if (req.method === "POST" && req.path === "/api/v1/statuses") await g.pass();
      return undefined;
    },
  });
  closers.push(async () => (g.open(), await masto.close()));
  return {
    destination: `{ id: target, platform: mastodon, instance: "${masto.url}", accessToken: "\${TOKEN}", timeoutMs: 60000 }`,
    env: { TOKEN: "loopback-token-crier" },
    gate: g,
    posted: (n) => masto.statuses.filter((s) => s.text.startsWith(`Story ${n}:`)).length,
    postRequests: () => masto.requests.filter((r) => r.method === "POST" && r.path === "/api/v1/statuses").length,
  };
}

interface Row {
  id: number;
  state: string;
  destinationId: string;
  title: string;
  remoteId: string | null;
  reason: string | null;
}

async function rowsOf(config: string): Promise<Row[]> {
  const r = await runCli(["--config", config, "deliveries", "--json", "--limit", "1000"]);
  if (r.code !== 0) throw new Error(`crier deliveries failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Row[];
}
const rowOf = (rows: Row[], n: number, destination = "target"): Row | undefined =>
  rows.find((r) => r.destinationId === destination && r.title.startsWith(`Story ${n}:`));

/** A feed server with `n` articles, and a function that publishes the next one. */
async function newsFeed(n: number): Promise<{ feeds: FeedServer; publish: () => number }> {
  const feeds = await startFeedServer();
  closers.push(() => feeds.close());
  let items: TestItem[] = newsItems(n);
  let last = n;
  feeds.setFeed("/news.xml", buildRss(items));
  return {
    feeds,
    publish: () => {
      items = [...newsItems(1, { start: ++last }), ...items];
      feeds.setFeed("/news.xml", buildRss(items));
      return last;
    },
  };
}

const stderrText = (d: Daemon): string => d.stderr().split("\n").filter((l) => !l.startsWith("{")).join("\n");
const logLines = (d: Daemon): string[] => d.stderr().split("\n").filter((l) => l.startsWith("{"));

describe("one process owns the delivery log", () => {
  it("crier run mid-send: a second writer is refused with the holder named (exit 4); reads work; retry and resume go through the holder; poll --once --wait waits, then runs", async () => {
    const { feeds, publish } = await newsFeed(3);
    const target = await slowTelegram();
    const { config } = writeConfig(`
storage: { path: data/crier.db }
feeds:
  - { id: news, url: "${feeds.url}/news.xml", backlog: 1 }
destinations:
  - ${target.destination}
  - { id: revoked, platform: telegram, apiBase: "${target.tg.url}", botToken: "\${TG_REVOKED}", chatId: "@${CHAT.username}" }
routes:
  - { feed: news, to: [target, revoked] }
`);
    const env = { ...target.env, TG_REVOKED: REVOKED };
    const revokedCalls = (): number => target.tg.requests.filter((r) => r.token === REVOKED).length;

    // Before the service: the first poll posts the newest article (story 3). Telegram refuses it
    // once (400: rejected), and refuses the revoked token (that destination is paused).
    target.tg.harness.inject({ kind: "status", status: 400, body: { ok: false, error_code: 400, description: "Bad Request: message text is empty" } }, { match: (r) => r.path.endsWith("/sendMessage") && r.path.includes(TOKEN) });
    const first = await runCli(["--config", config, "poll", "--once"], { env });
    expect(first.code, first.stderr).toBe(3);
    const rejected = rowOf(await rowsOf(config), 3);
    expect(rejected?.state).toBe("rejected");
    expect(revokedCalls()).toBeGreaterThan(0);

    // The service starts; story 4 goes out to a platform that takes its time.
    const story4 = publish();
    target.gate.close();
    const run = crier(config, ["run"], env);
    await waitFor(() => target.gate.held() === 1, 30_000, "crier run to be in the middle of sending story 4", () => `crier run:\n${run.stderr()}\nfeed requests: ${JSON.stringify(feeds.hits.slice(-5))}\ntelegram requests: ${JSON.stringify(target.tg.requests.slice(-5).map((r) => [r.method, r.path]))}`);
    const inFlight = rowOf(await rowsOf(config), story4); // a read-only command, alongside the service
    expect(inFlight?.state).toBe("sending");

    // A second writer is refused: who holds the log, since when, until when, what to do. It changes nothing.
    const poll = await runCli(["--config", config, "poll", "--once"], { env });
    expect(poll.code).toBe(4);
    expect(poll.stderr).toMatch(new RegExp(`^crier: the delivery log \\S+crier\\.db is held by another Crier process: \`crier run\` \\(pid ${run.child.pid} on host ${hostname()}\\), since \\S+ \\S+Z; its lease runs until \\S+ \\S+Z \\(in \\d+ s\\) and is renewed while that process runs\\.\\nStop that process first, or add --wait SECONDS`));
    expect(poll.stdout).toBe("");
    expect(rowOf(await rowsOf(config), story4)?.state).toBe("sending");
    expect((await runCli(["--config", config, "destinations"], { env })).code).toBe(3); // reads work (the paused one needs the operator)

    // Short commands are done by the holder, and print what they print when run alone.
    const before = revokedCalls();
    const retried = await runCli(["--config", config, "retry", String(rejected?.id)], { env });
    expect(retried, retried.stderr).toMatchObject({ code: 0, stdout: `delivery #${rejected?.id} queued again with a fresh set of attempts (it was rejected after 1 attempt)\n` });
    const resumed = await runCli(["--config", config, "resume", "revoked"], { env });
    expect(resumed, resumed.stderr).toMatchObject({ code: 0, stdout: "destination revoked: resumed\n" });
    const unknown = await runCli(["--config", config, "retry", "9999"], { env });
    expect(unknown).toMatchObject({ code: 2, stdout: "", stderr: "crier: no delivery #9999 (see crier deliveries)\n" });
    const served = logLines(run).map((l) => JSON.parse(l) as { msg: string; op?: string; ok?: boolean }).filter((l) => l.msg === "operator request done");
    expect(served.map((l) => [l.op, l.ok])).toEqual([["retry", true], ["resume", true], ["retry", false]]);

    // The platform answers: the row in flight ends sent with its remote id; the retried one goes
    // out too; the resumed destination is tried again by the holder (its pause lived in the holder).
    target.gate.open();
    await waitFor(async () => {
      const rows = await rowsOf(config);
      return rowOf(rows, story4)?.state === "sent" && rowOf(rows, 3)?.state === "sent";
    }, 30_000, "stories 4 and 3 sent");
    const rows = await rowsOf(config);
    const sent4 = target.tg.messages.find((m) => (m.text ?? "").startsWith(`Story ${story4}:`));
    expect(rowOf(rows, story4)?.remoteId).toBe(String(sent4?.messageId));
    expect(rowOf(rows, story4)?.reason ?? null).toBeNull();
    await waitFor(() => revokedCalls() > before, 30_000, "the resumed destination to be tried again");
    expect([target.posted(3), target.posted(story4)]).toEqual([1, 1]);

    // A cron poll with --wait waits for the service to stop, then runs.
    const wait = Math.ceil(scaled(30_000) / 1000);
    const waiting = crier(config, ["poll", "--once", "--wait", String(wait)], env);
    await waitFor(() => waiting.stderr().includes(`waiting up to ${wait} s for the delivery log: held by \`crier run\``), 30_000, "poll --once --wait to wait");
    expect(waiting.alive()).toBe(true);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(await waiting.exited).toBe(3); // done; the revoked destination still needs the operator
    expect(waiting.stdout()).toMatch(/news/);
    console.log(
      `two processes: crier run (pid ${run.child.pid}) mid-send; crier poll --once refused, exit ${poll.code}:\n${poll.stderr}` +
        `crier deliveries alongside: the row in flight was ${inFlight?.state}; retry and resume done by the holder; ` +
        `story ${story4} sent once with remote id ${rowOf(rows, story4)?.remoteId}; poll --once --wait ${wait} ran after the service stopped (exit 3)`,
    );
  }, scaled(120_000));

  it.each([
    ["telegram", "uncertain"],
    ["mastodon", "sent again under the same key"],
  ] as const)("a holder killed mid-send on %s is taken over at once on this host; its row is recovered as %s, never posted twice", async (platform, _recovered) => {
    const { feeds, publish } = await newsFeed(3);
    const target = platform === "telegram" ? await slowTelegram() : await slowMastodon();
    // A long lease: the take-over must not wait for it (the killed holder is known to be gone).
    const { config } = writeConfig(`
storage: { path: data/crier.db }
ownership: { leaseSeconds: 600 }
feeds:
  - { id: news, url: "${feeds.url}/news.xml", backlog: 0, schedule: "* * * * * *" }
destinations:
  - ${target.destination}
routes:
  - { feed: news, to: [target] }
`);
    expect((await runCli(["--config", config, "poll", "--once"], { env: target.env })).code).toBe(0); // seeds the feed
    const n = publish();
    target.gate.close();
    const first = crier(config, ["run"], target.env);
    await waitFor(() => target.gate.held() === 1, 30_000, "the first crier run to be mid-send");
    first.child.kill("SIGKILL");
    await first.exited;

    const second = crier(config, ["run"], target.env);
    await waitFor(() => /took the delivery log over from `crier run` \(pid \d+ on host [^)]+\): that process is gone/.test(second.stderr()), 30_000, "the second crier run to take over");
    expect(second.stderr()).toContain(`(pid ${first.child.pid} on host ${hostname()})`);
    target.gate.open(); // the killed process's request reaches the platform after all
    if (platform === "telegram") {
      await waitFor(async () => rowOf(await rowsOf(config), n)?.state === "uncertain", 30_000, "the row to be recovered as uncertain");
      expect(rowOf(await rowsOf(config), n)?.reason).toBe("the process stopped during the send: the post may or may not have been published");
      await waitFor(() => target.posted(n) === 1, 30_000, "the killed process's post to land");
      expect(target.postRequests()).toBe(1); // the second process did not send it again
    } else {
      await waitFor(async () => rowOf(await rowsOf(config), n)?.state === "sent", 30_000, "the row to be sent again under its key");
      expect(target.postRequests()).toBe(2); // sent twice under one Idempotency-Key...
      expect(target.posted(n)).toBe(1); // ...published once
    }
    // The new holder goes on: the next article is posted once.
    const next = publish();
    await waitFor(async () => rowOf(await rowsOf(config), next)?.state === "sent", 60_000, "the next article sent by the new holder");
    expect(target.posted(next)).toBe(1);
  }, scaled(120_000));

  it("a holder that stalls past its lease is taken over after it (the refusal says when); awake again, it has lost the log and stops sending", async () => {
    const { feeds, publish } = await newsFeed(3);
    const target = await slowTelegram();
    // Short, but long enough on this machine for a refused `crier run` to start while it runs.
    const lease = Math.ceil(scaled(6_000) / 1000);
    const { config } = writeConfig(`
storage: { path: data/crier.db }
ownership: { leaseSeconds: ${lease} }
feeds:
  - { id: news, url: "${feeds.url}/news.xml", backlog: 0, schedule: "* * * * * *" }
destinations:
  - ${target.destination}
routes:
  - { feed: news, to: [target] }
`);
    expect((await runCli(["--config", config, "poll", "--once"], { env: target.env })).code).toBe(0);
    const n = publish();
    target.gate.close();
    const stalled = crier(config, ["run"], target.env);
    await waitFor(() => target.gate.held() === 1, 30_000, "crier run to be mid-send");
    stalled.child.kill("SIGSTOP"); // a stall longer than the lease (alive: no take-over before the lease runs out)

    const refused = await runCli(["--config", config, "run"], { env: target.env });
    expect(refused.code).toBe(4);
    const said = new RegExp(`held by another Crier process: \`crier run\` \\(pid ${stalled.child.pid} on host [^)]+\\).*\\(in (\\d+) s\\)[\\s\\S]*If that process was killed, the delivery log is free once its lease runs out, in (\\d+) s at most`).exec(refused.stderr);
    expect(said, refused.stderr).not.toBeNull();
    for (const left of [Number(said?.[1]), Number(said?.[2])]) {
      expect(left).toBeGreaterThanOrEqual(1);
      expect(left).toBeLessThanOrEqual(lease);
    }

    const wait = 3 * lease;
    const next = crier(config, ["run", "--wait", String(wait)], target.env);
    await waitFor(() => next.stderr().includes(`waiting up to ${wait} s for the delivery log`), 30_000, "the next crier run to wait");
    await waitFor(async () => rowOf(await rowsOf(config), n)?.state === "uncertain", 30_000, "the next crier run to take over and recover the row");
    expect(/took the delivery log over/.test(next.stderr())).toBe(false); // by the lease's end, not by a liveness shortcut

    stalled.child.kill("SIGCONT");
    await waitFor(() => /lost the delivery log to `crier run` \(pid \d+/.test(stalled.stderr()), 30_000, "the stalled process to find its lease lost");
    target.gate.open(); // its send in flight finishes; the row stays as the new holder recovered it
    expect(await stalled.exited).toBe(4);
    expect(stderrText(stalled)).toContain("crier: another Crier process took the delivery log over");
    expect(stalled.stderr()).toMatch(/posted, but the row was settled by the process that took the delivery log over meanwhile/);
    expect(rowOf(await rowsOf(config), n)?.state).toBe("uncertain");

    const after = publish();
    await waitFor(async () => rowOf(await rowsOf(config), after)?.state === "sent", 60_000, "the next article sent by the new holder");
    // One send each: the stalled process's one in flight, the new holder's; nobody sent twice.
    expect(target.postRequests()).toBe(2);
    expect([target.posted(n), target.posted(after)]).toEqual([1, 1]);
    console.log(`stall: crier run (pid ${stalled.child.pid}) stopped mid-send; crier run refused (exit 4) while its lease ran, then crier run --wait took over after it; the stalled one woke, found the lease lost and exited 4; 0 duplicates`);
  }, scaled(120_000));
});
