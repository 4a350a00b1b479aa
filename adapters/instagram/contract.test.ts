// The shared contract, full strength. Two things the core does for Instagram are done here the
// same way: it gives render the article's image (`style.image`; the contract's items carry none,
// and Instagram refuses to render without one), and the image is served where Instagram can pull
// it (the loopback image host). The link line is configured with {link}, so that the contract's
// "link intact" checks the URL itself (the default "Link in bio" is tested in render.test.ts).
import { describe, expect, it } from "vitest";
import type { AnyAdapter } from "../../src/core/index.js";
import { describeAdapterContract } from "../../test/contract/adapter-contract.js";
import { makeImage, startImageHost } from "../../test/loopback/instagram-graph-api/image-host.js";
import { TOKEN, startInstagramLoopback } from "../../test/loopback/instagram-graph-api/server.js";
import { captionLength } from "../../test/loopback/instagram-graph-api/caption.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { CONTAINER_LIFETIME_MS, instagramAdapter } from "./index.js";
import type { InstagramPayload } from "./render.js";

let imageUrl = "https://news.example.org/images/lead.jpg";
const withImage: AnyAdapter = {
  ...instagramAdapter,
  render: (item, cfg, limits, style) => instagramAdapter.render(item, cfg, limits, { ...style, image: style.image ?? { url: imageUrl, alt: `Photo: ${item.title}` } }),
};
const valid = { userId: "17841400000000001", accessToken: "${INSTAGRAM_TOKEN}", linkLine: "Read more: {link}" };

describeAdapterContract({
  adapter: withImage,
  validConfig: valid,
  invalidConfigs: [
    { config: { accessToken: TOKEN }, path: "userId" },
    { config: { ...valid, userId: "riverside_courier" }, path: "userId" },
    { config: { userId: valid.userId }, path: "accessToken" },
    { config: { ...valid, linkLine: "Read {title}: {link}" }, path: "linkLine" },
    { config: { ...valid, apiVersion: "27" }, path: "apiVersion" },
    { config: { ...valid, refreshDaysBeforeExpiry: 60 }, path: "refreshDaysBeforeExpiry" },
  ],
  errorCases: [
    { name: "190/463 token expired", error: () => errorFor(loadFixture("400-190-463-token-expired")), kind: "auth" },
    { name: "80002 Instagram BUC throttle", error: () => errorFor(loadFixture("400-80002-throttled")), kind: "rate-limited", waitMs: 17 * 60_000 },
    { name: "9/2207042 publishing quota", error: () => errorFor(loadFixture("400-9-2207042-quota")), kind: "rate-limited", waitMs: 86_400_000 },
    { name: "36003/2207009 aspect ratio", error: () => errorFor(loadFixture("400-36003-2207009-aspect-ratio")), kind: "rejected" },
    { name: "9007/2207027 not ready", error: () => errorFor(loadFixture("400-9007-2207027-not-ready")), kind: "processing", waitMs: 60_000 },
    { name: "a proxy's 502 on publish", error: () => errorFor(loadFixture("502-proxy-html")), kind: "unknown-outcome" },
  ],
  async startLoopback() {
    const lb = await startInstagramLoopback();
    const images = await startImageHost();
    imageUrl = images.put("lead.jpg", await makeImage(1200, 900));
    return {
      cfg: { ...valid, accessToken: TOKEN, apiBase: lb.url },
      badCredentialsCfg: { ...valid, accessToken: "IGAAnot-the-token-of-this-account-0123", apiBase: lb.url },
      verify(rendered, sent) {
        const payload = rendered.payload as InstagramPayload;
        expect(lb.media).toHaveLength(1);
        expect(lb.media[0]).toMatchObject({ id: sent.remoteId, caption: payload.caption, altText: payload.image.alt, permalink: sent.remoteUrl });
        expect(captionLength(payload.caption)).toBeLessThanOrEqual(rendered.length);
        const create = lb.requests.find((r) => r.method === "POST" && r.route === "/:version/:id/media");
        expect(create?.json).toEqual({ image_url: imageUrl, caption: payload.caption, alt_text: payload.image.alt });
        expect(create?.path).toBe(`/v27.0/${lb.account.userId}/media`);
        expect(images.harness.requests.map((r) => r.path)).toEqual(["/images/lead.jpg"]);
      },
      close: async () => {
        await lb.close();
        await images.close();
      },
    };
  },
});

describe("what the adapter declares to the core", () => {
  it("pulled JPEG images within Instagram's feed rules, cropped; no idempotency key, but a send resumes from its checkpointed container; no delete; secrets from the schema", () => {
    expect(instagramAdapter.imageLimits).toEqual({ maxBytes: 8_000_000, maxWidth: 1440, minWidth: 320, maxHeight: 1800, formats: ["jpeg"], aspectRatio: { min: 0.8, max: 1.91 }, fit: "crop", delivery: "pull" });
    expect(instagramAdapter.capabilities).toEqual({ idempotentSend: false, images: true, delete: false });
    expect([`ig1 17900 ${CONTAINER_LIFETIME_MS}`, "ig1 17900 5 17901", "", "garbage", "ig1 x 5"].map((c) => instagramAdapter.resumesFrom?.(c))).toEqual([true, true, false, false, false]);
    expect(instagramAdapter.secrets).toEqual(["accessToken"]);
    expect(instagramAdapter.rateLimits).toEqual([]);
  });
});
