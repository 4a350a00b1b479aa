import { expect } from "vitest";
import { describeAdapterContract } from "../../test/contract/adapter-contract.js";
import { DEFAULT_PAGE, DEFAULT_PAGE_TOKEN, startFacebookGraphApi } from "../../test/loopback/facebook-graph-api/server.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { facebookAdapter, type FacebookPayload } from "./index.js";

const pageId = DEFAULT_PAGE.id;
const token = DEFAULT_PAGE_TOKEN.token;

describeAdapterContract({
  adapter: facebookAdapter,
  validConfig: { pageId, pageAccessToken: "${FACEBOOK_PAGE_TOKEN}", apiVersion: "v26.0", postAs: "link", appId: "1234567890123", appSecret: "${FACEBOOK_APP_SECRET}" },
  invalidConfigs: [
    { config: { pageAccessToken: token }, path: "pageId" },
    { config: { pageId: 104523452345234, pageAccessToken: token }, path: "pageId" },
    { config: { pageId: "riverside-courier", pageAccessToken: token }, path: "pageId" },
    { config: { pageId }, path: "pageAccessToken" },
    { config: { pageId, pageAccessToken: "EAA with spaces in it, not a token" }, path: "pageAccessToken" },
    { config: { pageId, pageAccessToken: token, apiVersion: "26.0" }, path: "apiVersion" },
    { config: { pageId, pageAccessToken: token, apiBase: "ftp://graph.facebook.com" }, path: "apiBase" },
    { config: { pageId, pageAccessToken: token, postAs: "video" }, path: "postAs" },
    { config: { pageId, pageAccessToken: token, appId: "1234567890123" }, path: "appSecret" },
    { config: { pageId, pageAccessToken: token, appSecret: "an-app-secret-0123456789abcdef" }, path: "appId" },
  ],
  errorCases: [
    { name: "190 invalid token", error: () => errorFor(loadFixture("400-190-invalid-token")), kind: "auth" },
    { name: "200 missing permission", error: () => errorFor(loadFixture("400-200-permission")), kind: "destination-broken" },
    { name: "100/33 no such Page", error: () => errorFor(loadFixture("400-100-33-unsupported-post")), kind: "destination-broken" },
    { name: "100 invalid parameter", error: () => errorFor(loadFixture("400-100-invalid-parameter")), kind: "rejected" },
    { name: "506 duplicate", error: () => errorFor(loadFixture("400-506-duplicate")), kind: "duplicate" },
    { name: "80001 with X-Business-Use-Case-Usage", error: () => errorFor(loadFixture("400-80001-page-throttled")), kind: "rate-limited", waitMs: 19 * 60_000 },
    { name: "368 policy block", error: () => errorFor(loadFixture("400-368-blocked")), kind: "rate-limited", waitMs: 24 * 3_600_000 },
    { name: "2 is_transient on a POST", error: () => errorFor(loadFixture("500-2-service-transient")), kind: "unknown-outcome" },
    { name: "a proxy's 502 page", error: () => errorFor(loadFixture("502-proxy-html")), kind: "unknown-outcome" },
  ],
  linksOf: (rendered) => {
    const p = rendered.payload as FacebookPayload;
    return [p.feed.link ?? "", p.photo?.caption ?? ""];
  },
  async startLoopback() {
    const lb = await startFacebookGraphApi();
    return {
      cfg: { pageId, pageAccessToken: token, apiBase: lb.url },
      badCredentialsCfg: { pageId, pageAccessToken: "EAAnotTheTokenOfThisPage0123456789", apiBase: lb.url },
      verify(rendered, sent) {
        const { feed } = rendered.payload as FacebookPayload;
        expect(lb.posts).toHaveLength(1);
        expect(lb.posts[0]).toMatchObject({ id: sent.remoteId, pageId, message: feed.message, link: feed.link, published: true, version: "v26.0" });
        const req = lb.requests.find((r) => r.method === "POST");
        expect(req?.path).toBe(`/v26.0/${pageId}/feed`);
        expect(req?.form).toEqual({ message: feed.message, link: feed.link, access_token: token });
        expect(req?.search).toBe("");
        expect(sent.remoteUrl).toBe(`https://www.facebook.com/${sent.remoteId}`);
      },
      close: () => lb.close(),
    };
  },
});
