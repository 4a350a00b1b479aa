import { expect } from "vitest";
import { describeAdapterContract } from "../../test/contract/adapter-contract.js";
import { startBlueskyPds } from "../../test/loopback/bluesky-pds/server.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { blueskyAdapter, type BlueskyPayload } from "./index.js";
import { displayLink } from "./render.js";

const valid = { handle: "news.bsky.social", appPassword: "abcd-efgh-ijkl-mnop" };

describeAdapterContract({
  adapter: blueskyAdapter,
  validConfig: { ...valid, languages: ["en"] },
  invalidConfigs: [
    { config: { appPassword: "abcd-efgh-ijkl-mnop" }, path: "handle" },
    { config: { handle: "news.bsky.social" }, path: "appPassword" },
    { config: { ...valid, service: "ftp://bsky.social" }, path: "service" },
    { config: { ...valid, languages: ["en", "de", "fr", "ru"] }, path: "languages" },
  ],
  errorCases: [
    { name: "500 on a taken record key", error: () => errorFor(loadFixture("500-record-exists")), kind: "unknown-outcome" },
    { name: "400 text too long", error: () => errorFor(loadFixture("400-text-too-long")), kind: "rejected" },
    { name: "401 invalid password", error: () => errorFor(loadFixture("401-invalid-password")), kind: "auth" },
    {
      name: "429 createSession", error: () => errorFor(loadFixture("429-create-session")), kind: "rate-limited",
      waitMs: 1_795_744_457_000 - Date.parse("Fri, 27 Nov 2026 01:49:28 GMT"),
    },
  ],
  // The link shows shortened in the text; it is whole in the link facet and the card.
  linksOf: (rendered) => {
    const { record } = rendered.payload as BlueskyPayload;
    const facetLinks = (record.facets ?? []).flatMap((f) => f.features.flatMap((x) => ("uri" in x ? [x.uri] : [])));
    return [...facetLinks, record.embed?.external.uri ?? ""];
  },
  async startLoopback() {
    const pds = await startBlueskyPds();
    return {
      cfg: { service: pds.url, handle: pds.handle, appPassword: pds.password, languages: ["en"] },
      badCredentialsCfg: { service: pds.url, handle: pds.handle, appPassword: "wrong-password-value" },
      async verify(rendered, sent, item) {
        const { record } = rendered.payload as BlueskyPayload;
        const rkey = sent.remoteId.split("/").pop() ?? "";
        expect(sent.remoteId).toBe(`at://${pds.did}/app.bsky.feed.post/${rkey}`);
        expect(sent.remoteUrl).toBe(`https://bsky.app/profile/${pds.handle}/post/${rkey}`);
        // Read back with com.atproto.repo.getRecord, as any client would.
        const { data } = await pds.agent.com.atproto.repo.getRecord({ repo: pds.did, collection: "app.bsky.feed.post", rkey });
        const stored = data.value as Record<string, unknown> & typeof record;
        expect(stored.text).toBe(record.text);
        expect(stored.facets).toEqual(record.facets);
        expect(stored.embed).toEqual({ $type: "app.bsky.embed.external", external: { uri: item.link, title: record.embed?.external.title, description: record.embed?.external.description } });
        expect(stored.langs).toEqual(["en"]);
        // The link facet's byte offsets point at the link's text.
        const bytes = Buffer.from(stored.text, "utf8");
        const link = stored.facets?.find((f) => f.features.some((x) => "uri" in x && x.uri === item.link));
        expect(link && bytes.subarray(link.index.byteStart, link.index.byteEnd).toString("utf8")).toBe(displayLink(item.link ?? ""));
        expect(stored.text).toContain("AT&T <b>bold</b>"); // plain text: nothing escaped
      },
      close: () => pds.close(),
    };
  },
});
