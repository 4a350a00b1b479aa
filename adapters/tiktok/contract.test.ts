import { pino } from "pino";
import { expect } from "vitest";
import { describeAdapterContract } from "../../test/contract/adapter-contract.js";
import { closedPort } from "../../test/loopback/harness.js";
import { startTikTokLoopback } from "../../test/loopback/tiktok-api/server.js";
import { FALLBACK, VERIFIED, startPictures } from "./fixtures/loopback.js";
import { FIXTURE_CFG, errorFor, loadFixture, memorySession } from "./fixtures/replay.js";
import { tiktokConfig } from "./config.js";
import { tiktokAdapter } from "./index.js";
import { openTikTok } from "./open.js";
import type { TikTokPayload } from "./render.js";
import { DRAFT_NOTE, sendTikTok } from "./send.js";

const valid = { clientKey: "awloopbackclientkey", clientSecret: "${TIKTOK_CLIENT_SECRET}", refreshToken: "${TIKTOK_REFRESH_TOKEN}", verifiedDomain: VERIFIED, fallbackImageUrl: FALLBACK };

const refused = async () => {
  const cfg = tiktokConfig.parse({ ...FIXTURE_CFG, apiBase: `http://127.0.0.1:${await closedPort()}` });
  const client = openTikTok(cfg, { timeoutMs: 5_000, logger: pino({ level: "silent" }), baseDir: ".", session: memorySession() });
  const payload: TikTokPayload = { title: "t", description: "d", photo: { source: "fallback", url: FIXTURE_CFG.fallbackImageUrl } };
  return sendTikTok(client, payload, { deliveryId: 1, idempotencyKey: "k", queuedAt: 0, signal: AbortSignal.timeout(5_000) }).then(() => undefined, (e: unknown) => e).finally(() => client.http.close());
};

describeAdapterContract({
  adapter: tiktokAdapter,
  validConfig: valid,
  invalidConfigs: [
    { config: { ...valid, clientSecret: undefined }, path: "clientSecret" },
    { config: { ...valid, refreshToken: "has spaces in it" }, path: "refreshToken" },
    { config: { ...valid, verifiedDomain: "https://media.example.org/no-trailing-slash" }, path: "verifiedDomain" },
    { config: { ...valid, verifiedDomain: "https://203.0.113.7/tiktok/" }, path: "verifiedDomain" },
    { config: { ...valid, fallbackImageUrl: "https://elsewhere.example/card.jpg" }, path: "fallbackImageUrl" },
    { config: { ...valid, fallbackImageUrl: "http://media.example.org/card.jpg" }, path: "fallbackImageUrl" },
    { config: { ...valid, mode: "DIRECT_POST" }, path: "privacyLevel" },
    { config: { ...valid, privacyLevel: "SELF_ONLY" }, path: "privacyLevel" },
    { config: { ...valid, mode: "DIRECT_POST", privacyLevel: "EVERYONE" }, path: "privacyLevel" },
    { config: { ...valid, mode: "PUBLISH" }, path: "mode" },
  ],
  errorCases: [
    { name: "401 access_token_invalid at init", error: () => errorFor(loadFixture("init-401-access-token-invalid")), kind: "auth" },
    { name: "403 url_ownership_unverified", error: () => errorFor(loadFixture("init-403-url-ownership-unverified")), kind: "destination-broken" },
    { name: "403 unaudited client, public account", error: () => errorFor(loadFixture("init-403-unaudited-client-can-only-post-to-private-accounts")), kind: "destination-broken" },
    { name: "403 privacy_level_option_mismatch", error: () => errorFor(loadFixture("init-403-privacy-level-option-mismatch"), { mode: "DIRECT_POST" }), kind: "rejected" },
    { name: "403 5 pending drafts", error: () => errorFor(loadFixture("init-403-spam-risk-too-many-pending-share")), kind: "rate-limited", waitMs: 3_600_000 },
    { name: "429 rate_limit_exceeded", error: () => errorFor(loadFixture("init-429-rate-limit-exceeded")), kind: "rate-limited", waitMs: 60_000 },
    { name: "400 invalid_param", error: () => errorFor(loadFixture("init-400-invalid-param")), kind: "rejected" },
    { name: "500 internal_error (MEDIA_UPLOAD init)", error: () => errorFor(loadFixture("init-500-internal-error")), kind: "transient" },
    { name: "500 internal_error (DIRECT_POST init)", error: () => errorFor(loadFixture("init-500-internal-error"), { mode: "DIRECT_POST" }), kind: "unknown-outcome" },
    { name: "a proxy's 502 page at init", error: () => errorFor(loadFixture("init-502-gateway-html")), kind: "unknown-outcome" },
    { name: "FAILED picture_size_check_failed", error: () => errorFor(loadFixture("status-200-failed-picture-size-check-failed")), kind: "rejected" },
    { name: "invalid_grant (spent refresh token)", error: () => errorFor(loadFixture("token-200-invalid-grant")), kind: "auth" },
    { name: "connection refused", error: refused, kind: "transient" },
  ],
  linksOf: (rendered) => [(rendered.payload as TikTokPayload).description],
  async startLoopback() {
    const pictures = await startPictures();
    const lb = await startTikTokLoopback({ verified: [VERIFIED], hosts: { [VERIFIED]: pictures.url }, processingReads: 0 });
    const cfg = { ...valid, clientSecret: "loopback-client-secret-0123456789", refreshToken: lb.issueRefreshToken(), apiBase: lb.url };
    return {
      cfg,
      badCredentialsCfg: { ...cfg, clientSecret: "not-the-loopback-client-secret" },
      verify(rendered, sent) {
        const payload = rendered.payload as TikTokPayload;
        expect(lb.publishes).toHaveLength(1);
        expect(lb.publishes[0]?.body).toEqual({
          media_type: "PHOTO", post_mode: "MEDIA_UPLOAD",
          post_info: { title: payload.title, description: payload.description },
          source_info: { source: "PULL_FROM_URL", photo_images: [FALLBACK], photo_cover_index: 0 },
        });
        expect(sent).toEqual({ remoteId: lb.publishes[0]?.id, remoteUrl: null, note: DRAFT_NOTE });
        expect(pictures.hits).toEqual(["/crier/card.webp"]);
      },
      close: async () => (await lb.close(), await pictures.close()),
    };
  },
});
