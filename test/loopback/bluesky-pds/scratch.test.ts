import { it } from "vitest";
import { writeFileSync } from "node:fs";
import { startBlueskyPds } from "./server.js";
const DROP = new Set(["connection", "keep-alive", "content-length", "etag", "x-powered-by", "access-control-allow-origin", "vary"]);
async function raw(url: string, nsid: string, body: unknown, token?: string, method = "POST") {
  const res = await fetch(`${url}/xrpc/${nsid}`, { method, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: method === "POST" ? JSON.stringify(body) : undefined });
  const headers = Object.fromEntries([...res.headers].filter(([k]) => !DROP.has(k)));
  return { status: res.status, headers, body: await res.json() };
}
function save(name: string, request: string, source: string, r: { status: number; headers: Record<string, string>; body: unknown }) {
  writeFileSync(`adapters/bluesky/fixtures/${name}.json`, JSON.stringify({ request, source, ...r }, null, 2) + "\n");
  console.log(name, r.status, JSON.stringify(r.body));
}
const SRC = "Recorded from @atproto/pds 0.4.217 (the PDS Bluesky runs) via test/loopback/bluesky-pds";
it("record", async () => {
  const t = Date.now();
  const pds = await startBlueskyPds();
  console.log("start ms", Date.now() - t);
  const s = await raw(pds.url, "com.atproto.server.createSession", { identifier: pds.handle, password: pds.password });
  const token = (s.body as any).accessJwt;
  const rec = (rkey?: string, text = "hello", extra = {}) => ({ repo: pds.did, collection: "app.bsky.feed.post", ...(rkey ? { rkey } : {}), record: { $type: "app.bsky.feed.post", text, createdAt: "2026-11-26T17:40:00.000Z", ...extra } });
  await raw(pds.url, "com.atproto.repo.createRecord", rec("3mabcdefghij2"), token);
  save("500-record-exists", "POST /xrpc/com.atproto.repo.createRecord (rkey already taken)", `${SRC}: createRecord twice with rkey 3mabcdefghij2. The PDS throws a plain Error ("There is already a value at key: app.bsky.feed.post/3mabcdefghij2", @atproto/repo mst.ts add()) which xrpc-server turns into a generic 500.`, await raw(pds.url, "com.atproto.repo.createRecord", rec("3mabcdefghij2"), token));
  save("400-text-too-long", "POST /xrpc/com.atproto.repo.createRecord", `${SRC}: text of 301 graphemes (lexicon app.bsky.feed.post text maxGraphemes 300).`, await raw(pds.url, "com.atproto.repo.createRecord", rec(undefined, "x".repeat(301)), token));
  save("400-too-many-langs", "POST /xrpc/com.atproto.repo.createRecord", `${SRC}: four langs (lexicon app.bsky.feed.post langs maxLength 3).`, await raw(pds.url, "com.atproto.repo.createRecord", rec(undefined, "hi", { langs: ["en", "de", "fr", "ru"] }), token));
  save("400-invalid-rkey", "POST /xrpc/com.atproto.repo.createRecord", `${SRC}: rkey "not-a-tid" (app.bsky.feed.post has key: tid).`, await raw(pds.url, "com.atproto.repo.createRecord", rec("not-a-tid"), token));
  save("401-invalid-password", "POST /xrpc/com.atproto.server.createSession", `${SRC}: createSession with a wrong app password.`, await raw(pds.url, "com.atproto.server.createSession", { identifier: pds.handle, password: "aaaa-bbbb-cccc-dddd" }));
  save("400-expired-token", "POST /xrpc/com.atproto.repo.createRecord", `${SRC}: an access token whose exp is an hour past (auth-verifier.ts verifyBearerJwt: jose JWTExpired).`, await raw(pds.url, "com.atproto.repo.createRecord", rec(), pds.expiredAccessJwt()));
  save("400-invalid-token", "POST /xrpc/com.atproto.repo.createRecord", `${SRC}: a bearer token that is not a JWT of this PDS.`, await raw(pds.url, "com.atproto.repo.createRecord", rec(), "not-a-jwt"));
  save("401-auth-missing", "POST /xrpc/com.atproto.repo.createRecord", `${SRC}: no authorization header.`, await raw(pds.url, "com.atproto.repo.createRecord", rec()));
  const nf = await fetch(`${pds.url}/xrpc/com.atproto.repo.getRecord?repo=${pds.did}&collection=app.bsky.feed.post&rkey=3mzzzzzzzzzz2`);
  console.log("getRecord missing", nf.status, await nf.text());
  const del = await raw(pds.url, "com.atproto.repo.deleteRecord", { repo: pds.did, collection: "app.bsky.feed.post", rkey: "3mzzzzzzzzzz2" }, token);
  console.log("delete missing", del.status, JSON.stringify(del.body));
  const put = await raw(pds.url, "com.atproto.repo.putRecord", { ...rec("3mabcdefghij2"), swapRecord: null }, token);
  console.log("putRecord swapRecord null on existing", put.status, JSON.stringify(put.body));
  await pds.close();
  const limited = await startBlueskyPds({ rateLimits: true });
  let last;
  for (let i = 0; i < 40; i++) {
    last = await raw(limited.url, "com.atproto.server.createSession", { identifier: limited.handle, password: limited.password });
    if (last.status === 429) { console.log("429 after", i + 1); break; }
  }
  save("429-create-session", "POST /xrpc/com.atproto.server.createSession", `${SRC} with rateLimitsEnabled: the 31st createSession within 5 minutes (createSession.ts: 30 per 5 minutes, 300 per day, per handle). ratelimit-reset is epoch seconds.`, last!);
  await limited.close();
});
