import { it } from "vitest";
import { startBlueskyPds } from "./server.js";
it("why500", async () => {
  const pds = await startBlueskyPds();
  const r = { repo: pds.did, collection: "app.bsky.feed.post", rkey: "3mabcdefghij2", record: { $type: "app.bsky.feed.post", text: "x", createdAt: "2026-11-26T17:40:00.000Z" } };
  await pds.agent.com.atproto.repo.createRecord(r);
  await pds.agent.com.atproto.repo.createRecord(r).catch(() => {});
  await pds.close();
});
