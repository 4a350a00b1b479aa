// The real twitter-api-v2 client against the loopback: proves that the
// server's signature verification and a real client agree.
import http from "node:http";
import { ApiResponseError, TwitterApi, type ITwitterApiClientPlugin } from "twitter-api-v2";
import { afterEach, describe, expect, it } from "vitest";
import { startXLoopback, type XLoopback } from "./server.js";
import { ALICE, CONSUMER, baseOptions } from "./testing.js";

/**
 * Redirect api.x.com / upload.x.com to the loopback. It must run in
 * `onBeforeRequest` — after twitter-api-v2 has signed the https://api.x.com URL —
 * so the signature stays over the official URL, exactly as on the real platform.
 */
function loopbackPlugin(loopbackUrl: string, agent: http.Agent): ITwitterApiClientPlugin {
  return {
    onBeforeRequest({ computedParams, requestOptions }) {
      const u = computedParams.url;
      if (u.hostname === "api.x.com" || u.hostname === "upload.x.com") {
        computedParams.url = new URL(u.pathname + u.search, loopbackUrl);
        requestOptions.agent = agent;
      }
    },
  };
}

let lb: XLoopback | undefined;
const agent = new http.Agent({ keepAlive: false });
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

function client(l: XLoopback, secrets: { appSecret?: string; accessSecret?: string } = {}): TwitterApi {
  return new TwitterApi(
    {
      appKey: CONSUMER.key,
      appSecret: secrets.appSecret ?? CONSUMER.secret,
      accessToken: ALICE.accessToken,
      accessSecret: secrets.accessSecret ?? ALICE.accessSecret,
    },
    { plugins: [loopbackPlugin(l.url, agent)] },
  );
}

async function apiError(p: Promise<unknown>): Promise<ApiResponseError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiResponseError);
  return err as ApiResponseError;
}

describe("twitter-api-v2 against the loopback", () => {
  it("v2.tweet succeeds; a wrong secret fails with ApiResponseError 401", async () => {
    const l = (lb = await startXLoopback(baseOptions()));
    const res = await client(l).v2.tweet("hello");
    expect(res.data.text).toBe("hello");
    expect(l.tweets.map((t) => t.text)).toEqual(["hello"]);
    expect(l.requests[0]?.headers.authorization).toMatch(/^OAuth /);

    for (const secrets of [{ appSecret: "wrong" }, { accessSecret: "wrong" }]) {
      const err = await apiError(client(l, secrets).v2.tweet("nope"));
      expect(err.code).toBe(401);
      expect(err.data).toEqual({ title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" });
    }
    expect(l.tweets).toHaveLength(1);
  });

  it("uploadMedia (initialize/append/finalize), tweet with media, me, deleteTweet", async () => {
    const l = (lb = await startXLoopback(baseOptions()));
    const c = client(l);
    const png = Buffer.alloc(2500, 7);
    const mediaId = await c.v2.uploadMedia(png, { media_type: "image/png" }, 1000);
    expect(l.media).toEqual([{ id: mediaId, userId: ALICE.id, mediaType: "image/png", totalBytes: 2500, bytes: png, finalized: true }]);
    expect(l.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /2/media/upload/initialize",
      `POST /2/media/upload/${mediaId}/append`,
      `POST /2/media/upload/${mediaId}/append`,
      `POST /2/media/upload/${mediaId}/append`,
      `POST /2/media/upload/${mediaId}/finalize`,
    ]);
    expect(l.requests[0]?.json).toEqual({ media_type: "image/png", total_bytes: 2500, media_category: "tweet_image" });

    const t = await c.v2.tweet({ text: "with media", media: { media_ids: [mediaId] } });
    expect(l.tweets[0]).toMatchObject({ id: t.data.id, mediaIds: [mediaId] });

    const me = await c.v2.me();
    expect(me.data).toEqual({ id: ALICE.id, name: ALICE.username, username: ALICE.username });

    const del = await c.v2.deleteTweet(t.data.id);
    expect(del.data.deleted).toBe(true);

    expect(l.tweets[0]?.deleted).toBe(true);
  });

  it("surfaces 400/403/429 problems and rate-limit headers through the client", async () => {
    const l = (lb = await startXLoopback(baseOptions({ rateLimit: { limit: 2, windowMs: 60_000 } })));
    const c = client(l);
    await c.v2.tweet("one");
    const dup = await apiError(c.v2.tweet("one"));
    expect(dup.code).toBe(403);
    expect(dup.data.detail).toBe("You are not allowed to create a Tweet with duplicate content.");
    const limited = await apiError(c.v2.tweet("three"));
    expect(limited.code).toBe(429);
    expect(limited.rateLimitError).toBe(true);
    expect(limited.rateLimit?.remaining).toBe(0);
    expect(limited.rateLimit?.reset).toBeGreaterThan(Date.now() / 1000);
  });

  it("rewriting the URL in onBeforeRequestConfig signs the loopback URL, which X would refuse (401)", async () => {
    const l = (lb = await startXLoopback(baseOptions()));
    const rewriteBeforeSigning: ITwitterApiClientPlugin = {
      onBeforeRequestConfig({ params }) {
        params.url = params.url.replace("https://api.x.com/", `${l.url}/`);
      },
    };
    const c = new TwitterApi(
      { appKey: CONSUMER.key, appSecret: CONSUMER.secret, accessToken: ALICE.accessToken, accessSecret: ALICE.accessSecret },
      { plugins: [rewriteBeforeSigning], httpAgent: agent },
    );
    const err = await apiError(c.v2.tweet("signed for the wrong URL"));
    expect(err.code).toBe(401);
    expect(l.requests[0]?.authError).toBe("signature mismatch");
    expect(l.tweets).toHaveLength(0);
  });
});
