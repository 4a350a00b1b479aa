/**
 * Hostile feed text through the built CLI: a title that makes a backtracking regex explode must not
 * freeze a poll, and bidirectional overrides must not reach a post.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildRss, type TestItem } from "../support/rss.js";
import { CLI, jsonLines, runCli, writeConfig, type CliResult } from "../support/cli.js";
import { runChild } from "../support/children.js";
import { scaled } from "../support/timing.js";

/** Runs the CLI with a deadline (scaled): a child that has not finished by then fails the test and is killed. */
async function runWithin(deadlineMs: number, args: string[], cwd: string): Promise<CliResult> {
  const limit = scaled(deadlineMs);
  const r = await runChild(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? "" }, timeoutMs: limit });
  if (r.timedOut) throw new Error(`crier ${args.join(" ")} did not finish within ${limit} ms`);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

const item = (n: number, fields: Partial<TestItem>): TestItem => ({
  guid: `item-${n}`,
  title: `Item ${n}`,
  link: `https://news.example.org/2026/11/item-${n}/`,
  pubDate: new Date(Date.UTC(2026, 10, 20, 8, n)),
  ...fields,
});

function setup(items: TestItem[], filter: string): { dir: string; config: string; posts: () => Array<Record<string, unknown>> } {
  const { dir, config } = writeConfig(
    [
      /* 1 */ "storage: { path: crier.db }",
      /* 2 */ "feeds:",
      /* 3 */ "  - { id: news, url: feed.xml, backlog: 10 }",
      /* 4 */ "destinations:",
      /* 5 */ "  - { id: out, platform: console, output: stderr, file: posts.jsonl }",
      /* 6 */ "routes:",
      /* 7 */ "  - feed: news",
      /* 8 */ "    to: [out]",
      ...(filter ? ["    filter:", "      exclude:", `        regex: ${JSON.stringify(filter)}`] : []),
    ].join("\n"),
  );
  writeFileSync(path.join(dir, "feed.xml"), buildRss(items));
  const file = path.join(dir, "posts.jsonl");
  return { dir, config, posts: () => (existsSync(file) ? jsonLines(readFileSync(file, "utf8")) : []) };
}

interface Row {
  state: string;
  reason: string | null;
  title: string;
}

describe("a route filter regex", () => {
  it("runs in linear time: a title of 30 a's and a '!' does not freeze `poll --once` under /(a+)+$/", { timeout: scaled(20_000) }, async () => {
    const s = setup(
      [item(1, { title: `${"a".repeat(30)}!` }), item(2, { title: "Sponsored", description: "aaaa" }), item(3, { title: "Council approves the budget" })],
      "(a+)+$",
    );
    // A backtracking engine takes minutes on item 1 (2^30 ways to split the a's); RE2, a millisecond.
    const r = await runWithin(10_000, ["--config", s.config, "poll", "--once"], s.dir);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const rows = JSON.parse((await runCli(["--config", s.config, "deliveries", "--json"], { cwd: s.dir })).stdout) as Row[];
    const byTitle = new Map(rows.map((row) => [row.title, row]));
    // Item 2's text ends in a's ("Sponsored\naaaa"): excluded, with the rule. The others do not match.
    expect(byTitle.get("Sponsored")).toMatchObject({ state: "skipped", reason: "filtered: exclude regex /(a+)+$/" });
    expect(byTitle.get(`${"a".repeat(30)}!`)).toMatchObject({ state: "sent" });
    expect(byTitle.get("Council approves the budget")).toMatchObject({ state: "sent" });
    expect(s.posts().map((p) => p.title)).toEqual([`${"a".repeat(30)}!`, "Council approves the budget"]);
  });

  it.each<[string, string]>([
    ["sponsored(?= content)", "line 11: routes[0].filter.exclude.regex: lookahead is not supported (filters run in linear time): /sponsored(?= content)/"],
    ["(?<!not )sponsored", "line 11: routes[0].filter.exclude.regex: lookbehind is not supported (filters run in linear time): /(?<!not )sponsored/"],
    ["(\\w+) \\1", "line 11: routes[0].filter.exclude.regex: a backreference is not supported (filters run in linear time)"],
  ])("that needs backtracking (/%s/) is refused by validate and by poll, exit 2, naming the route", { timeout: scaled(20_000) }, async (regex, problem) => {
    const s = setup([item(1, { title: "Sponsored content" })], regex);
    for (const command of [["validate"], ["poll", "--once"]]) {
      const r = await runWithin(8_000, ["--config", s.config, ...command], s.dir);
      expect(r.code, command.join(" ")).toBe(2);
      expect(r.stderr).toContain(problem);
    }
    expect(s.posts()).toEqual([]);
  });
});

describe("bidirectional controls in a feed", () => {
  it("never reach the console post; right-to-left titles come through unchanged", { timeout: scaled(20_000) }, async () => {
    const hebrew = "הממשלה אישרה את התקציב\u200f — 2026";
    const s = setup(
      [
        item(1, { title: "RTL \u202egnp.exe\u202c", description: "<p>Open \u202efdp.scr now</p>", creator: "\u202eDesk", categories: ["\u202eLocal"] }),
        item(2, { title: hebrew, description: "<p>\u2067عاجل: انقطاع الكهرباء</p>" }),
      ],
      "",
    );
    const r = await runWithin(15_000, ["--config", s.config, "poll", "--once"], s.dir);
    expect(r.code).toBe(0);
    const posts = s.posts();
    expect(posts).toHaveLength(2);
    const all = JSON.stringify(posts);
    expect(all).not.toMatch(/\\u202[de]|[\u202d\u202e]/u);
    expect(r.stderr).not.toMatch(/[\u202d\u202e]/u); // the console's printed post
    expect(posts[0]?.title).toBe("RTL gnp.exe");
    expect(String(posts[0]?.text)).toContain("RTL gnp.exe");
    expect(String(posts[0]?.text)).toContain("Open fdp.scr now");
    expect(posts[1]?.title).toBe(hebrew);
    expect(String(posts[1]?.text)).toContain(hebrew);
    // The isolate the summary left open is closed before the rest of the post.
    expect(String(posts[1]?.text)).toContain("\u2067عاجل: انقطاع الكهرباء\u2069");
  });
});
