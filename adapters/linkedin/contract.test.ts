import { expect } from "vitest";
import { describeAdapterContract } from "../../test/contract/adapter-contract.js";
import { parseLittle } from "../../test/loopback/linkedin-api/little.js";
import { DEFAULT_TOKEN, startLinkedInLoopback } from "../../test/loopback/linkedin-api/server.js";
import { PERSON } from "./fixtures/loopback.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { linkedinAdapter } from "./index.js";
import type { LinkedInPayload } from "./render.js";

describeAdapterContract({
  adapter: linkedinAdapter,
  validConfig: { accessToken: "${LINKEDIN_ACCESS_TOKEN}", author: PERSON, refreshToken: "${LINKEDIN_REFRESH_TOKEN}", clientId: "77crier", clientSecret: "${LINKEDIN_CLIENT_SECRET}" },
  invalidConfigs: [
    { config: { author: PERSON }, path: "accessToken" },
    { config: { accessToken: "AQV-x", author: "urn:li:company:1" }, path: "author" },
    { config: { accessToken: "AQV-x", author: "urn:li:organization:abc" }, path: "author" },
    { config: { accessToken: "AQV-x", author: PERSON, linkedinVersion: "2026-09" }, path: "linkedinVersion" },
    { config: { accessToken: "AQV-x", author: PERSON, linkedinVersion: "202613" }, path: "linkedinVersion" },
    { config: { accessToken: "AQV x", author: PERSON }, path: "accessToken" },
    { config: { accessToken: "AQV-x", author: PERSON, refreshToken: "AQX-y" }, path: "refreshToken" },
    { config: { accessToken: "AQV-x", author: PERSON, clientId: "77crier" }, path: "clientSecret" },
    { config: { accessToken: "AQV-x", author: PERSON, apiBase: "ftp://api.linkedin.com" }, path: "apiBase" },
  ],
  errorCases: [
    { name: "401 expired token", error: () => errorFor(loadFixture("401-expired-access-token")), kind: "auth" },
    { name: "401 revoked token", error: () => errorFor(loadFixture("401-revoked-access-token")), kind: "auth" },
    { name: "403 for a page without a role", error: () => errorFor(loadFixture("403-access-denied"), { author: "urn:li:organization:2414183" }), kind: "destination-broken" },
    { name: "426 retired version", error: () => errorFor(loadFixture("426-nonexistent-version")), kind: "destination-broken" },
    { name: "422 duplicate", error: () => errorFor(loadFixture("422-duplicate-post")), kind: "duplicate" },
    { name: "400 commentary too long", error: () => errorFor(loadFixture("400-commentary-too-long")), kind: "rejected" },
    { name: "429 daily limit", error: () => errorFor(loadFixture("429-throttled")), kind: "rate-limited", waitMs: 3 * 3_600_000 },
    { name: "500", error: () => errorFor(loadFixture("500-internal-server-error")), kind: "unknown-outcome" },
  ],
  linksOf: (rendered) => [(rendered.payload as LinkedInPayload).content?.article.source ?? ""],
  async startLoopback() {
    const lb = await startLinkedInLoopback();
    return {
      cfg: { accessToken: DEFAULT_TOKEN, author: PERSON, apiBase: lb.apiBase, oauthBase: lb.oauthBase },
      badCredentialsCfg: { accessToken: "AQVnot-a-token-of-this-server", author: PERSON, apiBase: lb.apiBase, oauthBase: lb.oauthBase },
      verify(rendered, sent) {
        const payload = rendered.payload as LinkedInPayload;
        const [post] = lb.posts();
        expect(lb.posts()).toHaveLength(1);
        expect(post).toMatchObject({ urn: sent.remoteId, author: PERSON, commentary: payload.commentary, visibility: "PUBLIC", version: "202609", article: payload.content?.article });
        // LinkedIn keeps the whole commentary: no reserved character was left unescaped.
        expect(post?.stored).toMatchObject({ text: parseLittle(payload.commentary).text, cutAt: null });
        expect(rendered.preview.startsWith(post?.stored.text ?? "-")).toBe(true);
        expect(sent.remoteUrl).toBe(`https://www.linkedin.com/feed/update/${sent.remoteId}/`);
      },
      close: () => lb.close(),
    };
  },
});
