/**
 * A delivery log that cannot be used, through the built CLI with real files: a folder that cannot
 * be written (also for root), a file that is no database, a truncated one, and one damaged in the
 * middle. Each is named, with what is wrong and what to do, exit code 2, no stack trace; damage
 * found during a poll is never blamed on a feed.
 */
import { describe, expect, it } from "vitest";
import { copyFileSync, existsSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync, closeSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { ROOT, runCli, writeConfig } from "../support/cli.js";
import { startDaemon } from "../support/daemon.js";
import { scaled } from "../support/timing.js";

/** A config with one local feed (the demo's) posted to the console; `storage` is storage.path. */
function setup(storage: string): { dir: string; config: string; feed: string } {
  const { dir, config } = writeConfig(
    [`storage: { path: "${storage}" }`, "feeds:", "  - { id: demo, url: feed.xml, backlog: 1 }", "destinations:", "  - { id: out, platform: console, output: stderr, file: posts.jsonl }", "routes:", "  - { feed: demo, to: [out] }"].join("\n"),
  );
  const feed = path.join(dir, "feed.xml");
  copyFileSync(path.join(ROOT, "config/feeds/demo-news.xml"), feed);
  return { dir, config, feed };
}

/** The operator's message: exit 2, the file named, no stack trace, no raw SqliteError. */
function expectStorageError(r: { code: number | null; stderr: string }, file: string, says: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(file);
  expect(r.stderr).toMatch(says);
  expect(r.stderr).not.toMatch(/\n\s+at |SqliteError|Error:/);
}

describe("a delivery log that cannot be used", () => {
  it("a folder that cannot be created (its parent is a regular file): validate and poll say so", async () => {
    const { dir, config } = setup("blocked/data/crier.db");
    writeFileSync(path.join(dir, "blocked"), "not a folder");
    const file = path.join(dir, "blocked/data/crier.db");
    const validate = await runCli(["--config", config, "validate"]);
    expectStorageError(validate, file, /blocked is a file, not a folder[\s\S]*storage\.path/);
    expect(validate.stdout).toContain("valid (1 feed, 1 destination)"); // the config itself is fine
    const poll = await runCli(["--config", config, "poll", "--once"]);
    expectStorageError(poll, file, /cannot be created or written[\s\S]*blocked is a file, not a folder/);
    const json = await runCli(["--config", config, "validate", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, storage: { path: file, problem: expect.stringContaining("not a folder") } });
  });

  it.runIf(process.platform === "linux")("a folder no one may create files in, root included (/proc)", async () => {
    const file = `/proc/crier-test-${process.pid}.db`;
    const { config } = setup(file);
    expectStorageError(await runCli(["--config", config, "validate"]), file, /cannot be created or written/);
    expectStorageError(await runCli(["--config", config, "poll", "--once"]), file, /cannot be created or written[\s\S]*make \/proc a folder/);
  });

  it("a file that is not a database", async () => {
    const { dir, config } = setup("crier.db");
    const file = path.join(dir, "crier.db");
    writeFileSync(file, Buffer.alloc(50_000, "garbage "));
    for (const args of [["validate"], ["poll", "--once"], ["deliveries"], ["feed", "list"]]) {
      expectStorageError(await runCli(["--config", config, ...args]), file, /is not an SQLite database[\s\S]*restore it from a backup[\s\S]*move it aside/);
    }
  });

  it("an SQLite database of another program is not taken over", async () => {
    const { dir, config } = setup("other.db");
    const file = path.join(dir, "other.db");
    const other = new Database(file);
    other.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    other.close();
    expectStorageError(await runCli(["--config", config, "poll", "--once"]), file, /not Crier's delivery log \(it has the tables invoices/);
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all()).toEqual(["invoices"]);
    db.close();
  });

  it("a truncated file", async () => {
    const { dir, config } = setup("crier.db");
    const file = path.join(dir, "crier.db");
    expect((await runCli(["--config", config, "poll", "--once"])).code).toBe(0);
    truncateSync(file, 3 * 4096);
    expectStorageError(await runCli(["--config", config, "poll", "--once"]), file, /is damaged \(database disk image is malformed\)[\s\S]*restore it from a backup[\s\S]*move it aside/);
    expectStorageError(await runCli(["--config", config, "validate"]), file, /is damaged/);
  });

  /** A delivery log from a first poll, damaged in the middle; the feed has a new article to record. */
  async function damagedAfterFirstPoll(): Promise<{ dir: string; config: string; file: string }> {
    const { dir, config, feed } = setup("crier.db");
    const file = path.join(dir, "crier.db");
    expect((await runCli(["--config", config, "poll", "--once"])).code).toBe(0);
    // Overwrite the page of the index that a poll's new deliveries are checked against.
    const db = new Database(file);
    db.pragma("wal_checkpoint(TRUNCATE)");
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const root = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'deliveries_one_link_per_destination'").pluck().get() as number;
    db.close();
    expect(root).toBeGreaterThan(1);
    expect(statSync(file).size).toBeGreaterThan(root * pageSize);
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (root - 1) * pageSize);
    closeSync(fd);
    writeFileSync(feed, readFileSync(feed, "utf8").replace("<item>", "<item><title>New story</title><link>https://news.example.org/new-story/</link><guid>new-story</guid></item><item>"));
    return { dir, config, file };
  }

  it("damage in the middle of the file, found during a poll, stops the poll and is not blamed on the feed", async () => {
    const { config, file } = await damagedAfterFirstPoll();
    const poll = await runCli(["--config", config, "poll", "--once"]);
    expectStorageError(poll, file, /is damaged \(database disk image is malformed\)[\s\S]*Stop every Crier process[\s\S]*restore it from a backup[\s\S]*mv /);
    expect(poll.stderr).not.toMatch(/feed failed|feed "demo"/);
    expect(poll.stdout).not.toMatch(/feed demo: error/);
    const after = new Database(file, { readonly: true });
    expect(after.prepare("SELECT error_streak, next_poll_at, last_error FROM feeds WHERE id = 'demo'").get()).toEqual({ error_streak: 0, next_poll_at: null, last_error: null });
    after.close();
    expectStorageError(await runCli(["--config", config, "validate"]), file, /is damaged/);
  });

  it("crier run stops with the same message and exit code when its poll meets the damage", async () => {
    const { config, file } = await damagedAfterFirstPoll();
    const daemon = startDaemon(config);
    try {
      const limit = scaled(20_000);
      const code = await Promise.race([daemon.exited, new Promise((resolve) => setTimeout(() => resolve(`still running after ${limit} ms`), limit))]);
      expectStorageError({ code: code as number, stderr: daemon.stderr().split("\n").filter((l) => !l.startsWith("{")).join("\n") }, file, /is damaged[\s\S]*restore it from a backup/);
      expect(daemon.stderr()).not.toMatch(/"msg":"feed failed"/);
    } finally {
      if (daemon.alive()) daemon.child.kill("SIGKILL");
    }
  });
});

describe("a writable folder for a new delivery log", () => {
  it("validate says the log is usable without creating it", async () => {
    const { dir, config } = setup("data/new/crier.db");
    const r = await runCli(["--config", config, "validate"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`delivery log ${path.join(dir, "data/new/crier.db")}: ok`);
    expect(existsSync(path.join(dir, "data"))).toBe(false);
  });
});
