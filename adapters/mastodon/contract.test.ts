import { expect } from "vitest";
import { describeAdapterContract } from "../../test/contract/adapter-contract.js";
import { statusLength } from "../../test/loopback/mastodon-api/length.js";
import { DEFAULT_ACCOUNT, startMastodonLoopback } from "../../test/loopback/mastodon-api/server.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { mastodonAdapter, type MastodonPayload } from "./index.js";

const TOKEN = DEFAULT_ACCOUNT.token;

describeAdapterContract({
  adapter: mastodonAdapter,
  validConfig: { instance: "https://mastodon.social", accessToken: "${MASTODON_TOKEN}", visibility: "unlisted", language: "en" },
  invalidConfigs: [
    { config: { accessToken: "t" }, path: "instance" },
    { config: { instance: "https://mastodon.social/web", accessToken: "t" }, path: "instance" },
    { config: { instance: "https://mastodon.social" }, path: "accessToken" },
    { config: { instance: "https://mastodon.social", accessToken: "t", visibility: "followers" }, path: "visibility" },
    { config: { instance: "https://mastodon.social", accessToken: "t", language: "English" }, path: "language" },
  ],
  errorCases: [
    { name: "401 invalid token", error: () => errorFor(loadFixture("401-invalid-token")), kind: "auth" },
    { name: "403 outside the authorized scopes", error: () => errorFor(loadFixture("403-outside-scopes")), kind: "auth" },
    { name: "404 not a Mastodon API", error: () => errorFor(loadFixture("404-not-mastodon-html")), kind: "destination-broken" },
    { name: "422 text too long", error: () => errorFor(loadFixture("422-too-long")), kind: "rejected" },
    { name: "429 too many requests", error: () => errorFor(loadFixture("429-too-many-requests")), kind: "rate-limited", waitMs: 260_000 },
    { name: "502 bad gateway (HTML)", error: () => errorFor(loadFixture("502-bad-gateway")), kind: "unknown-outcome" },
    { name: "503 temporary problem", error: () => errorFor(loadFixture("503-temporary-problem")), kind: "unknown-outcome" },
  ],
  async startLoopback() {
    const lb = await startMastodonLoopback({ maxCharacters: 500 });
    return {
      cfg: { instance: lb.url, accessToken: TOKEN, visibility: "unlisted", language: "en" },
      badCredentialsCfg: { instance: lb.url, accessToken: "wrong-token-value" },
      verify(rendered, sent) {
        const payload = rendered.payload as MastodonPayload;
        expect(lb.statuses).toHaveLength(1);
        expect(lb.statuses[0]).toMatchObject({ id: sent.remoteId, accountId: DEFAULT_ACCOUNT.id, text: payload.status, visibility: "unlisted", language: "en" });
        expect(statusLength(payload.status, "")).toBe(rendered.length);
        const req = lb.requests.find((r) => r.method === "POST" && r.path === "/api/v1/statuses");
        expect(req?.json).toEqual({ status: payload.status, visibility: "unlisted", language: "en" });
        expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
        expect(req?.headers["idempotency-key"]).toBe("crier-1");
        expect(sent.remoteUrl).toBe(`${lb.url}/@crier/${sent.remoteId}`);
      },
      close: () => lb.close(),
    };
  },
});
