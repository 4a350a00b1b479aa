/** The CLI's user-facing contract: help, exit codes, config errors, validate, preview. */
import { describe, expect, it } from "vitest";
import { runCli, writeConfig, ROOT } from "../support/cli.js";
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

  it("rejects an unknown delivery state", async () => {
    const r = await runCli(["deliveries", "--state", "lost"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are pending, sending, sent/);
  });
});
