// The shared contract kit (test/contract/adapter-contract.ts): config refusals, the tricky-item
// corpus within the limit, recorded errors classified, secrets out of the logs, a real send.
// COPYING: change the configs, the error cases (one per fixture) and verify().
import { expect } from "vitest";
import { describeAdapterContract } from "../../test/contract/adapter-contract.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { exampleAdapter } from "./index.js";
import { startExampleLoopback } from "./loopback.js";
import { measureExample, type ExamplePayload } from "./render.js";

const TOKEN = "ex-token-0123456789abcdef";

describeAdapterContract({
  adapter: exampleAdapter,
  validConfig: { token: "${EXAMPLE_TOKEN}", channel: "news" },
  invalidConfigs: [
    { config: { channel: "news" }, path: "token" },
    { config: { token: "has spaces in it", channel: "news" }, path: "token" },
    { config: { token: TOKEN, channel: "News Desk" }, path: "channel" },
    { config: { token: TOKEN, channel: "news", apiBase: "ftp://api.example.com" }, path: "apiBase" },
  ],
  errorCases: [
    { name: "409 duplicate_post", error: () => errorFor(loadFixture("409-duplicate-post")), kind: "duplicate" },
    { name: "429 with Retry-After", error: () => errorFor(loadFixture("429-too-many-requests")), kind: "rate-limited", waitMs: 42_000 },
  ],
  async startLoopback() {
    const lb = await startExampleLoopback({ accounts: [{ token: TOKEN, handle: "crier" }], channels: ["news"] });
    return {
      cfg: { token: TOKEN, channel: "news", apiBase: lb.url },
      badCredentialsCfg: { token: "ex-wrong-token-fedcba9876543210", channel: "news", apiBase: lb.url },
      verify(rendered, sent) {
        const payload = rendered.payload as ExamplePayload;
        expect(lb.posts).toEqual([{ id: sent.remoteId, channel: "news", text: payload.text, handle: "crier" }]);
        expect(Array.from(payload.text).length).toBe(measureExample(payload.text)); // the server's count
        const req = lb.requests.find((r) => r.path === "/v1/posts");
        expect(req?.method).toBe("POST");
        expect(req?.json).toEqual({ channel: "news", text: payload.text });
        expect(req?.headers["content-type"]).toBe("application/json");
        expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
        expect(sent.remoteUrl).toBe(`https://example.com/news/posts/${sent.remoteId}`);
      },
      close: () => lb.close(),
    };
  },
});
