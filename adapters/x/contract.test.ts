import { expect } from "vitest";
import { describeAdapterContract } from "../../test/contract/adapter-contract.js";
import { startXLoopback } from "../../test/loopback/x-api/server.js";
import { ALICE, CONSUMER } from "../../test/loopback/x-api/testing.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { xAdapter } from "./index.js";

const creds = { appKey: CONSUMER.key, appSecret: CONSUMER.secret, accessToken: ALICE.accessToken, accessSecret: ALICE.accessSecret };

describeAdapterContract({
  adapter: xAdapter,
  validConfig: { ...creds, username: "alice" },
  invalidConfigs: [
    { config: { appSecret: "s", accessToken: "t", accessSecret: "u" }, path: "appKey" },
    { config: { ...creds, apiBase: "ftp://api.x.com" }, path: "apiBase" },
    { config: { ...creds, username: "not a handle!" }, path: "username" },
  ],
  errorCases: [
    { name: "403 duplicate content", error: () => errorFor(loadFixture("403-duplicate")), kind: "duplicate" },
    { name: "401 unauthorized", error: () => errorFor(loadFixture("401-unauthorized")), kind: "auth" },
    { name: "400 text too long", error: () => errorFor(loadFixture("400-text-too-long")), kind: "rejected" },
    { name: "429 window", error: () => errorFor(loadFixture("429-window")), kind: "rate-limited", waitMs: 7 * 60_000 },
    { name: "503", error: () => errorFor(loadFixture("503-service-unavailable")), kind: "unknown-outcome" },
  ],
  async startLoopback() {
    const lb = await startXLoopback({ consumer: CONSUMER, users: [ALICE] });
    return {
      cfg: { ...creds, apiBase: lb.url, username: "alice" },
      badCredentialsCfg: { ...creds, accessSecret: "wrong-secret-value", apiBase: lb.url },
      verify(rendered, sent) {
        expect(lb.tweets).toHaveLength(1);
        const tweet = lb.tweets[0];
        expect(tweet).toMatchObject({ id: sent.remoteId, userId: ALICE.id, text: (rendered.payload as { text: string }).text });
        const req = lb.requests.find((r) => r.path === "/2/tweets");
        expect(req?.method).toBe("POST");
        expect(req?.json).toEqual({ text: tweet?.text });
        expect(String(req?.headers.authorization)).toMatch(/^OAuth .*oauth_signature_method="HMAC-SHA1"/);
        expect(sent.remoteUrl).toBe(`https://x.com/alice/status/${sent.remoteId}`);
      },
      close: () => lb.close(),
    };
  },
});
