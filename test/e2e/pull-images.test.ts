/**
 * Images a platform pulls by URL, through the built CLI: `crier run` serves the fitted image on its
 * public listener (loopback here), the platform's server fetches it while the post is made and gets
 * exactly the fitted bytes; the URL answers 404 once the post is final and the grace period is
 * over; an article image that already meets the platform's rules is handed over at its own URL.
 * `poll --once` opens no listener: such a post goes without its image, or is skipped where the
 * platform needs one, and the delivery says why.
 *
 * The platform is "pulltest" (test/support/pull-platform.mjs, preloaded into the built CLI): its
 * loopback server, like Instagram's container step, downloads `image_url` before it answers.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { runChild, spawnChild, type Child } from "../support/children.js";
import { CLI, ROOT, writeConfig } from "../support/cli.js";
import { scaled, waitFor } from "../support/timing.js";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { makeJpeg, startImageServer, type ImageServer } from "../support/image-server.js";
import { buildRss, newsItems } from "../support/rss.js";
import { closedPort, startHarness, type Harness } from "../loopback/harness.js";
import { fitImage } from "../../src/delivery/fit-image.js";
import type { ImageLimits } from "../../src/core/adapter.js";

const PRELOAD = path.join(path.dirname(fileURLToPath(import.meta.url)), "../support/pull-platform.mjs");
/** The same as PULL_LIMITS in pull-platform.mjs. */
const LIMITS: ImageLimits = { maxBytes: 8_000_000, maxWidth: 1440, minWidth: 320, maxHeight: 1800, formats: ["jpeg"], aspectRatio: { min: 0.8, max: 1.91 }, fit: "crop", delivery: "pull" };
const GRACE_MS = 1_500;

interface Pulled {
  text: string;
  imageUrl: string | null;
  status: number | null;
  bytes: Buffer | null;
}

let feeds: FeedServer, images: ImageServer, platform: Harness;
let wide: Buffer, square: Buffer;
const pulled: Pulled[] = [];

beforeAll(async () => {
  wide = await makeJpeg(3000, 1000, 90); // 3:1, beyond 1.91:1: cropped and scaled, so served by Crier
  square = await makeJpeg(1080, 1080, 80); // meets every rule as it is: its own URL is handed over
  [feeds, images, platform] = await Promise.all([
    startFeedServer(),
    startImageServer({ "/wide.jpg": { type: "image/jpeg", body: wide }, "/square.jpg": { type: "image/jpeg", body: square } }),
    startHarness(),
  ]);
  // The platform downloads the image before it answers, as Instagram does when a container is made.
  platform.route("POST", "/posts", async (req) => {
    const { text, image_url: imageUrl } = JSON.parse(req.body.toString("utf8")) as { text: string; image_url: string | null };
    const entry: Pulled = { text, imageUrl, status: null, bytes: null };
    if (imageUrl) {
      const res = await fetch(imageUrl, { signal: AbortSignal.timeout(scaled(10_000)) });
      entry.status = res.status;
      entry.bytes = Buffer.from(await res.arrayBuffer());
    }
    pulled.push(entry);
    return entry.status === null || entry.status === 200 ? { status: 200, body: { id: pulled.length } } : { status: 400, body: { error: `could not fetch ${imageUrl}` } };
  });
}, 60_000);
afterAll(async () => {
  await Promise.all([feeds, images, platform].map((s) => s?.close()));
});

const NODE_ARGS = ["--import", PRELOAD, CLI];
const ENV = { PATH: process.env.PATH ?? "" };

/** `crier run` (the built CLI with the pulltest platform preloaded); ended after the test by the children registry. */
function crierRun(config: string): Child {
  return spawnChild(process.execPath, [...NODE_ARGS, "--config", config, "run", "--json"], { cwd: ROOT, env: ENV });
}

/** A one-shot command of the same CLI, to its end (killed past the deadline). */
function crierOnce(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runChild(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, env: ENV, timeoutMs: scaled(60_000) });
}

interface DeliveryRow {
  destinationId: string;
  title: string;
  state: string;
  reason: string | null;
}
async function deliveries(config: string): Promise<DeliveryRow[]> {
  const r = await crierOnce(["--config", config, "deliveries", "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as DeliveryRow[];
}

function articles(feed: string): void {
  const [a, b] = newsItems(2);
  feeds.setFeed(feed, buildRss([
    { ...a!, content: `<p><img src="${images.url}/wide.jpg" alt="The harbour at dawn" width="3000"></p><p>Body.</p>` },
    { ...b!, content: `<p><img src="${images.url}/square.jpg" alt="The square" width="1080"></p><p>Body.</p>` },
  ]));
}

function config(feed: string, port: number, destinations: string): string {
  return writeConfig(`
network: { allowPrivateAddresses: true }
images: { timeoutMs: 5000 }
storage: { path: data/crier.db }
publicListener: { url: "http://127.0.0.1:${port}", listen: { host: 127.0.0.1, port: ${port} }, mediaGraceMs: ${GRACE_MS} }
feeds:
  - { id: news, url: "${feeds.url}${feed}", backlog: 2, image: { fromArticlePage: false } }
destinations:
${destinations}
routes:
  - { feed: news, to: [${destinations.match(/id: ([\w-]+)/g)?.map((m) => m.slice(4)).join(", ")}] }
`).config;
}

describe("images a platform pulls by URL", () => {
  it("crier run serves the fitted bytes on the public listener until the post is final plus the grace period; an image that fits is pulled from its own URL", async () => {
    pulled.length = 0;
    articles("/pull-run.xml");
    const port = await closedPort();
    const cfg = config("/pull-run.xml", port, `  - { id: gram, platform: pulltest, apiBase: "${platform.url}" }`);
    const run = crierRun(cfg);
    await waitFor(() => pulled.length >= 2 || !run.alive(), 60_000, "both posts");
    expect(run.alive(), run.stderr().slice(-2000)).toBe(true);

    const fitted = pulled.find((p) => p.text.startsWith("Story 2"));
    const original = pulled.find((p) => p.text.startsWith("Story 1"));
    // The wide picture: served by Crier under an unguessable name, exactly the fitted bytes.
    expect(fitted?.imageUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/media/[A-Za-z0-9_-]{43}\\.jpg$`));
    expect(fitted?.status).toBe(200);
    const expected = await fitImage({ bytes: wide, format: "jpeg", width: 3000, height: 1000, url: `${images.url}/wide.jpg`, alt: "" }, LIMITS);
    expect(expected.bytes.equals(wide)).toBe(false);
    expect(fitted?.bytes?.equals(expected.bytes)).toBe(true);
    const meta = await sharp(fitted!.bytes!).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.width! / meta.height!).toBeLessThanOrEqual(1.91);
    expect(meta.width).toBeLessThanOrEqual(1440);
    // The square picture met every rule: the platform got its own URL and pulled it from there.
    expect(original?.imageUrl).toBe(`${images.url}/square.jpg`);
    expect(original?.bytes?.equals(square)).toBe(true);

    // Final (sent), then the grace period: the URL stops answering.
    const rows = await deliveries(cfg);
    expect(rows.map((r) => r.state)).toEqual(["sent", "sent"]);
    await waitFor(async () => (await fetch(fitted!.imageUrl!)).status === 404, GRACE_MS + 10_000, "the served image to expire");
    expect(run.alive(), run.stderr().slice(-2000)).toBe(true);
    expect(await run.stop()).toBe(0);

    // Retention (`crier prune`, as `crier run` does daily) deletes the expired file and its label.
    const media = path.join(path.dirname(cfg), "data", "media");
    const name = path.basename(fitted!.imageUrl!);
    expect(readdirSync(media)).toContain(name);
    const pruned = await crierOnce(["--config", cfg, "prune"]);
    expect(pruned.code, pruned.stderr.slice(-2000)).toBe(0);
    expect(readdirSync(media)).toEqual([".key"]);
  });

  it("poll --once opens no listener: a fitted image is left out (or the article skipped where the platform needs one), with the reason; an image that fits still goes", async () => {
    pulled.length = 0;
    articles("/pull-once.xml");
    const port = await closedPort();
    const cfg = config(
      "/pull-once.xml",
      port,
      [`  - { id: gram, platform: pulltest, apiBase: "${platform.url}" }`, `  - { id: strict, platform: pulltest, apiBase: "${platform.url}", requireImage: true }`].join("\n"),
    );
    const r = await crierOnce(["--config", cfg, "poll", "--once", "--json"]);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);

    const rows = await deliveries(cfg);
    const row = (destination: string, story: string) => rows.find((d) => d.destinationId === destination && d.title.startsWith(story));
    const why = "pulltest pulls images by URL; the image was fitted to the platform's rules, and only `crier run` serves it (with `poll --once`, only article images that already meet its rules are posted)";
    expect(row("gram", "Story 2")).toMatchObject({ state: "sent", reason: `posted without an image: ${why}` });
    expect(row("strict", "Story 2")).toMatchObject({ state: "skipped", reason: `cannot be rendered for pulltest: pulltest posts need an image and the article has none to give (posted without an image: ${why})` });
    expect(row("gram", "Story 1")).toMatchObject({ state: "sent", reason: null });
    expect(row("strict", "Story 1")).toMatchObject({ state: "sent", reason: null });
    expect(pulled.filter((p) => p.text.startsWith("Story 2")).map((p) => p.imageUrl)).toEqual([null]);
    expect(pulled.filter((p) => p.text.startsWith("Story 1")).map((p) => p.imageUrl)).toEqual([`${images.url}/square.jpg`, `${images.url}/square.jpg`]);
  });

  it("crier validate names a pull destination without a public listener (exit 3), and notes that only crier run serves when there is one", async () => {
    const port = await closedPort();
    const without = writeConfig(`
feeds:
  - { id: news, url: "${feeds.url}/pull-validate.xml" }
destinations:
  - { id: gram, platform: pulltest, apiBase: "${platform.url}" }
routes:
  - { feed: news, to: [gram] }
`).config;
    const r = await crierOnce(["--config", without, "validate"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain(
      "warning: line 5: destinations[0] (gram): pulltest pulls images by URL, and images that need fitting to its rules are served by Crier's public listener, which is not configured: add publicListener: { url: https://…, listen: { host, port } } and run `crier run`.",
    );

    const r2 = await crierOnce(["--config", config("/pull-validate.xml", port, `  - { id: gram, platform: pulltest, apiBase: "${platform.url}" }`), "validate", "--json"]);
    expect(r2.code, r2.stderr).toBe(0);
    const json = JSON.parse(r2.stdout) as { warnings: string[]; notes: string[] };
    expect(json.warnings).toEqual([]);
    expect(json.notes).toEqual([
      "destination gram (pulltest): images that need fitting are served by `crier run`'s public listener; with `poll --once` only article images that already meet pulltest's rules can be posted",
    ]);
  });
});
