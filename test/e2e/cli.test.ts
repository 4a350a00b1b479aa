/** The CLI's user-facing contract: help, exit codes, config errors, validate, preview. */
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { runCli, writeConfig, ROOT, CLI } from "../support/cli.js";
import path from "node:path";

describe("crier CLI", () => {
  it("prints help for every command", async () => {
    for (const cmd of [[], ["run"], ["poll"], ["preview"], ["deliveries"], ["retry"], ["validate"], ["feed", "accept"], ["adapters"]]) {
      const r = await runCli([...cmd, "--help"]);
      expect(r.code, cmd.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/Usage: crier/);
    }
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
    expect(r.stdout).toContain(`${path.join(ROOT, "config/crier.yaml")}: valid (1 feeds, 1 destinations)`);
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
    const child = spawn(process.execPath, [CLI, "--config", config, "poll", "--once"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
    const sent = await runCli(["--config", config, "deliveries", "--state", "sent", "--json"]);
    expect((JSON.parse(sent.stdout) as unknown[]).length).toBe(3);
  });

  it("rejects an unknown delivery state", async () => {
    const r = await runCli(["deliveries", "--state", "lost"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are pending, sending, sent/);
  });
});
