/**
 * The second-wave platforms' two-step sends across a crash, and a token that lapses while `crier run`
 * runs. `crier run` is killed (SIGKILL) between the container and its publish (Instagram, Threads),
 * or while TikTok is still processing a publish; the next start must finish from the checkpoint
 * without a second container, init or post. The loopbacks count what they made and published.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems, type TestItem } from "../support/rss.js";
import { runCliJson, writeConfig } from "../support/cli.js";
import { startDaemon, type Daemon } from "../support/daemon.js";
import { scaled, waitFor } from "../support/timing.js";
import { makeJpeg, startImageServer, type ImageServer } from "../support/image-server.js";
import { TEST_CA_FILE, testTls, trustTestCa } from "../support/tls.js";
import type { HarnessFault, RecordedRequest } from "../loopback/harness.js";
import { DEFAULT_ACCOUNT, TOKEN as IG_TOKEN, startInstagramLoopback, type InstagramLoopback } from "../loopback/instagram-graph-api/server.js";
import { DEFAULT_USER, startThreadsLoopback, type ThreadsLoopback } from "../loopback/threads-api/server.js";
import { ALL_SCOPES, APP, DEFAULT_TOKEN as LI_TOKEN, MEMBER, startLinkedInLoopback, type LinkedInLoopback } from "../loopback/linkedin-api/server.js";
import { startTikTokLoopback, type TikTokLoopback } from "../loopback/tiktok-api/server.js";

let feeds: FeedServer;
let images: ImageServer;
let ig: InstagramLoopback;
let th: ThreadsLoopback;
let li: LinkedInLoopback;
let tt: TikTokLoopback;
let ttRefresh = "";
let liRefresh: string;

beforeAll(async () => {
  await trustTestCa(); // the loopback platforms fetch the article's https picture
  const photo = await makeJpeg(1080, 1080);
  [feeds, images, ig, th, li] = await Promise.all([
    startFeedServer(),
    startImageServer({ "/photo.jpg": { type: "image/jpeg", body: photo } }, { tls: testTls() }),
    startInstagramLoopback(),
    startThreadsLoopback(),
    startLinkedInLoopback(),
  ]);
  tt = await startTikTokLoopback({ verified: [`${images.url}/`], hosts: { [new URL(images.url).host]: images.url }, processingReads: 0 });
  liRefresh = li.accounts.issueRefresh(MEMBER.sub, ALL_SCOPES).value;
}, scaled(60_000));
afterAll(async () => {
  await Promise.all([feeds, images, ig, th, li, tt].map((s) => s?.close()));
});

const env = () => ({
  NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
  IG_TOKEN,
  TH_TOKEN: DEFAULT_USER.token,
  LI_TOKEN,
  LI_REFRESH: liRefresh,
  LI_SECRET: APP.clientSecret,
  TT_SECRET: "loopback-client-secret-0123456789",
  TT_REFRESH: ttRefresh,
});

const DESTINATIONS: Record<string, () => string> = {
  instagram: () => `{ id: instagram, platform: instagram, apiBase: "${ig.url}", userId: "${DEFAULT_ACCOUNT.userId}", accessToken: "\${IG_TOKEN}" }`,
  threads: () => `{ id: threads, platform: threads, apiBase: "${th.url}", accessToken: "\${TH_TOKEN}", postAs: image }`,
  linkedin: () =>
    `{ id: linkedin, platform: linkedin, apiBase: "${li.apiBase}", oauthBase: "${li.oauthBase}", accessToken: "\${LI_TOKEN}", refreshToken: "\${LI_REFRESH}", author: "urn:li:person:${MEMBER.sub}", clientId: "${APP.clientId}", clientSecret: "\${LI_SECRET}" }`,
  tiktok: () => `{ id: tiktok, platform: tiktok, apiBase: "${tt.url}", clientKey: awloopbackclientkey, clientSecret: "\${TT_SECRET}", refreshToken: "\${TT_REFRESH}", verifiedDomain: "${images.url}/" }`,
};

/** Articles with their picture (https, on loopback) in the content. */
const articles = (n: number, start = 1): TestItem[] =>
  newsItems(n, { start }).map((i) => ({ ...i, content: `<p><img src="${images.url}/photo.jpg" alt="The harbour at dawn"></p><p>Body.</p>` }));

let feedNo = 0;
function setup(destination: string, items: TestItem[]): { dir: string; config: string; publish: (items: TestItem[]) => void } {
  const feedPath = `/wave2-crash-${++feedNo}.xml`;
  feeds.setFeed(feedPath, buildRss(items));
  const { dir, config } = writeConfig(`
storage: { path: data/crier.db }
network: { allowPrivateAddresses: true }
images: { timeoutMs: 5000 }
delivery: { intervalSchedule: "* * * * * *" }
feeds:
  - { id: news, url: "${feeds.url}${feedPath}", schedule: "* * * * * *", backlog: 5, image: { fromArticlePage: false } }
destinations:
  - ${DESTINATIONS[destination]!()}
routes:
  - { feed: news, to: [${destination}] }
`);
  return { dir, config, publish: (next) => feeds.setFeed(feedPath, buildRss(next)) };
}

interface Row { id: number; state: string; remoteId: string | null; remoteUrl: string | null; reason: string | null; checkpoint: string | null; attempts?: number }
const rows = (config: string) => runCliJson<Row[]>(["--config", config, "deliveries", "--json"], { env: env() });

/** States a delivery does not leave by itself. */
const SETTLED = ["sent", "uncertain", "rejected", "skipped"];
let daemon: Daemon | null = null;
async function kill(): Promise<void> {
  daemon?.child.kill("SIGKILL");
  await daemon?.exited;
  daemon = null;
}
/** Stops `crier run` cleanly; returns everything it logged. */
async function stop(): Promise<string> {
  daemon?.child.kill("SIGTERM");
  expect(await daemon?.exited).toBe(0);
  const logs = `${daemon?.stdout() ?? ""}${daemon?.stderr() ?? ""}`;
  daemon = null;
  return logs;
}

/** The renewed tokens (from the credential store's file) are in neither the logs nor the database. */
function expectRenewedTokensKeptSecret(dir: string, destination: string, logs: string): void {
  const data = path.join(dir, "data");
  const stored = readFileSync(path.join(data, "sessions", `${destination}.credential.json`), "utf8");
  const tokens = Object.values(JSON.parse(stored) as Record<string, unknown>).filter((v): v is string => typeof v === "string" && v.length >= 20 && !v.startsWith("sha256"));
  expect(tokens.length).toBeGreaterThan(0);
  const db = readdirSync(data).filter((f) => f.startsWith("crier.db")).map((f) => readFileSync(path.join(data, f)).toString("latin1")).join("");
  for (const t of tokens) {
    expect(logs, "logs contain a renewed token").not.toContain(t);
    expect(db, "the database contains a renewed token").not.toContain(t);
  }
}

// Every case posts the same article to the same account: when the answer to media_publish was lost,
// the post found for the PUBLISHED container must be this case's, not the same caption posted before.
describe("a crash between a container and its publish", () => {
  const cases: Array<{ platform: "instagram" | "threads"; fault: HarnessFault["kind"]; what: string }> = [
    { platform: "instagram", fault: "hang-before", what: "the publish never reached Instagram" },
    { platform: "instagram", fault: "hang-after", what: "Instagram published, its answer was lost" },
    { platform: "threads", fault: "hang-before", what: "the publish never reached Threads" },
    { platform: "threads", fault: "hang-after", what: "Threads published, its answer was lost" },
  ];
  it.each(cases)("$platform, $what: the next start finishes from the checkpointed container, one container and one post", async ({ platform, fault }) => {
    const server = platform === "instagram" ? ig.harness : th.harness;
    // The Threads loopback's clock stands still unless advanced (its own tests step it exactly), so
    // its posts' timestamps read when beforeAll ran; Threads' read when they were published.
    th.advance(Date.now() - th.now());
    const isPublish = (r: RecordedRequest) => r.method === "POST" && /\/(media_publish|threads_publish)$/.test(r.path);
    const posts = () => (platform === "instagram" ? ig.media.length : th.posts.length);
    const containers = () => (platform === "instagram" ? ig.containers.size : th.containers.size);
    const publishes = () => server.requests.filter(isPublish).length;
    const [before, postsBefore, publishesBefore] = [containers(), posts(), publishes()];
    const requestsBefore = server.requests.length;
    const { config } = setup(platform, articles(1));

    server.inject({ kind: fault } as HarnessFault, { match: isPublish });
    daemon = startDaemon(config, env());
    await server.waitForRequest((r) => isPublish(r) && server.requests.indexOf(r) >= requestsBefore, scaled(30_000));
    await kill();
    const [interrupted] = await rows(config);
    expect(interrupted).toMatchObject({ state: "sending" });
    expect(interrupted?.checkpoint).toMatch(/\d{6,}/); // the container id
    expect(containers() - before).toBe(1);

    daemon = startDaemon(config, env());
    await waitFor(async () => SETTLED.includes((await rows(config))[0]?.state ?? ""), 30_000, "the interrupted post to be settled after the restart");
    await stop();
    expect((await rows(config))[0]).toMatchObject({ state: "sent" }); // resumed, not held as uncertain
    expect(containers() - before).toBe(1); // no second container
    expect(posts() - postsBefore).toBe(1); // one post for followers
    expect(publishes() - publishesBefore).toBeLessThanOrEqual(fault === "hang-before" ? 2 : 1); // the lost publish, then at most one more
    const [row] = await rows(config);
    const post = platform === "instagram" ? ig.media.at(-1) : th.posts.at(-1);
    expect(row?.remoteId).toBe(post?.id);
  }, scaled(90_000));
});

describe("TikTok: a crash while TikTok is still processing", () => {
  it("SIGKILL with the publish id checkpointed: the next start reads that publish's status, one init", async () => {
    ttRefresh = tt.issueRefreshToken(); // single-use: each test's database starts from its own
    const initsBefore = tt.publishes.length;
    const isStatus = (r: RecordedRequest) => r.path === "/v2/post/publish/status/fetch/";
    const statusBefore = tt.h.requests.filter(isStatus).length;
    tt.nextPublishes({ processingReads: 1_000 }); // still PROCESSING_DOWNLOAD at every look
    const { config } = setup("tiktok", articles(1, 50));
    daemon = startDaemon(config, env());
    await waitFor(() => tt.h.requests.filter(isStatus).length > statusBefore, 30_000, "TikTok's status to be read while processing");
    await kill();
    const [interrupted] = await rows(config);
    expect(["sending", "pending"]).toContain(interrupted?.state);
    const publish = tt.publishes.at(-1)!;
    expect(tt.publishes.length - initsBefore).toBe(1);
    expect(interrupted?.checkpoint).toContain(publish.id);

    publish.readsLeft = 0; // TikTok has downloaded the picture meanwhile
    tt.nextPublishes({ processingReads: 0 });
    daemon = startDaemon(config, env());
    await waitFor(async () => SETTLED.includes((await rows(config))[0]?.state ?? ""), 30_000, "the publish to be settled after the restart");
    await stop();
    expect((await rows(config))[0]).toMatchObject({ state: "sent" });
    expect(tt.publishes.length - initsBefore).toBe(1); // exactly one init
  }, scaled(90_000));
});

describe("a token that lapses during a run is refreshed and the post still goes out once", () => {
  it("TikTok: the access token lapses between two articles; one refresh with the single-use refresh token, one init each", async () => {
    ttRefresh = tt.issueRefreshToken();
    const initsBefore = tt.publishes.length;
    const isRefresh = (r: RecordedRequest) => r.path === "/v2/oauth/token/";
    const { dir, config, publish } = setup("tiktok", articles(1, 60));
    daemon = startDaemon(config, env());
    await waitFor(async () => (await rows(config)).some((r) => r.state === "sent"), 30_000, "the first article to be sent");
    const refreshesBefore = tt.h.requests.filter(isRefresh).length;
    tt.expireAccessTokens();
    publish(articles(2, 60));
    await waitFor(async () => (await rows(config)).filter((r) => r.state === "sent").length === 2, 30_000, "the second article to be sent with a refreshed token");
    const logs = await stop();
    expectRenewedTokensKeptSecret(dir, "tiktok", logs);
    expect(tt.publishes.length - initsBefore).toBe(2);
    expect(tt.h.requests.filter(isRefresh).length - refreshesBefore).toBe(1);
    const finals = (await rows(config)).map((r) => r.state);
    expect(finals).toEqual(["sent", "sent"]);
  }, scaled(90_000));

  it("LinkedIn: the access token lapses between two articles; a refresh, then one post each", async () => {
    const postsBefore = li.posts().length;
    const isRefresh = (r: RecordedRequest) => r.path === "/oauth/v2/accessToken";
    const { dir, config, publish } = setup("linkedin", articles(1, 70));
    daemon = startDaemon(config, env());
    await waitFor(async () => (await rows(config)).some((r) => r.state === "sent"), 30_000, "the first article to be sent");
    const token = li.accounts.tokens.get(LI_TOKEN)!;
    token.expiresAt = Date.now() - 1;
    publish(articles(2, 70));
    await waitFor(async () => (await rows(config)).filter((r) => r.state === "sent").length === 2, 30_000, "the second article to be sent with a refreshed token");
    const logs = await stop();
    expectRenewedTokensKeptSecret(dir, "linkedin", logs);
    expect(li.posts().length - postsBefore).toBe(2);
    expect(li.h.requests.filter(isRefresh)).toHaveLength(1);
    const created = li.h.requests.filter((r) => r.method === "POST" && r.path === "/rest/posts" && r.status === 201);
    expect(created.at(-1)?.headers.authorization).not.toBe(`Bearer ${LI_TOKEN}`);
  }, scaled(90_000));
});
