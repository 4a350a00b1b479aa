/**
 * The second-wave platforms (Facebook, Instagram, Threads, LinkedIn, TikTok) through the built CLI,
 * each against its loopback server: a post goes out once and is recorded with its remote id and URL;
 * `crier check` shows the account, the credential's expiry and warnings; `crier unpost` retracts
 * where the platform can delete. Pictures the platforms pull come from the article's own image URL,
 * served over https on loopback (network.allowPrivateAddresses), never from a public listener.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems, type TestItem } from "../support/rss.js";
import { runCli, writeConfig } from "../support/cli.js";
import { makeJpeg, startImageServer, type ImageServer } from "../support/image-server.js";
import { TEST_CA_FILE, testTls, trustTestCa } from "../support/tls.js";
import { startDaemon, type Daemon } from "../support/daemon.js";
import { waitFor } from "../support/timing.js";
import { VERSIONS } from "../loopback/facebook-graph-api/versions.js";
import { DEFAULT_APP, DEFAULT_PAGE, DEFAULT_PAGE_TOKEN, startFacebookGraphApi, type FacebookGraphLoopback } from "../loopback/facebook-graph-api/server.js";
import { DEFAULT_ACCOUNT, TOKEN as IG_TOKEN, startInstagramLoopback, type InstagramLoopback } from "../loopback/instagram-graph-api/server.js";
import { DEFAULT_USER, startThreadsLoopback, type ThreadsLoopback } from "../loopback/threads-api/server.js";
import { ALL_SCOPES, APP, DEFAULT_TOKEN as LI_TOKEN, MEMBER, startLinkedInLoopback, type LinkedInLoopback } from "../loopback/linkedin-api/server.js";
import { startTikTokLoopback, type TikTokLoopback } from "../loopback/tiktok-api/server.js";

const DAY = 86_400_000;
let feeds: FeedServer;
let images: ImageServer;
let fb: FacebookGraphLoopback;
let ig: InstagramLoopback;
let th: ThreadsLoopback;
let li: LinkedInLoopback;
let tt: TikTokLoopback;
let ttRefresh: string;
let ttPrefix: string;

beforeAll(async () => {
  await trustTestCa(); // the loopback platforms fetch the article's https picture as the real ones would
  const photo = await makeJpeg(1080, 1080);
  [feeds, images, fb, ig, th, li] = await Promise.all([
    startFeedServer(),
    startImageServer({ "/photo.jpg": { type: "image/jpeg", body: photo } }, { tls: testTls() }),
    startFacebookGraphApi(),
    startInstagramLoopback(),
    startThreadsLoopback(),
    startLinkedInLoopback(),
  ]);
  ttPrefix = `${images.url}/`;
  tt = await startTikTokLoopback({ verified: [ttPrefix], hosts: { [new URL(images.url).host]: images.url }, processingReads: 0 });
  ttRefresh = tt.issueRefreshToken();
}, 60_000);
afterAll(async () => {
  await Promise.all([feeds, images, fb, ig, th, li, tt].map((s) => s?.close()));
});

const env = () => ({
  NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
  FB_TOKEN: DEFAULT_PAGE_TOKEN.token,
  FB_APP_SECRET: DEFAULT_APP.secret,
  IG_TOKEN,
  TH_TOKEN: DEFAULT_USER.token,
  LI_TOKEN,
  LI_SECRET: APP.clientSecret,
  TT_SECRET: "loopback-client-secret-0123456789",
  TT_REFRESH: ttRefresh,
});

/** The destinations, one per platform; `only` picks some (each test its own config and database). */
function destinations(): Record<string, string> {
  return {
    facebook: `{ id: facebook, platform: facebook, apiBase: "${fb.url}", pageId: "${DEFAULT_PAGE.id}", pageAccessToken: "\${FB_TOKEN}" }`,
    instagram: `{ id: instagram, platform: instagram, apiBase: "${ig.url}", userId: "${DEFAULT_ACCOUNT.userId}", accessToken: "\${IG_TOKEN}" }`,
    threads: `{ id: threads, platform: threads, apiBase: "${th.url}", accessToken: "\${TH_TOKEN}", postAs: text }`,
    linkedin: `{ id: linkedin, platform: linkedin, apiBase: "${li.apiBase}", oauthBase: "${li.oauthBase}", accessToken: "\${LI_TOKEN}", author: "urn:li:person:${MEMBER.sub}", clientId: "${APP.clientId}", clientSecret: "\${LI_SECRET}" }`,
    tiktok: `{ id: tiktok, platform: tiktok, apiBase: "${tt.url}", clientKey: awloopbackclientkey, clientSecret: "\${TT_SECRET}", refreshToken: "\${TT_REFRESH}", verifiedDomain: "${ttPrefix}" }`,
  };
}

let feedNo = 0;
function setup(only: string[], items: TestItem[], extra = "", publicUrl = "https://crier.example.org"): { dir: string; config: string; feedPath: string } {
  const feedPath = `/wave2-${++feedNo}.xml`;
  feeds.setFeed(feedPath, buildRss(items));
  const all = destinations();
  const { dir, config } = writeConfig(`
storage: { path: data/crier.db }
network: { allowPrivateAddresses: true }
images: { timeoutMs: 5000 }
# As an operator of pulling platforms writes it; only crier run listens, and these articles' own
# pictures already meet every platform's rules, so the platforms pull them from the article's URL.
publicListener: { url: "${publicUrl}", listen: { host: 127.0.0.1, port: 0 } }
feeds:
  - { id: news, url: "${feeds.url}${feedPath}", backlog: ${items.length}, image: { fromArticlePage: false } }
destinations:
${only.map((d) => `  - ${extra ? all[d]!.replace(/ }$/, `, ${extra} }`) : all[d]}`).join("\n")}
routes:
  - { feed: news, to: [${only.join(", ")}] }
`);
  return { dir, config, feedPath };
}

/** One article with its picture (https, on loopback) in the content. */
function article(n = 1): TestItem[] {
  return newsItems(1, { start: n }).map((i) => ({ ...i, content: `<p><img src="${images.url}/photo.jpg" alt="The harbour at dawn"></p><p>Body.</p>` }));
}

interface Row { id: number; state: string; destinationId: string; remoteId: string | null; remoteUrl: string | null; reason: string | null; checkpoint?: string | null }
async function rows(config: string): Promise<Row[]> {
  const r = await runCli(["--config", config, "deliveries", "--json"], { env: env() });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Row[];
}
async function poll(config: string): Promise<void> {
  const r = await runCli(["--config", config, "poll", "--once", "--json"], { env: env(), timeoutMs: 90_000 });
  expect(r.code, r.stderr.slice(-3000)).toBe(0);
}

describe("second-wave platforms through the built CLI", () => {
  it("Facebook: a link post goes out once, recorded with the Page post id and URL; check names the Page; unpost deletes it", async () => {
    const { config } = setup(["facebook"], newsItems(1));
    await poll(config);
    await poll(config);
    const [row] = await rows(config);
    expect(fb.posts).toHaveLength(1);
    const post = fb.posts[0]!;
    expect(row).toMatchObject({ state: "sent", remoteId: post.id });
    expect(post.link).toBe("https://news.example.org/2026/11/story-1/");
    expect(row?.remoteUrl).toContain(post.id.split("_")[1]);

    const check = await runCli(["--config", config, "check", "facebook"], { env: env() });
    expect(check.stdout).toContain(`Page ${DEFAULT_PAGE.name} (id ${DEFAULT_PAGE.id})`);
    expect(check.stdout).toContain("credential expiry: unknown"); // debug_token needs the app's credentials
    expect(check.code, check.stdout).toBe(0);

    // With the app's credentials the Page token's expiry is read (it never lapses); a Graph version
    // within 90 days of its retirement (from the loopback's own table) is a warning: exit 3.
    const old = VERSIONS.find(([, retires]) => retires !== null && Date.parse(retires) - Date.now() < 90 * DAY)![0];
    const withApp = setup(["facebook"], newsItems(1), `appId: "${DEFAULT_APP.id}", appSecret: "\${FB_APP_SECRET}", apiVersion: ${old}`);
    const aged = await runCli(["--config", withApp.config, "check", "facebook"], { env: env() });
    expect(aged.stdout).toContain("credential expiry: does not expire");
    expect(aged.stdout).toMatch(new RegExp(`warning: .*${old.replace(".", "\\.")}`));
    expect(aged.code, aged.stdout).toBe(3);

    const un = await runCli(["--config", config, "unpost", String(row!.id)], { env: env() });
    expect(un.code, un.stdout + un.stderr).toBe(0);
    expect(fb.posts.filter((p) => p.id === post.id)).toHaveLength(0);
    expect((await rows(config))[0]?.state).toBe("deleted");
  });

  it("Instagram: the article's own https picture is pulled by Instagram; one container, one publish, recorded with the permalink; check shows account and expiry", async () => {
    const { config } = setup(["instagram"], article());
    await poll(config);
    await poll(config);
    const [row] = await rows(config);
    expect(ig.containers.size).toBe(1);
    expect(ig.media).toHaveLength(1);
    const container = [...ig.containers.values()][0]!;
    expect(container.imageUrl).toBe(`${images.url}/photo.jpg`);
    expect(container.altText).toBe("The harbour at dawn");
    expect(row).toMatchObject({ state: "sent", remoteId: ig.media[0]!.id, remoteUrl: ig.media[0]!.permalink });

    const check = await runCli(["--config", config, "check", "instagram"], { env: env() });
    expect(check.stdout).toContain(DEFAULT_ACCOUNT.username);
    expect(check.stdout).toMatch(/credential expiry: 20\d\d-/);
    expect(check.code, check.stdout).toBe(0);
  });

  it("Threads: a text post with the article as its link attachment, once; check shows expiry; unpost deletes it", async () => {
    const { config } = setup(["threads"], newsItems(1));
    await poll(config);
    await poll(config);
    const [row] = await rows(config);
    expect(th.posts).toHaveLength(1);
    const post = th.posts[0]!;
    expect(post).toMatchObject({ mediaType: "TEXT_POST", linkAttachment: "https://news.example.org/2026/11/story-1/" });
    expect(row).toMatchObject({ state: "sent", remoteId: post.id, remoteUrl: post.permalink });

    const check = await runCli(["--config", config, "check", "threads"], { env: env() });
    expect(check.stdout).toContain(DEFAULT_USER.username);
    expect(check.stdout).toMatch(/credential expiry: 20\d\d-/);
    expect(check.code, check.stdout).toBe(0);

    const un = await runCli(["--config", config, "unpost", String(row!.id)], { env: env() });
    expect(un.code, un.stdout + un.stderr).toBe(0);
    expect(post.deleted).toBe(true);
  });

  it("LinkedIn: an article post with its thumbnail, once; check shows the member and exits 3 when the token lapses within 14 days; unpost deletes it", async () => {
    const { config } = setup(["linkedin"], article());
    await poll(config);
    await poll(config);
    const [row] = await rows(config);
    expect(li.posts()).toHaveLength(1);
    const post = li.posts()[0]!;
    expect(post.article).toMatchObject({ source: "https://news.example.org/2026/11/story-1/", thumbnailStatus: "AVAILABLE" });
    expect(row).toMatchObject({ state: "sent", remoteId: post.urn });

    const check = await runCli(["--config", config, "check", "linkedin"], { env: env() });
    expect(check.stdout).toContain(MEMBER.name);
    expect(check.stdout).toMatch(/credential expiry: 20\d\d-/);
    expect(check.code, check.stdout).toBe(0);

    const soon = li.accounts.issue(MEMBER.sub, ALL_SCOPES, 10 * DAY).value;
    const lapsing = await runCli(["--config", config, "check", "linkedin"], { env: { ...env(), LI_TOKEN: soon } });
    expect(lapsing.stdout).toMatch(/credential expiry: 20\d\d-\d\d-\d\d .* \(in (9|10) days\)/);
    expect(lapsing.stdout).toMatch(/warning: the credential lapses on .*: renew it before then/);
    expect(lapsing.code, lapsing.stdout).toBe(3);

    const un = await runCli(["--config", config, "unpost", String(row!.id)], { env: env() });
    expect(un.code, un.stdout + un.stderr).toBe(0);
    expect(li.posts()).toHaveLength(0);
  });

  it("crier run's credential watch alerts once each when a token lapses within 14 days (the alert destination gets them; nothing is posted)", async () => {
    const soon = li.accounts.issue(MEMBER.sub, ALL_SCOPES, 10 * DAY).value;
    const { dir, config } = writeConfig(`
storage: { path: data/crier.db }
credentials: { watchSchedule: "* * * * * *" }
alerts: { destination: ops }
feeds:
  - { id: news, url: "${feeds.url}/watch-empty.xml", schedule: "0 0 1 1 *" }
destinations:
  - ${destinations().linkedin}
  - { id: ops, platform: console, output: stdout, file: alerts.jsonl }
routes:
  - { feed: news, to: [linkedin] }
`);
    feeds.setFeed("/watch-empty.xml", buildRss([]));
    const alerts = (): string[] => {
      try {
        return readFileSync(path.join(dir, "alerts.jsonl"), "utf8").split("\n").filter(Boolean);
      } catch {
        return [];
      }
    };
    let daemon: Daemon | undefined;
    try {
      daemon = startDaemon(config, { ...env(), LI_TOKEN: soon });
      await waitFor(() => alerts().length >= 2, 30_000, "the credential watch's alerts");
      // Several more watch ticks (every second): the alert is not sent again for the same expiry.
      const ticks = (): number => (daemon!.stdout() + daemon!.stderr()).split("credential watch").length - 1;
      const seen = ticks();
      await waitFor(() => ticks() >= seen + 2 || !daemon!.alive(), 15_000, "two more watch ticks");
      // Two alerts, each once: the lapse (the core's, 14 days ahead) and the adapter's warning (no
      // refresh token to renew it with).
      expect(alerts()).toHaveLength(2);
      expect(alerts()[0]).toMatch(/Crier alert: the credential of linkedin lapses in (9|10) days/);
      expect(alerts()[1]).toMatch(/Crier alert: linkedin needs attention.*cannot be refreshed \(no refreshToken\): authorise again/);
      expect(li.posts()).toHaveLength(0);
    } finally {
      daemon?.child.kill("SIGTERM");
      await daemon?.exited;
    }
  });

  it("TikTok: a photo post to the creator's inbox from the article's picture, once; the refreshed token is kept outside the database; check says the app is unaudited", async () => {
    // The public listener under the verified URL prefix too, as TikTok requires of every picture URL.
    const { dir, config } = setup(["tiktok"], article(), "", `${images.url}/crier`);
    await poll(config);
    await poll(config);
    const [row] = await rows(config);
    expect(tt.publishes).toHaveLength(1);
    const publish = tt.publishes[0]!;
    expect(publish.mode).toBe("MEDIA_UPLOAD");
    expect(publish.body.source_info).toMatchObject({ source: "PULL_FROM_URL", photo_images: [`${images.url}/photo.jpg`] });
    expect(row).toMatchObject({ state: "sent" });

    const check = await runCli(["--config", config, "check", "tiktok"], { env: env() });
    expect(check.stdout).toContain('TikTok "Riverside Courier"');
    expect(check.stdout).toMatch(/credential expiry: 20\d\d-/); // the refresh token's lapse: Crier renews the access token itself
    expect(check.stdout).toMatch(/note: until the app passes TikTok's audit, everything it posts is private/);
    expect(check.code, check.stdout).toBe(0);

    // The single-use refresh token was spent: the new one lives in the credential store only.
    const data = path.join(dir, "data");
    const db = readdirSync(data).filter((f) => f.startsWith("crier.db")).map((f) => readFileSync(path.join(data, f)).toString("latin1")).join("");
    const stored = readdirSync(path.join(data, "sessions")).filter((f) => f.endsWith(".credential.json"));
    expect(stored).toEqual(["tiktok.credential.json"]);
    const credential = readFileSync(path.join(data, "sessions", "tiktok.credential.json"), "utf8");
    const tokens = credential.match(/[A-Za-z0-9._~-]{20,}/g) ?? [];
    expect(tokens.length).toBeGreaterThan(0);
    for (const t of tokens) expect(db).not.toContain(t);
    expect(check.stdout + check.stderr).not.toContain(ttRefresh);
  });
});
