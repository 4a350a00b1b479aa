// The loopback itself follows the reference: versions, tokens, the image pull and its checks,
// container states and their timing, publishing once, the quota, refresh, throttling.
import { afterEach, describe, expect, it } from "vitest";
import { DAY_MS } from "./tokens.js";
import { makeImage, startImageHost, type ImageHost } from "./image-host.js";
import { TOKEN, startInstagramLoopback, type InstagramLoopback, type InstagramLoopbackOptions } from "./server.js";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function start(opts: InstagramLoopbackOptions = {}): Promise<{ lb: InstagramLoopback; images: ImageHost; square: string }> {
  const lb = await startInstagramLoopback(opts);
  const images = await startImageHost();
  cleanup.push(() => lb.close(), () => images.close());
  return { lb, images, square: images.put("square.jpg", await makeImage(1080, 1080)) };
}

interface Answer { status: number; body: any; headers: Headers } // eslint-disable-line @typescript-eslint/no-explicit-any
async function call(lb: InstagramLoopback, method: string, path: string, params: Record<string, string> = {}, token: string | null = TOKEN, as: "bearer" | "query" | "form" = "bearer"): Promise<Answer> {
  const url = new URL(path, lb.url);
  const headers: Record<string, string> = {};
  const all = { ...params, ...(token && as !== "bearer" ? { access_token: token } : {}) };
  if (token && as === "bearer") headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (method === "POST" && as === "form") (body = new URLSearchParams(all).toString()), (headers["content-type"] = "application/x-www-form-urlencoded");
  else if (method === "POST") (body = JSON.stringify(all)), (headers["content-type"] = "application/json");
  else for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  const res = await fetch(url, { method, headers, body });
  return { status: res.status, body: await res.json(), headers: res.headers };
}
const code = (a: Answer) => [a.status, a.body.error?.code, a.body.error?.error_subcode];
const V = "/v27.0";
const user = "17841400000000001";

describe("versions and tokens", () => {
  it("serves the listed versions only; /me answers in the Get Started page's data:[…] shape", async () => {
    const { lb } = await start();
    expect((await call(lb, "GET", `${V}/me`, { fields: "user_id,username" })).body).toEqual({ data: [{ user_id: user, username: "riverside_courier" }] });
    expect(code(await call(lb, "GET", "/v20.0/me"))).toEqual([400, 2500, undefined]);
    expect(code(await call(lb, "GET", "/me"))).toEqual([400, 2500, undefined]);
    const flat = (await start({ meShape: "flat" })).lb;
    expect((await call(flat, "GET", `${V}/me`, { fields: "id,user_id" })).body).toEqual({ id: "27000000000000001", user_id: user });
  });

  it("takes the token as Bearer, query or form; refuses a wrong (190/467), expired (190/463) or missing one", async () => {
    const { lb, square } = await start();
    expect((await call(lb, "GET", `${V}/me`, {}, TOKEN, "query")).status).toBe(200);
    expect((await call(lb, "POST", `${V}/${user}/media`, { image_url: square }, TOKEN, "form")).status).toBe(200);
    expect(code(await call(lb, "GET", `${V}/me`, {}, "IGAAwrong"))).toEqual([400, 190, 467]);
    lb.addToken({ value: "IGAAold", issuedAt: lb.clock.now() - 61 * DAY_MS, expiresAt: lb.clock.now() - DAY_MS, scopes: [] });
    expect(code(await call(lb, "GET", `${V}/me`, {}, "IGAAold"))).toEqual([400, 190, 463]);
    expect(code(await call(lb, "GET", `${V}/me`, {}, null))).toEqual([400, 2500, undefined]);
  });

  it("refresh_access_token (unversioned): a new 60-day token for one at least 24 h old; refuses a younger one", async () => {
    const { lb } = await start({ revokeOnRefresh: true });
    const r = await call(lb, "GET", "/refresh_access_token", { grant_type: "ig_refresh_token" }, TOKEN, "query");
    expect(r.body).toMatchObject({ token_type: "bearer", expires_in: 5183944 });
    expect((await call(lb, "GET", `${V}/me`, {}, r.body.access_token)).status).toBe(200);
    expect(code(await call(lb, "GET", `${V}/me`))).toEqual([400, 190, 467]); // revoked (option)
    expect(code(await call(lb, "GET", "/refresh_access_token", { grant_type: "ig_refresh_token" }, r.body.access_token, "query"))).toEqual([400, 100, undefined]);
  });
});

describe("containers: the image pull and the caption rules", () => {
  it("fetches image_url over HTTP and keeps caption and alt_text; 4:5 and 1.91:1 are inside the range", async () => {
    const { lb, images } = await start();
    for (const [w, h] of [[800, 1000], [1910, 1000], [200, 200]] as const) {
      const url = images.put(`${w}x${h}.jpg`, await makeImage(w, h));
      const r = await call(lb, "POST", `${V}/${user}/media`, { image_url: url, caption: "Hi #news", alt_text: "A bridge" });
      expect(r.status).toBe(200);
      expect(lb.containers.get(r.body.id)).toMatchObject({ caption: "Hi #news", altText: "A bridge", image: { width: w, height: h, storedWidth: Math.max(320, w > 1440 ? 1440 : w) } });
    }
    expect(images.harness.requests.map((r) => r.path)).toEqual(["/images/800x1000.jpg", "/images/1910x1000.jpg", "/images/200x200.jpg"]);
  });

  it.each<[string, () => Promise<{ bytes: Buffer; type?: string }> | null, [number, number, number]]>([
    ["a PNG → 36001/2207005", async () => ({ bytes: await makeImage(500, 500, "png"), type: "image/jpeg" }), [400, 36001, 2207005]],
    ["3:1 → 36003/2207009", async () => ({ bytes: await makeImage(900, 300) }), [400, 36003, 2207009]],
    ["1:2 → 36003/2207009", async () => ({ bytes: await makeImage(400, 800) }), [400, 36003, 2207009]],
    ["over 8 MiB → 36000/2207004", async () => ({ bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(8 * 1024 * 1024)]) }), [400, 36000, 2207004]],
    ["a 404 → 9004/2207052", () => null, [400, 9004, 2207052]],
  ])("refuses %s", async (_n, make, expected) => {
    const { lb, images } = await start();
    const file = await make?.();
    const url = file ? images.put("x.jpg", file.bytes, file.type) : `${images.url}/images/missing.jpg`;
    expect(code(await call(lb, "POST", `${V}/${user}/media`, { image_url: url }))).toEqual(expected);
    expect(lb.containers.size).toBe(0);
  });

  it("a slow image host → -2/2207003; a non-ASCII URL → 9004/2207052 without a fetch", async () => {
    const { lb, images, square } = await start({ imageFetchTimeoutMs: 200 });
    images.harness.inject({ kind: "delay", ms: 2_000 });
    expect(code(await call(lb, "POST", `${V}/${user}/media`, { image_url: square }))).toEqual([400, -2, 2207003]);
    expect(code(await call(lb, "POST", `${V}/${user}/media`, { image_url: `${images.url}/images/café.jpg` }))).toEqual([400, 9004, 2207052]);
    expect(lb.imageFetches.map((f) => f.outcome)).toEqual(["timed out"]);
  });

  it("caption: 2,200 characters (emoji by UTF-8 bytes), 20 @ tags, 30 hashtags; alt_text 1,000", async () => {
    const { lb, square } = await start();
    const post = (extra: Record<string, string>) => call(lb, "POST", `${V}/${user}/media`, { image_url: square, ...extra });
    expect((await post({ caption: "x".repeat(2200) })).status).toBe(200);
    expect(code(await post({ caption: "x".repeat(2201) }))).toEqual([400, 36004, 2207010]);
    expect(code(await post({ caption: `${"x".repeat(2197)}👍` }))).toEqual([400, 36004, 2207010]); // 2197 + 4 UTF-8 bytes
    expect((await post({ caption: `${"x".repeat(2196)}👍` })).status).toBe(200);
    expect((await post({ caption: `${"x".repeat(2180)}${"é".normalize("NFD").repeat(10)}` })).status).toBe(200); // 2180 + 10 × 2 units
    expect(code(await post({ caption: Array.from({ length: 21 }, (_, i) => `@user${i}`).join(" ") }))).toEqual([400, 100, 2207040]);
    expect((await post({ caption: Array.from({ length: 30 }, (_, i) => `#t${i}`).join(" ") })).status).toBe(200);
    expect(code(await post({ caption: Array.from({ length: 31 }, (_, i) => `#t${i}`).join(" ") }))).toEqual([400, 36004, 2207010]);
    expect(code(await post({ alt_text: "a".repeat(1001) }))).toEqual([400, 100, undefined]);
  });

  it("a token without instagram_business_content_publish → code 10", async () => {
    const { lb, square } = await start({ scopes: ["instagram_business_basic"] });
    expect(code(await call(lb, "POST", `${V}/${user}/media`, { image_url: square }))).toEqual([400, 10, undefined]);
  });
});

describe("status transitions, publishing, quota", () => {
  it("IN_PROGRESS for N reads, then FINISHED; publishing early → 9007/2207027; once → PUBLISHED; again → refused", async () => {
    const { lb, square } = await start({ processing: { reads: 2 } });
    const id = (await call(lb, "POST", `${V}/${user}/media`, { image_url: square, caption: "c" })).body.id;
    const status = async () => (await call(lb, "GET", `${V}/${id}`, { fields: "status_code,status" })).body;
    expect(await status()).toEqual({ status_code: "IN_PROGRESS", id });
    expect(code(await call(lb, "POST", `${V}/${user}/media_publish`, { creation_id: id }))).toEqual([400, 9007, 2207027]);
    expect(await status()).toEqual({ status_code: "IN_PROGRESS", id });
    expect(await status()).toEqual({ status_code: "FINISHED", id });
    const media = (await call(lb, "POST", `${V}/${user}/media_publish`, { creation_id: id })).body.id;
    expect(await status()).toEqual({ status_code: "PUBLISHED", id });
    expect((await call(lb, "GET", `${V}/${media}`, { fields: "permalink" })).body).toEqual({ permalink: expect.stringMatching(/^https:\/\/www\.instagram\.com\/p\/[\w-]+\/$/), id: media });
    expect(code(await call(lb, "POST", `${V}/${user}/media_publish`, { creation_id: id }))).toEqual([400, 24, 2207008]);
    expect([lb.media.length, lb.containers.get(id)?.publishCalls]).toEqual([1, 3]);
  });

  it("time-based processing and the 24-hour expiry follow the server clock; ERROR carries the subcode in status", async () => {
    const { lb, square } = await start({ processing: { ms: 30_000 } });
    const create = async () => (await call(lb, "POST", `${V}/${user}/media`, { image_url: square })).body.id as string;
    const [a, b] = [await create(), await create()];
    const status = async (id: string) => (await call(lb, "GET", `${V}/${id}`, { fields: "status_code,status" })).body;
    expect((await status(a)).status_code).toBe("IN_PROGRESS");
    lb.clock.advance(30_000);
    expect((await status(a)).status_code).toBe("FINISHED");
    lb.failContainer(b, 2207052);
    expect(await status(b)).toEqual({ status_code: "ERROR", status: "Error: Media upload has failed with error code 2207052", id: b });
    lb.clock.advance(DAY_MS);
    expect((await status(a)).status_code).toBe("EXPIRED");
    expect(code(await call(lb, "POST", `${V}/${user}/media_publish`, { creation_id: a }))).toEqual([400, -2, 2207020]);
  });

  it("the publishing quota: counted per 24-hour moving window, read from content_publishing_limit, 9/2207042 over it", async () => {
    const { lb, square } = await start({ quotaTotal: 2 });
    const publishOne = async () => {
      const id = (await call(lb, "POST", `${V}/${user}/media`, { image_url: square })).body.id;
      await call(lb, "GET", `${V}/${id}`, { fields: "status_code" });
      return call(lb, "POST", `${V}/${user}/media_publish`, { creation_id: id });
    };
    expect((await publishOne()).status).toBe(200);
    lb.clock.advance(3_600_000);
    expect((await publishOne()).status).toBe(200);
    expect(code(await publishOne())).toEqual([400, 9, 2207042]);
    const limit = await call(lb, "GET", `${V}/${user}/content_publishing_limit`, { fields: "quota_usage,config" });
    expect(limit.body).toEqual({ data: [{ quota_usage: 2, config: { quota_total: 2, quota_duration: 86400 } }] });
    expect(Date.parse(limit.headers.get("date") ?? "")).toBeCloseTo(lb.clock.now(), -4);
    expect((await call(lb, "GET", `${V}/${user}/content_publishing_limit`)).body).toEqual({ data: [{ quota_usage: 2 }] });
    const since = String(Math.floor((lb.clock.now() - 1_800_000) / 1000));
    expect((await call(lb, "GET", `${V}/${user}/content_publishing_limit`, { since })).body).toEqual({ data: [{ quota_usage: 1 }] });
    expect(code(await call(lb, "GET", `${V}/${user}/content_publishing_limit`, { since: String(Math.floor((lb.clock.now() - 2 * DAY_MS) / 1000)) }))).toEqual([400, 100, undefined]);
    lb.clock.advance(DAY_MS - 3_600_000);
    expect((await call(lb, "GET", `${V}/${user}/content_publishing_limit`)).body).toEqual({ data: [{ quota_usage: 1 }] });
    expect((await publishOne()).status).toBe(200);
  });

  it("recent media, newest first, with captions without @ when the app lacks admin-equivalent tasks", async () => {
    const { lb, square } = await start({ captionsWithoutAt: true });
    for (const caption of ["first @desk", "second"]) {
      const id = (await call(lb, "POST", `${V}/${user}/media`, { image_url: square, caption })).body.id;
      await call(lb, "GET", `${V}/${id}`, { fields: "status_code" });
      await call(lb, "POST", `${V}/${user}/media_publish`, { creation_id: id });
      lb.clock.advance(60_000);
    }
    const list = await call(lb, "GET", `${V}/${user}/media`, { fields: "id,caption,timestamp", limit: "5" });
    expect(list.body.data.map((m: { caption: string }) => m.caption)).toEqual(["second", "first desk"]);
    expect(list.body.data[0].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
  });

  it("Instagram's BUC throttle: X-Business-Use-Case-Usage on each call, 80002 once the window is full", async () => {
    const { lb } = await start({ callLimit: { calls: 2, windowMs: 600_000 } });
    const first = await call(lb, "GET", `${V}/me`);
    expect(JSON.parse(first.headers.get("x-business-use-case-usage") ?? "{}")).toEqual({ [user]: [expect.objectContaining({ type: "instagram", call_count: 50 })] });
    await call(lb, "GET", `${V}/me`);
    const third = await call(lb, "GET", `${V}/me`);
    expect(code(third)).toEqual([400, 80002, undefined]);
    expect(JSON.parse(third.headers.get("x-business-use-case-usage") ?? "{}")[user][0].estimated_time_to_regain_access).toBe(10);
  });
});
