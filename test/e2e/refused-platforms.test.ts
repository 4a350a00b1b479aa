/** Platforms Crier cannot post to are refused by `crier validate` (and every command) with why, through the built CLI. */
import { describe, expect, it } from "vitest";
import { runCli, writeConfig } from "../support/cli.js";

describe("refused platforms", () => {
  it("refuses platform: youtube with the explanation, naming the line (exit 2)", async () => {
    const { config } = writeConfig(`
feeds:
  - { id: news, url: "https://news.example.org/feed" }
destinations:
  - { id: channel, platform: youtube }
routes:
  - { feed: news, to: [channel] }
`);
    for (const args of [["validate"], ["poll", "--once"]]) {
      const r = await runCli(["--config", config, ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(
        "line 5: destinations[0].platform: Crier cannot post to youtube: YouTube has no API for text or link posts: community posts never had one, and channel bulletins (activities.insert) were retired on or after 18 May 2020",
      );
      expect(r.stderr).not.toContain("unknown platform");
    }
  });
});
