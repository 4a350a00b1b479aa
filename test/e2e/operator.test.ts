/**
 * The operator's first hour, through the built CLI: exit code 3 for what needs the operator (and
 * not for a rate-limit wait), messages that say what happened to what, a retry that starts a fresh
 * set of attempts, and the state of every feed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems } from "../support/rss.js";
import { jsonLines, runCli, writeConfig } from "../support/cli.js";
import { startTelegramLoopback, type TelegramLoopback } from "../loopback/telegram-bot-api/server.js";
import type { FaultAction } from "../loopback/fault.js";

const TOKEN = "5555555:AAE-operator-token-value";
const CHAT = { id: -1005555555555, type: "channel" as const, username: "operator" };
let feeds: FeedServer;
let tg: TelegramLoopback;
/** What the Telegram loopback does with the next requests (undefined: answer normally). */
let fault: ((method: string) => FaultAction | undefined) | null = null;

beforeAll(async () => {
  feeds = await startFeedServer();
  tg = await startTelegramLoopback({ tokens: [TOKEN], chats: [CHAT], onRequest: (req) => fault?.(req.path.split("/").pop() ?? "") });
});
afterAll(async () => {
  await feeds.close();
  await tg.close();
});

/** A config: feed `news` (newsItems(3) unless given) routed to Telegram destination `tg`. */
function telegramConfig(opts: { feedPath: string; apiBase?: string; token?: string; extra?: string }): { dir: string; config: string } {
  return writeConfig(`
storage: { path: data/crier.db }
${opts.extra ?? ""}
feeds:
  - { id: news, url: "${feeds.url}${opts.feedPath}", backlog: 1 }
destinations:
  - { id: tg, platform: telegram, apiBase: "${opts.apiBase ?? tg.url}", botToken: "${opts.token ?? "${TG_TOKEN}"}", chatId: "@operator" }
routes:
  - { feed: news, to: [tg] }
`);
}

interface Row { id: number; state: string; attempts: number; nextAttemptAt: number | null; gaveUp: boolean; reason: string | null; remoteId: string | null }
const rows = async (config: string, env: Record<string, string> = {}): Promise<Row[]> => JSON.parse((await runCli(["--config", config, "deliveries", "--json"], { env })).stdout) as Row[];
/** The one delivery meant to be posted (the others of a first run are recorded as skipped). */
const posted = async (config: string): Promise<Row | undefined> => (await rows(config)).find((r) => r.state !== "skipped");

describe("exit code 3: something needs the operator", () => {
  it("a destination paused because its secret is missing, with a post queued for it", async () => {
    feeds.setFeed("/missing-secret.xml", buildRss(newsItems(3)));
    const { config } = telegramConfig({ feedPath: "/missing-secret.xml" });
    const r = await runCli(["--config", config, "poll", "--once"]); // TG_TOKEN is not set
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/needs attention:\n {2}- destination tg is paused: environment variable TG_TOKEN is not set \(destinations\[0\]\.botToken\); 1 delivery waiting/);
    const json = JSON.parse((await runCli(["--config", config, "poll", "--once", "--json"])).stdout) as { attention: string[] };
    expect(json.attention).toEqual([expect.stringContaining("destination tg is paused: environment variable TG_TOKEN is not set")]);
  });

  it("a destination still paused for a refused token on the next run, though nothing was tried", async () => {
    feeds.setFeed("/refused.xml", buildRss(newsItems(3)));
    const { config } = telegramConfig({ feedPath: "/refused.xml" });
    const env = { TG_TOKEN: "5555555:AAE-revoked-token-000" };
    expect((await runCli(["--config", config, "poll", "--once"], { env })).code).toBe(3);
    const again = await runCli(["--config", config, "poll", "--once", "--json"], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ deliveries: [], attention: [expect.stringMatching(/^destination tg is paused: credentials refused: .*crier resume tg/)] });
    expect(again.code).toBe(3);
  });

  it("not for a platform's rate limit, which resolves itself", async () => {
    feeds.setFeed("/limited.xml", buildRss(newsItems(3)));
    const { config } = telegramConfig({ feedPath: "/limited.xml" });
    fault = (method) =>
      method === "sendMessage" || method === "sendPhoto"
        ? { kind: "status", status: 429, body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 3600", parameters: { retry_after: 3600 } } }
        : undefined;
    try {
      const r = await runCli(["--config", config, "poll", "--once", "--json"], { env: { TG_TOKEN: TOKEN } });
      const json = JSON.parse(r.stdout) as { deliveries: Array<{ state: string }>; attention: string[] };
      expect(json.deliveries.map((d) => d.state)).toEqual(["failed"]);
      expect(json.attention).toEqual([]);
      expect(r.code).toBe(0);
    } finally {
      fault = null;
    }
  });
});

describe("messages that say what happened to what", () => {
  it("retry, resolve and unpost of a delivery that does not exist: exit 2", async () => {
    feeds.setFeed("/none.xml", buildRss(newsItems(1)));
    const { config } = telegramConfig({ feedPath: "/none.xml" });
    for (const args of [["retry", "999"], ["resolve", "999", "--drop"], ["unpost", "999"]]) {
      const r = await runCli(["--config", config, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("no delivery #999");
      expect(r.stdout).toBe("");
    }
  });

  it("preview of an unknown feed names it and lists the feeds", async () => {
    const { config } = writeConfig(
      ["feeds:", "  - { id: riverside, url: a.xml }", "  - { id: harbour, url: b.xml }", "destinations:", "  - { id: out, platform: console }", "routes:", "  - { feed: riverside, to: [out] }"].join("\n"),
    );
    const r = await runCli(["--config", config, "preview", "--feed", "riversid"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no feed "riversid"');
    expect(r.stderr).toContain("did you mean `riverside`?");
    expect(r.stderr).toContain("(feeds: riverside, harbour)");
    expect(r.stderr).not.toMatch(/problem/);
  });

  it("preview of a feed that cannot be fetched says so, without a stack trace (exit 3)", async () => {
    feeds.setMode("/preview-down.xml", { kind: "status", status: 500 });
    const { config } = telegramConfig({ feedPath: "/preview-down.xml" });
    const r = await runCli(["--config", config, "preview", "--feed", "news"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^crier: feed news \(http:\/\/127\.0\.0\.1:\d+\/preview-down\.xml\): HTTP 500/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("unpost refused by the platform: the delivery id and the platform's words, no stack trace, exit 3", async () => {
    feeds.setFeed("/unpost.xml", buildRss(newsItems(2)));
    const { config } = telegramConfig({ feedPath: "/unpost.xml" });
    const env = { TG_TOKEN: TOKEN };
    expect((await runCli(["--config", config, "poll", "--once"], { env })).code).toBe(0);
    const sent = (await rows(config, env)).find((r) => r.state === "sent");
    expect(sent?.remoteId).toBeTruthy();
    fault = (method) => (method === "deleteMessage" ? { kind: "status", status: 400, body: { ok: false, error_code: 400, description: "Bad Request: message can't be deleted" } } : undefined);
    try {
      const r = await runCli(["--config", config, "unpost", String(sent?.id)], { env });
      expect(r.code).toBe(3);
      expect(r.stdout).toContain(`delivery #${sent?.id}: tg did not delete post ${sent?.remoteId}`);
      expect(r.stdout).toContain("the platform refused the request: 400 Bad Request: message can't be deleted");
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const json = JSON.parse((await runCli(["--config", config, "unpost", String(sent?.id), "--json"], { env })).stdout) as { delivery: number; deleted: boolean; error: string };
      expect(json).toMatchObject({ delivery: sent?.id, deleted: false, error: expect.stringContaining("message can't be deleted") });
    } finally {
      fault = null;
    }
    expect((await rows(config, env)).find((r) => r.id === sent?.id)?.state).toBe("sent");
  });

  it("check speaks of the check, not of a post", async () => {
    feeds.setFeed("/check.xml", buildRss(newsItems(1)));
    const { config } = telegramConfig({ feedPath: "/check.xml", apiBase: "http://127.0.0.1:9" });
    const r = await runCli(["--config", config, "check", "tg"], { env: { TG_TOKEN: TOKEN } });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^tg: check failed: could not reach the platform: ECONNREFUSED/);
    expect(r.stdout).not.toMatch(/post/);
    const json = JSON.parse((await runCli(["--config", config, "check", "tg", "--json"], { env: { TG_TOKEN: TOKEN } })).stdout);
    expect(json).toMatchObject({ destination: "tg", ok: false, kind: "transient" });
    const ok = await runCli(["--config", telegramConfig({ feedPath: "/check.xml" }).config, "check", "tg", "--json"], { env: { TG_TOKEN: TOKEN } });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ destination: "tg", ok: true });
  });

  it("deliveries: the remote id labelled, a note when more rows match, given-up rows without a next attempt", async () => {
    feeds.setFeed("/list.xml", buildRss(newsItems(4)));
    const { config } = telegramConfig({ feedPath: "/list.xml", extra: "delivery: { maxAttempts: 1 }" });
    const env = { TG_TOKEN: TOKEN };
    expect((await runCli(["--config", config, "poll", "--once"], { env })).code).toBe(0);
    const sent = await runCli(["--config", config, "deliveries", "--state", "sent"], { env });
    expect(sent.stdout).toMatch(/ · 1 attempt · [\s\S]*\n {6}post: https:\/\/t\.me\/operator\/\d+ · remote id: \d+\n/);
    const text = await runCli(["--config", config, "deliveries", "--limit", "2"], { env });
    expect(text.stdout).toMatch(/\n… more deliveries match: the newest 2 are shown \(--limit N for more/);
    const json = await runCli(["--config", config, "deliveries", "--limit", "2", "--json"], { env });
    expect(JSON.parse(json.stdout)).toHaveLength(2);
    expect(json.stderr).toContain("more deliveries match than the 2 shown");
    const all = await runCli(["--config", config, "deliveries"], { env });
    expect(all.stdout).not.toMatch(/more deliveries match/);

    // A new story the platform cannot be reached for: with maxAttempts 1 the row gives up at once.
    feeds.setFeed("/list.xml", buildRss(newsItems(5)));
    writeFileSync(config, readFileSync(config, "utf8").replace(tg.url, "http://127.0.0.1:9"));
    expect((await runCli(["--config", config, "poll", "--once"], { env })).code).toBe(3);
    const given = (await rows(config, env)).find((r) => r.state === "failed");
    expect(given).toMatchObject({ gaveUp: true, nextAttemptAt: null, attempts: 1 });
    expect(given?.reason).toMatch(/^gave up after 1 attempts?/);
    const shown = await runCli(["--config", config, "deliveries", "--state", "failed"], { env });
    expect(shown.stdout).toContain(`gave up (crier retry ${given?.id} starts afresh)`);
    expect(shown.stdout).not.toMatch(/9007199254740991|never/);
  });
});

describe("crier retry ID on a delivery that gave up", () => {
  it("starts a fresh set of attempts, keeping what happened before in the reason and the log", async () => {
    feeds.setFeed("/retry.xml", buildRss(newsItems(2)));
    const { config } = telegramConfig({ feedPath: "/retry.xml", apiBase: "http://127.0.0.1:9", extra: "delivery: { maxAttempts: 2, retryBaseMs: 1 }" });
    const env = { TG_TOKEN: TOKEN };
    await runCli(["--config", config, "poll", "--once"], { env }); // attempt 1: connection refused
    await runCli(["--config", config, "poll", "--once"], { env }); // attempt 2: gives up
    const gaveUp = await posted(config);
    expect(gaveUp).toMatchObject({ state: "failed", attempts: 2, gaveUp: true });

    const retry = await runCli(["--config", config, "retry", String(gaveUp?.id), "--json"], { env });
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.stdout)).toEqual({ queued: [{ id: gaveUp?.id, was: { state: "failed", attempts: 2, reason: gaveUp?.reason } }] });
    expect(jsonLines(retry.stderr).find((l) => l.msg === "delivery queued again by the operator")).toMatchObject({ delivery: gaveUp?.id, attempts: 2 });
    const queued = await posted(config);
    expect(queued).toMatchObject({ state: "pending", attempts: 0 });
    expect(queued?.reason).toContain(`before: failed after 2 attempts: ${gaveUp?.reason}`);

    // The platform still refuses: one failure of a fresh series, retried later, not given up.
    await runCli(["--config", config, "poll", "--once"], { env });
    const again = await posted(config);
    expect(again).toMatchObject({ state: "failed", attempts: 1, gaveUp: false });
    expect(again?.reason).not.toMatch(/gave up/);

    // Reachable again: the next poll posts it.
    writeFileSync(config, readFileSync(config, "utf8").replace("http://127.0.0.1:9", tg.url));
    await runCli(["--config", config, "poll", "--once"], { env });
    expect(await posted(config)).toMatchObject({ state: "sent", attempts: 2 });
  });

  it("says so for a delivery that cannot be queued again (exit 2), and for --failed with none", async () => {
    feeds.setFeed("/sent.xml", buildRss(newsItems(1)));
    const { config } = telegramConfig({ feedPath: "/sent.xml" });
    const env = { TG_TOKEN: TOKEN };
    await runCli(["--config", config, "poll", "--once"], { env });
    const sent = await posted(config);
    const r = await runCli(["--config", config, "retry", String(sent?.id)], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`delivery #${sent?.id} is sent: only a failed, uncertain, rejected or deleted delivery can be queued again`);
    const none = await runCli(["--config", config, "retry", "--failed"], { env });
    expect(none).toMatchObject({ code: 0, stdout: "no failed deliveries to queue again\n" });
  });
});

describe("crier feed list / crier feeds", () => {
  it("shows each feed: ok, held with both ways out, backing off until when with the last error, demoted", async () => {
    feeds.setFeed("/ok.xml", buildRss(newsItems(2)));
    feeds.setFeed("/flood.xml", buildRss(newsItems(4)));
    feeds.setFeed("/flaky.xml", buildRss(newsItems(2)));
    feeds.setFeed("/dead.xml", buildRss(newsItems(2)));
    const yaml = (demoteAfter: number): string => `
storage: { path: data/crier.db }
feedHealth: { demoteAfter: ${demoteAfter}, retryBaseMs: 3600000, retryMaxMs: 3600000 }
feeds:
${["ok", "flood", "flaky", "dead"].map((id) => `  - { id: ${id}, url: "${feeds.url}/${id}.xml" }`).join("\n")}
  - { id: later, url: "${feeds.url}/later.xml" }
  - { id: off, url: "${feeds.url}/off.xml", enabled: false }
destinations:
  - { id: out, platform: console, output: stderr, file: posts.jsonl }
routes:
  - { feed: ok, to: [out] }
  - { feed: flood, to: [out] }
  - { feed: flaky, to: [out] }
  - { feed: dead, to: [out] }
  - { feed: later, to: [out] }
`;
    const { config } = writeConfig(yaml(1));
    const poll = (...ids: string[]) => runCli(["--config", config, "poll", "--once", ...ids.flatMap((id) => ["--feed", id])]);
    expect((await poll("ok", "flood", "flaky", "dead")).code).toBe(0);
    feeds.setFeed("/flood.xml", buildRss(newsItems(8, { host: "https://new.example.net" }))); // a domain move: all new
    feeds.setMode("/flaky.xml", { kind: "status", status: 500 });
    feeds.setMode("/dead.xml", { kind: "status", status: 503 });
    expect((await poll("flood", "dead")).code).toBe(3); // dead: demoted at its first failure (demoteAfter 1)
    writeFileSync(config, `${yaml(5)}images: { enabled: false }\n`);
    expect((await poll("flaky")).code).toBe(3); // flaky: backing off for an hour

    const text = await runCli(["--config", config, "feed", "list"]);
    expect(text.code).toBe(3);
    const line = (id: string): string => text.stdout.split("\n").filter((l, i, all) => l.startsWith(`${id}:`) || (all[i - 1]?.startsWith(`${id}:`) && l.startsWith("    "))).join("\n");
    expect(line("ok")).toMatch(/^ok: ok · last polled \d{4}-/);
    expect(line("flood")).toMatch(/^flood: HELD since .*: .*\n {4}crier feed accept flood --post \(post the held items\) or crier feed accept flood \(record them without posting\)/);
    expect(line("flaky")).toMatch(/^flaky: BACKING OFF until \d{4}-.* after 1 failed poll; last error: .*HTTP 500.*\n {4}crier feed resume flaky/);
    expect(line("dead")).toMatch(/^dead: DEMOTED to a slow probe since .* after 1 failed poll; next probe .*; last error: .*HTTP 503/);
    expect(line("later")).toBe("later: not polled yet");
    expect(line("off")).toBe("off: disabled · enabled: false in the config");

    const json = await runCli(["--config", config, "feeds", "--json"]);
    expect(json.code).toBe(3);
    const byId = Object.fromEntries((JSON.parse(json.stdout) as Array<{ id: string; state: string; lastError: string | null; nextPollAt: number | null }>).map((f) => [f.id, f]));
    expect(Object.fromEntries(Object.entries(byId).map(([id, f]) => [id, f.state]))).toEqual({ ok: "ok", flood: "held", flaky: "backing-off", dead: "demoted", later: "not-polled", off: "disabled" });
    expect(byId.flaky?.nextPollAt).toBeGreaterThan(Date.now() + 20 * 60_000); // an hour's backoff, half of it jitter
    expect(byId.flaky?.lastError).toContain("HTTP 500");
  });
});
