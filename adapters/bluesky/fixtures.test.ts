// The recorded fixtures are still what the installed @atproto/pds answers: each response is provoked
// again on the loopback PDS and compared (status and body). The 429 fixture is left out: provoking
// it takes 31 logins with rate limits on (see its "source").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBlueskyPds, type BlueskyPds } from "../../test/loopback/bluesky-pds/server.js";
import { loadFixture } from "./fixtures/replay.js";

let pds: BlueskyPds;
let token = "";
beforeAll(async () => {
  pds = await startBlueskyPds();
  token = (await call("com.atproto.server.createSession", { identifier: pds.handle, password: pds.password })).body.accessJwt as string;
});
afterAll(async () => pds?.close());

async function call(nsid: string, body: unknown, bearer?: string) {
  const res = await fetch(`${pds.url}/xrpc/${nsid}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const post = (over: { rkey?: string; text?: string; langs?: string[] } = {}) => ({
  repo: pds.did, collection: "app.bsky.feed.post", ...(over.rkey ? { rkey: over.rkey } : {}),
  record: { $type: "app.bsky.feed.post", text: over.text ?? "hello", createdAt: "2026-11-26T17:40:00.000Z", ...(over.langs ? { langs: over.langs } : {}) },
});

describe("recorded PDS responses", () => {
  it.each<[string, () => Promise<{ status: number; body: unknown }>]>([
    ["500-record-exists", async () => {
      await call("com.atproto.repo.createRecord", post({ rkey: "3mabcdefghij2" }), token);
      return call("com.atproto.repo.createRecord", post({ rkey: "3mabcdefghij2" }), token);
    }],
    ["400-text-too-long", () => call("com.atproto.repo.createRecord", post({ text: "x".repeat(301) }), token)],
    ["400-too-many-langs", () => call("com.atproto.repo.createRecord", post({ langs: ["en", "de", "fr", "ru"] }), token)],
    ["400-invalid-rkey", () => call("com.atproto.repo.createRecord", post({ rkey: "not-a-tid" }), token)],
    ["401-invalid-password", () => call("com.atproto.server.createSession", { identifier: pds.handle, password: "aaaa-bbbb-cccc-dddd" })],
    ["400-expired-token", () => call("com.atproto.repo.createRecord", post(), pds.expiredAccessJwt())],
    ["400-invalid-token", () => call("com.atproto.repo.createRecord", post(), "not-a-jwt")],
    ["401-auth-missing", () => call("com.atproto.repo.createRecord", post())],
  ])("%s", async (name, provoke) => {
    const fixture = loadFixture(name);
    expect(await provoke()).toEqual({ status: fixture.status, body: fixture.body });
  });
});
