import { afterEach, describe, expect, it } from "vitest";
import { computeSignature, verifyOAuthRequest, NonceStore } from "./oauth.js";
import { startXLoopback, type XLoopback, type XLoopbackOptions } from "./server.js";
import { ALICE, BOB, INVALID_REQUEST, UNAUTHORIZED_BODY, baseOptions, call, oauthHeader } from "./testing.js";

let lb: XLoopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});
async function start(extra: Partial<XLoopbackOptions> = {}): Promise<XLoopback> {
  lb = await startXLoopback(baseOptions(extra));
  return lb;
}
const tweet = (l: XLoopback, json: unknown, o: Parameters<typeof call>[2] = {}) =>
  call(l, "/2/tweets", { method: "POST", json, ...o });

describe("POST /2/tweets", () => {
  it("creates a post: 201, documented body, stored, rate-limit headers", async () => {
    const l = await start();
    const r = await tweet(l, { text: "hello world" });
    expect(r.status).toBe(201);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(r.body.data.text).toBe("hello world");
    expect(r.body.data.id).toMatch(/^[0-9]{1,19}$/);
    expect(r.body.data.edit_history_tweet_ids).toEqual([r.body.data.id]);
    expect(l.tweets).toEqual([
      { id: r.body.data.id, userId: ALICE.id, text: "hello world", mediaIds: [], createdAt: expect.any(Number), deleted: false },
    ]);
    expect(r.headers.get("x-rate-limit-limit")).toBe("200");
    expect(r.headers.get("x-rate-limit-remaining")).toBe("199");
    expect(Number(r.headers.get("x-rate-limit-reset"))).toBeGreaterThan(Date.now() / 1000);
    expect(l.requests[0]).toMatchObject({ method: "POST", path: "/2/tweets", userId: ALICE.id, json: { text: "hello world" } });
  });

  it("accepts a signature made for https://api.twitter.com too (both are official hosts)", async () => {
    const l = await start();
    expect((await tweet(l, { text: "old host" }, { signedOrigin: "https://api.twitter.com" })).status).toBe(201);
  });

  it("missing text and media → 400 invalid-request", async () => {
    const l = await start();
    for (const json of [{}, { text: "   " }]) {
      const r = await tweet(l, json);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ ...INVALID_REQUEST, errors: [{ message: "Please include either text or media in your Tweet." }] });
    }
    expect(l.tweets).toHaveLength(0);
  });

  it("unknown field, wrong type or non-JSON body → 400 invalid-request", async () => {
    const l = await start();
    const unknown = await tweet(l, { text: "hi", foo: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject(INVALID_REQUEST);
    expect(unknown.body.errors[0].message).toContain("$.foo");
    expect((await tweet(l, { text: "hi", media: { media_ids: ["1"], bogus: true } })).status).toBe(400);
    expect((await tweet(l, { text: 42 })).body).toMatchObject(INVALID_REQUEST);
    const notJson = await call(l, "/2/tweets", { method: "POST", body: "text=hi", contentType: "application/json" });
    expect(notJson.status).toBe(400);
    expect(l.tweets).toHaveLength(0);
  });

  it("counts weighted length with twitter-text: 281 refused, 280 with a 23-char URL accepted", async () => {
    const l = await start();
    for (const text of ["中".repeat(141), "中".repeat(140) + "a"]) {
      const r = await tweet(l, { text });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject(INVALID_REQUEST);
      expect(r.body.errors[0].message).toMatch(/^Your Tweet text is too long\./);
    }
    const url = "https://example.com/" + "x".repeat(100); // counts 23 whatever its length
    const withUrl = "a".repeat(256) + " " + url;
    expect(withUrl.length).toBeGreaterThan(280);
    expect((await tweet(l, { text: withUrl })).status).toBe(201);
    expect((await tweet(l, { text: "中".repeat(140) })).status).toBe(201);
    expect(l.tweets).toHaveLength(2);
  });

  it("duplicate text for the same user → 403 with the documented detail; other users may", async () => {
    const l = await start();
    expect((await tweet(l, { text: "same" })).status).toBe(201);
    const dup = await tweet(l, { text: "same" });
    expect(dup.status).toBe(403);
    expect(dup.body).toEqual({
      detail: "You are not allowed to create a Tweet with duplicate content.",
      type: "about:blank",
      title: "Forbidden",
      status: 403,
    });
    expect((await tweet(l, { text: "same" }, { user: BOB })).status).toBe(201);
    expect(l.tweets).toHaveLength(2);
  });
});

describe("OAuth 1.0a", () => {
  it("wrong consumer secret, wrong token secret, missing header, unknown token → 401 problem", async () => {
    const l = await start();
    const cases = [
      await tweet(l, { text: "a" }, { consumerSecret: "nope" }),
      await tweet(l, { text: "b" }, { tokenSecret: "nope" }),
      await tweet(l, { text: "c" }, { user: null }),
      await tweet(l, { text: "d" }, { user: { accessToken: "unknown", accessSecret: ALICE.accessSecret } }),
      await tweet(l, { text: "e" }, { authorization: "Bearer abc" }),
    ];
    for (const r of cases) {
      expect(r.status).toBe(401);
      expect(r.body).toEqual(UNAUTHORIZED_BODY);
      expect(r.headers.get("x-rate-limit-limit")).toBeNull();
    }
    expect(l.tweets).toHaveLength(0);
    expect(l.requests.map((q) => q.authError)).toEqual([
      "signature mismatch",
      "signature mismatch",
      "missing or malformed OAuth Authorization header",
      "unknown oauth_token",
      "missing or malformed OAuth Authorization header",
    ]);
  });

  it("a replayed nonce is refused", async () => {
    const l = await start();
    const authorization = oauthHeader("POST", "/2/tweets", {}, ALICE);
    expect((await tweet(l, { text: "once" }, { authorization })).status).toBe(201);
    const again = await tweet(l, { text: "twice" }, { authorization });
    expect(again.status).toBe(401);
    expect(again.body).toEqual(UNAUTHORIZED_BODY);
    expect(l.tweets.map((t) => t.text)).toEqual(["once"]);
  });

  it("stale timestamps and signatures over the loopback URL (not the official host) are refused", async () => {
    const l = await start();
    const stale = await tweet(l, { text: "old" }, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.status).toBe(401);
    expect(l.requests[0]?.authError).toBe("stale or invalid oauth_timestamp");
    const local = await tweet(l, { text: "local" }, { signedOrigin: l.url });
    expect(local.status).toBe(401);
    const http = await tweet(l, { text: "http" }, { signedOrigin: "http://api.x.com" });
    expect(http.status).toBe(401);
    expect((await tweet(l, { text: "fresh" }, { timestamp: Math.floor(Date.now() / 1000) - 200 })).status).toBe(201);
  });

  it("matches X's documented signature example (query + form body, oauth-1.0a)", () => {
    // https://developer.x.com/en/docs/authentication/oauth-1-0a/creating-a-signature (api.twitter.com/1 variant)
    const oauthParams = {
      oauth_consumer_key: "xvz1evFS4wEEPTGEFPHBog",
      oauth_nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
      oauth_signature_method: "HMAC-SHA1",
      oauth_timestamp: "1318622958",
      oauth_token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
      oauth_version: "1.0",
    };
    const consumer = { key: oauthParams.oauth_consumer_key, secret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw" };
    const user = { id: "370773112", accessToken: oauthParams.oauth_token, accessSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE" };
    const query: Array<[string, string]> = [["include_entities", "true"]];
    const formBody: Array<[string, string]> = [["status", "Hello Ladies + Gentlemen, a signed OAuth request!"]];
    const sig = computeSignature({
      method: "POST",
      baseUrl: "https://api.twitter.com/1/statuses/update.json",
      params: [...query, ...formBody],
      oauthParams,
      consumerKey: consumer.key,
      consumerSecret: consumer.secret,
      tokenSecret: user.accessSecret,
    });
    expect(sig).toBe("tnnArxj06cWHq44gCs1OSKk/jLY=");
    const enc = (s: string) => encodeURIComponent(s).replace(/[!*'()]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
    const authorization =
      "OAuth " + Object.entries({ ...oauthParams, oauth_signature: sig }).map(([k, v]) => `${k}="${enc(v)}"`).join(", ");
    const input = { method: "POST", path: "/1/statuses/update.json", query, formBody, authorization };
    const ok = verifyOAuthRequest(input, consumer, [user], new NonceStore(), 1318622958_000);
    expect(ok.ok).toBe(true);
    const tampered = verifyOAuthRequest({ ...input, formBody: [["status", "Hello"]] }, consumer, [user], new NonceStore(), 1318622958_000);
    expect(tampered).toEqual({ ok: false, reason: "signature mismatch" });
  });
});

describe("rate limits", () => {
  it("429 with reset header once the per-user window is exhausted", async () => {
    const l = await start({ rateLimit: { limit: 2, windowMs: 60_000 } });
    expect((await tweet(l, { text: "1" })).headers.get("x-rate-limit-remaining")).toBe("1");
    expect((await tweet(l, { text: "2" })).headers.get("x-rate-limit-remaining")).toBe("0");
    const r = await tweet(l, { text: "3" });
    expect(r.status).toBe(429);
    expect(r.body).toEqual({ title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 });
    expect(r.headers.get("x-rate-limit-limit")).toBe("2");
    expect(r.headers.get("x-rate-limit-remaining")).toBe("0");
    const reset = Number(r.headers.get("x-rate-limit-reset"));
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60);
    expect((await tweet(l, { text: "bob" }, { user: BOB })).status).toBe(201);
    expect(l.tweets.map((t) => t.text)).toEqual(["1", "2", "bob"]);
  });

  it("24-hour user limit → 429 with x-user-limit-24hour-* headers", async () => {
    const l = await start({ userDayLimit: 1 });
    const first = await tweet(l, { text: "1" });
    expect(first.status).toBe(201);
    expect(first.headers.get("x-user-limit-24hour-limit")).toBe("1");
    expect(first.headers.get("x-user-limit-24hour-remaining")).toBe("0");
    const r = await tweet(l, { text: "2" });
    expect(r.status).toBe(429);
    expect(r.body.title).toBe("Too Many Requests");
    expect(r.headers.get("x-user-limit-24hour-remaining")).toBe("0");
    const reset = Number(r.headers.get("x-user-limit-24hour-reset"));
    expect(reset - Date.now() / 1000).toBeGreaterThan(86_000);
    expect(r.headers.get("x-rate-limit-remaining")).toBe("198");
  });
});

describe("DELETE /2/tweets/:id and GET /2/users/me", () => {
  it("deletes own posts only", async () => {
    const l = await start();
    const id = (await tweet(l, { text: "bye" })).body.data.id as string;
    const other = await call(l, `/2/tweets/${id}`, { method: "DELETE", user: BOB });
    expect(other.status).toBe(403);
    expect(l.tweets[0]?.deleted).toBe(false);
    const r = await call(l, `/2/tweets/${id}`, { method: "DELETE" });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { deleted: true } });
    expect(r.headers.get("x-rate-limit-limit")).toBe("50");
    expect(l.tweets[0]?.deleted).toBe(true);
    expect((await call(l, `/2/tweets/${id}`, { method: "DELETE" })).status).toBe(404);
    expect((await tweet(l, { text: "bye" })).status).toBe(201); // no longer a duplicate
  });

  it("returns the authenticated user", async () => {
    const l = await start();
    const r = await call(l, "/2/users/me", { user: BOB });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { id: BOB.id, name: BOB.username, username: BOB.username } });
    expect((await call(l, "/2/users/me", { user: null })).status).toBe(401);
    expect((await call(l, "/2/nope")).status).toBe(404);
  });
});
