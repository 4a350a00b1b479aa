/**
 * crier run's Scheduler as services/run.ts wires it, on a real config, store and loopback feed
 * server: a tick whose polls queued nothing runs no delivery pass; one that queued posts delivers them.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import pino from "pino";
import { adapters } from "../../adapters/index.js";
import { startFeedServer } from "../../test/support/feed-server.js";
import { buildRss, newsItems } from "../../test/support/rss.js";
import { waitFor } from "../../test/support/timing.js";
import { openCrier } from "./open.js";
import { schedulePlan, scheduledWork } from "./run.js";
import { Scheduler } from "../scheduler/index.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Feed `news` polled every second (cron with seconds), to a console destination; deliveries' own job never fires in a test. */
async function scheduled() {
  const feeds = await startFeedServer();
  cleanups.push(() => feeds.close());
  feeds.setFeed("/news.xml", buildRss(newsItems(2)));
  const dir = mkdtempSync(path.join(tmpdir(), "crier-sched-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const configPath = path.join(dir, "crier.yaml");
  writeFileSync(
    configPath,
    [
      "storage: { path: crier.db }",
      "images: { enabled: false }",
      "delivery: { intervalSchedule: \"0 0 1 1 *\" }",
      "polling: { spread: 0 }",
      "feeds:",
      `  - { id: news, url: "${feeds.url}/news.xml", schedule: "* * * * * *", backlog: 0 }`,
      "destinations:",
      "  - { id: out, platform: console, output: stderr, file: posts.jsonl }",
      "routes:",
      "  - { feed: news, to: [out] }",
      "",
    ].join("\n"),
  );
  const crier = await openCrier({ configPath, env: {}, adapters, mode: "write", logDestination: pino.destination({ dest: "/dev/null", sync: true }) });
  cleanups.push(() => crier.close());
  expect((await crier.intake.pollFeeds()).tally).toEqual({ parsed: 1 }); // first run: seeded, nothing posted
  const passes = vi.spyOn(crier.delivery, "deliverPass");
  const scheduler = new Scheduler(schedulePlan(crier.config), scheduledWork(crier, () => null, () => undefined), crier.logger, crier.stopping);
  cleanups.push(async () => {
    await scheduler.halt();
    crier.beginShutdown();
    await scheduler.settle();
  });
  const polls = () => feeds.hits.filter((h) => h.path === "/news.xml").length;
  return { feeds, scheduler, passes, polls, posts: () => (existsSync(path.join(dir, "posts.jsonl")) ? readFileSync(path.join(dir, "posts.jsonl"), "utf8").trim().split("\n").length : 0) };
}

describe("Scheduler ticks", () => {
  it("a tick whose feeds all answer 304 runs no delivery pass", async () => {
    const { feeds, scheduler, passes, polls } = await scheduled();
    const before = polls();
    scheduler.start();
    await waitFor(() => polls() >= before + 2 && feeds.hits.at(-1)?.status === 304, 10_000, "two scheduled 304 polls");
    await scheduler.halt();
    await scheduler.settle();
    expect(passes).not.toHaveBeenCalled();
  });

  it("a tick that queued a post delivers it", async () => {
    const { feeds, scheduler, passes, posts } = await scheduled();
    feeds.setFeed("/news.xml", buildRss(newsItems(3)));
    scheduler.start();
    await waitFor(() => posts() === 1, 10_000, "the new item posted");
    expect(passes).toHaveBeenCalled();
  });
});
