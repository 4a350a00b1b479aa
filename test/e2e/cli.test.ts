/** The CLI's user-facing contract: help, exit codes, config errors, validate, preview. */
import { describe, expect, it } from "vitest";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { runCli, writeConfig, ROOT, CLI } from "../support/cli.js";
import { runChild, spawnChild } from "../support/children.js";
import { scaled } from "../support/timing.js";
import path from "node:path";

describe("crier CLI", () => {
  const COMMANDS = [
    ["run"], ["poll"], ["preview"], ["deliveries"], ["retry"], ["validate"], ["resolve"], ["destinations"], ["resume"], ["subscriptions"],
    ["prune"], ["feeds"], ["feed", "list"], ["feed", "resume"], ["feed", "accept"], ["adapters"], ["check"], ["unpost"],
  ];

  it("prints help for every command: its --json, the global --config, and the exit codes", async () => {
    for (const cmd of [[], ...COMMANDS]) {
      const r = await runCli([...cmd, "--help"]);
      expect(r.code, cmd.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/Usage: crier/);
      expect(r.stdout, cmd.join(" ")).toMatch(/-c, --config <path> +config file/);
      expect(r.stdout, cmd.join(" ")).toMatch(/Exit codes \(every command\):\n {2}0 {2}done[\s\S]*\n {2}3 {2}done, but something needs you/);
      if (cmd.length) expect(r.stdout, cmd.join(" ")).toMatch(/--json/);
    }
  });

  it("help asked for exits 0 (crier help, crier help poll, crier feed help); help shown for a missing command exits 2 on stderr", async () => {
    for (const args of [["help"], ["help", "poll"], ["feed", "help"]]) {
      const r = await runCli(args);
      expect([r.code, r.stderr], args.join(" ")).toEqual([0, ""]);
      expect(r.stdout, args.join(" ")).toMatch(/^Usage: crier/);
    }
    for (const args of [[], ["feed"]]) {
      const r = await runCli(args);
      expect([r.code, r.stdout], args.join(" ")).toEqual([2, ""]);
      expect(r.stderr, args.join(" ")).toMatch(/^Usage: crier/);
    }
  });

  it("the README's exit code table is the one --help prints", async () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const help = (await runCli(["--help"])).stdout;
    for (const code of ["0", "1", "2", "3", "4"]) {
      const row = new RegExp(`^\\| \`${code}\` \\| ([^|]+) \\|$`, "m").exec(readme);
      expect(row, `README row for exit code ${code}`).not.toBeNull();
      const first = (row?.[1] ?? "").split(/[:;]/)[0]?.trim() ?? "";
      expect(help.replace(/\s+/g, " "), `exit code ${code}`).toContain(first);
    }
  });

  it("`npx crier` runs the built CLI from the project folder (README), also after a rebuild", async () => {
    // npm runs the bin file itself: tsc writes it without the executable bit, which the build adds.
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    const r = await runChild("npx", ["--no", "--", "crier", "--help"], { cwd: ROOT, env: { ...process.env, npm_config_offline: "true" }, timeoutMs: scaled(60_000) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: crier /);
  });

  it("config/crier.yaml points to README sections that exist", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const headings = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]?.trim()));
    const refs = [...readFileSync(path.join(ROOT, "config/crier.yaml"), "utf8").matchAll(/README "([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(headings, ref).toContain(ref);
  });

  it("refuses an invalid config with every problem by line and path, exit 2", async () => {
    const { config } = writeConfig(`
feeds:
  - id: main
    url: https://example.org/feed/
    schedule: "every five minutes"
    timezone: Mars/Olympus
  - id: main
    url: feed.xml
destinations:
  - id: out
    platform: console
    colour: blue
  - id: nowhere
    platform: carrier-pigeon
routes:
  - feed: main
    to: [out, missing]
`);
    const r = await runCli(["--config", config, "poll", "--once"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("feeds[0].schedule: must be a cron expression");
    expect(r.stderr).toMatch(/line 6: feeds\[0\]\.timezone: must be an IANA time zone/);
    expect(r.stderr).toContain('feeds[1].id: duplicate id "main"');
    expect(r.stderr).toMatch(/line 12: destinations\[0\]\.colour: unknown key/);
    expect(r.stderr).toContain('destinations[1].platform: unknown platform "carrier-pigeon"');
    expect(r.stderr).toContain('routes[0].to[1]: no destination with id "missing"');
  });

  it("names a missing config file", async () => {
    const r = await runCli(["--config", "/nonexistent/crier.yaml", "validate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("/nonexistent/crier.yaml");
  });

  it("validates the bundled demo config", async () => {
    const r = await runCli(["validate"], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${path.join(ROOT, "config/crier.yaml")}: valid (1 feed, 1 destination)`);
  });

  it("previews the demo feed with lengths, writing nothing", async () => {
    const r = await runCli(["preview", "--feed", "riverside-courier", "--limit", "2", "--json"]);
    expect(r.code).toBe(0);
    const previews = JSON.parse(r.stdout) as Array<{ destination: string; post: string; length: number; maxLength: number; limitsFrom: string }>;
    expect(previews).toHaveLength(2);
    expect(previews[0]?.post).toContain("Council approves ‘green corridor’ along the old rail line");
    expect(previews[0]?.post).toContain("https://news.example.org/2026/11/26/council-approves-green-corridor/");
    expect(previews[0]?.post).not.toContain("appeared first on");
    expect(previews[0]?.limitsFrom).toBe("default");
    expect(previews[0]?.length).toBeLessThanOrEqual(previews[0]?.maxLength ?? 0);
  });

  it("a reader that stops early (`crier poll --once | head -1`) costs no work and no stack trace", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crier-epipe-"));
    mkdirSync(path.join(dir, "feeds"));
    copyFileSync(path.join(ROOT, "config/feeds/demo-news.xml"), path.join(dir, "feeds/demo-news.xml"));
    const { config } = writeConfig(
      ["storage: { path: crier.db }", "feeds:", "  - { id: demo, url: feeds/demo-news.xml, backlog: 3 }", "destinations:", "  - { id: out, platform: console }", "routes:", "  - { feed: demo, to: [out] }"].join("\n"),
      dir,
    );
    // The read end of its stdout is closed before the CLI writes anything: every write fails with EPIPE.
    const poll = spawnChild(process.execPath, [CLI, "--config", config, "poll", "--once"], { cwd: dir, env: { ...process.env } });
    poll.child.stdout?.destroy();
    const code = await poll.exited;
    expect(poll.stderr()).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
    const sent = await runCli(["--config", config, "deliveries", "--state", "sent", "--json"]);
    expect((JSON.parse(sent.stdout) as unknown[]).length).toBe(3);
  });

  it("reports YAML syntax on the line where the quote or bracket was opened", async () => {
    const { config } = writeConfig(['feeds:', '  - id: main', '    url: "feeds/news.xml', '    backlog: 1', 'destinations:', '  - { id: out, platform: console }'].join("\n"));
    const r = await runCli(["--config", config, "validate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1 problem in the config:\n  - line 3: YAML syntax: the " at column 10 is never closed: "feeds/news.xml');
    const flow = writeConfig(["feeds:", "  - { id: a, url: a.xml", "  - { id: b, url: b.xml }"].join("\n"));
    expect((await runCli(["--config", flow.config, "validate"])).stderr).toContain("line 2: YAML syntax: the { at column 5 is never closed: { id: a, url: a.xml");
  });

  it("suggests the key meant for an unknown one, at every level", async () => {
    const { config } = writeConfig(`
storge: { path: crier.db }
feeds:
  - id: main
    url: feed.xml
    scheduel: "*/5 * * * *"
    image: { fromArticlPage: false }
destinations:
  - { id: out, platform: console, platfrom: console }
  - { id: tg, platform: telegram, botToken: x, chatID: 1 }
routes:
  - { feed: main, to: [out] }
`);
    const r = await runCli(["--config", config, "validate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("line 2: storge: unknown key; did you mean `storage`?");
    expect(r.stderr).toContain("line 6: feeds[0].scheduel: unknown key; did you mean `schedule`?");
    expect(r.stderr).toContain("line 7: feeds[0].image.fromArticlPage: unknown key; did you mean `fromArticlePage`?");
    expect(r.stderr).toContain("line 9: destinations[0].platfrom: unknown key; did you mean `platform`?");
    expect(r.stderr).toContain("line 10: destinations[1].chatID: unknown key; did you mean `chatId`?");
    // In the order of the file.
    expect(r.stderr.indexOf("line 2:")).toBeLessThan(r.stderr.indexOf("line 6:"));
    const json = await runCli(["--config", config, "validate", "--json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, problems: expect.arrayContaining([expect.stringContaining("did you mean `schedule`?")]) });
  });

  it("warns of a config that leaves nothing to do: validate (exit 3) and a poll", async () => {
    const { config } = writeConfig("# nothing configured yet\nstorage: { path: crier.db }\n");
    const v = await runCli(["--config", config, "validate"]);
    expect(v.code).toBe(3);
    expect(v.stdout).toMatch(/valid \(0 feeds, 0 destinations\)\nwarning: no feeds: there is nothing to poll/);
    const poll = await runCli(["--config", config, "poll", "--once"]);
    expect(poll.code).toBe(3);
    expect(poll.stderr).toMatch(/"warning":"no feeds: there is nothing to poll/);
    expect(poll.stdout).toContain("needs attention:\n  - config: no feeds: there is nothing to poll");
  });

  it("adapters: capabilities in words, no internal names", async () => {
    const r = await runCli(["adapters"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/idempotencyTtlMs|idempotentSend/);
    expect(r.stdout).toMatch(/mastodon [\s\S]*can: safe retries \(the platform recognises a repeated post by its key for 1 hour\); posts images; deletes posts \(crier unpost\)/);
  });

  it("rejects an unknown delivery state", async () => {
    const r = await runCli(["deliveries", "--state", "lost"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are pending, sending, sent/);
  });
});
