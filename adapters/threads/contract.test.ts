import { expect } from "vitest";
import { describeAdapterContract } from "../../test/contract/adapter-contract.js";
import { threadsCharacters, uniqueLinks } from "../../test/loopback/threads-api/text-rules.js";
import { DEFAULT_USER, startThreadsLoopback } from "../../test/loopback/threads-api/server.js";
import { errorFor } from "./fixtures/replay.js";
import { threadsAdapter, type ThreadsPayload } from "./index.js";

describeAdapterContract({
  adapter: threadsAdapter,
  validConfig: { accessToken: "${THREADS_TOKEN}", userId: "me", postAs: "auto" },
  invalidConfigs: [
    { config: { userId: "me" }, path: "accessToken" },
    { config: { accessToken: "short" }, path: "accessToken" },
    { config: { accessToken: "${THREADS_TOKEN}", userId: "@crier" }, path: "userId" },
    { config: { accessToken: "${THREADS_TOKEN}", postAs: "video" }, path: "postAs" },
    { config: { accessToken: "${THREADS_TOKEN}", apiVersion: "1.0" }, path: "apiVersion" },
  ],
  errorCases: [
    { name: "190 access token", error: () => errorFor("400-190-access-token"), kind: "auth" },
    { name: "10 permission", error: () => errorFor("400-10-permission"), kind: "destination-broken" },
    { name: "4 app rate limit", error: () => errorFor("400-4-app-rate-limit"), kind: "rate-limited", waitMs: 3_600_000 },
    { name: "link limit", error: () => errorFor("400-link-limit"), kind: "rejected" },
    { name: "text too long", error: () => errorFor("400-100-text-too-long"), kind: "rejected" },
    { name: "a proxy's 502 while publishing", error: () => errorFor("502-bad-gateway"), kind: "unknown-outcome" },
  ],
  linksOf: (r) => [(r.payload as ThreadsPayload).text, (r.payload as ThreadsPayload).link ?? ""],
  async startLoopback() {
    const lb = await startThreadsLoopback();
    return {
      cfg: { accessToken: DEFAULT_USER.token, apiBase: lb.url },
      badCredentialsCfg: { accessToken: "THrefusedRefusedRefused00001", apiBase: lb.url },
      verify(rendered, sent) {
        const payload = rendered.payload as ThreadsPayload;
        expect(lb.posts).toMatchObject([{ id: sent.remoteId, text: payload.text, linkAttachment: payload.link, mediaType: "TEXT_POST" }]);
        expect(threadsCharacters(payload.text)).toBe(rendered.length);
        expect(uniqueLinks(payload.text, payload.link ?? undefined).size).toBeLessThanOrEqual(5);
        expect(sent.remoteUrl).toBe(lb.posts[0]?.permalink);
      },
      close: () => lb.close(),
    };
  },
});
