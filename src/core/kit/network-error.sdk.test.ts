// networkFailure over the errors the adapters' SDKs really throw for failed requests on loopback:
// telegraf (node-fetch 2), twitter-api-v2 (node:https, cause hidden in `_options`), masto and
// @atproto/api (global fetch; XRPCError with status 1 around it).
import { AtpAgent } from "@atproto/api";
import { createRestAPIClient } from "masto";
import { Telegram } from "telegraf";
import http from "node:http";
import { TwitterApi, type ITwitterApiClientPlugin } from "twitter-api-v2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort, startHarness, type Harness } from "../../../test/loopback/harness.js";
import { networkDeliveryError, networkFailure, type NetworkFailure } from "./network-error.js";

let h: Harness;
let refused: string;
beforeAll(async () => {
  h = await startHarness();
  h.route("*", /^\/.*$/, () => ({ status: 200, body: { ok: true, result: {} } }));
  refused = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(() => h.close());

async function thrown(p: () => Promise<unknown>): Promise<unknown> {
  try {
    await p();
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

const telegram = (root: string) => new Telegram("123456:ABC-DEF", { apiRoot: `${root}/` });
const getMe = (root: string, signal?: AbortSignal) =>
  telegram(root).callApi("getMe", {}, signal ? { signal: signal as never } : {});
const masto = (url: string, timeout = 5_000) => createRestAPIClient({ url, accessToken: "token", timeout, log: "error" });
// twitter-api-v2 only talks HTTPS to X's hosts: a request plugin sends it to the loopback instead,
// as adapters/x/client.ts does.
const toLoopback = (origin: string): ITwitterApiClientPlugin => ({
  onBeforeRequest({ computedParams, requestOptions }) {
    const base = new URL(origin);
    computedParams.url.protocol = base.protocol;
    computedParams.url.host = base.host;
    requestOptions.agent = http.globalAgent;
  },
});
const tweet = (origin: string) =>
  new TwitterApi({ appKey: "a", appSecret: "b", accessToken: "c", accessSecret: "d" }, { plugins: [toLoopback(origin)] }).v2.me();

describe("networkFailure: the SDKs' errors", () => {
  it.each<[string, () => Promise<unknown>, Partial<NetworkFailure>]>([
    ["telegraf: nothing listening (FetchError, type system)", () => getMe(refused), { outcome: "not-sent", code: "ECONNREFUSED" }],
    ["telegraf: reset after the read", () => (h.inject({ kind: "destroy-before" }), getMe(h.url)), { outcome: "unknown-outcome", code: "ECONNRESET" }],
    ["telegraf: the signal fired after the request was written (node-fetch AbortError)", () => (h.inject({ kind: "hang-after" }), getMe(h.url, AbortSignal.timeout(100))), { outcome: "unknown-outcome", abort: "aborted" }],
    ["twitter-api-v2: nothing listening (ApiRequestError)", () => tweet(refused), { outcome: "not-sent", code: "ECONNREFUSED" }],
    ["twitter-api-v2: reset after the read", () => (h.inject({ kind: "destroy-before" }), tweet(h.url)), { outcome: "unknown-outcome", code: "ECONNRESET" }],
    ["masto: nothing listening (fetch failed)", () => masto(refused).v1.accounts.verifyCredentials(), { outcome: "not-sent", code: "ECONNREFUSED" }],
    ["masto: its own timeout (MastoTimeoutError)", () => (h.inject({ kind: "hang-after" }), masto(h.url, 100).v1.accounts.verifyCredentials()), { outcome: "unknown-outcome", abort: "timeout" }],
    ["@atproto/api: nothing listening (XRPCError status 1)", () => new AtpAgent({ service: refused }).com.atproto.server.describeServer(), { outcome: "not-sent", code: "ECONNREFUSED" }],
    ["@atproto/api: reset after the read", () => (h.inject({ kind: "destroy-before" }), new AtpAgent({ service: h.url }).com.atproto.server.describeServer()), { outcome: "unknown-outcome", code: "ECONNRESET" }],
  ])("%s", async (_name, fail, expected) => {
    const err = await thrown(fail);
    expect(networkFailure(err)).toMatchObject(expected);
  });

  it("telegraf's FetchError quotes the URL: the adapter's redact keeps the token out of the detail", async () => {
    const err = await thrown(() => getMe(refused));
    const e = networkDeliveryError(err, { platform: "the Telegram Bot API", redact: (s) => s.replace(/\/bot[^/]+/g, "/bot[REDACTED]") });
    expect(e).toMatchObject({ kind: "transient", message: "cannot reach the Telegram Bot API (ECONNREFUSED); nothing was posted" });
    expect(e?.detail).not.toContain("ABC-DEF");
  });

  it("an SDK's answer that is an HTTP error is no network failure (telegraf's TelegramError, a 401)", async () => {
    const unauthorized = await startHarness();
    try {
      unauthorized.route("*", /^\/.*$/, () => ({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } }));
      const err = await thrown(() => getMe(unauthorized.url));
      expect(networkFailure(err)).toBeUndefined();
    } finally {
      await unauthorized.close();
    }
  });
});
