// Access tokens renewed before they lapse, single-use refresh tokens kept, against the loopback's
// token endpoint (rotation as https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token states it, 2026-11-02).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ImageServer } from "../../test/support/image-server.js";
import { hits, INIT, rig, startPictures, STATUS, TOKEN, type Rig } from "./fixtures/loopback.js";
import { tiktokAdapter } from "./index.js";
import { sendTikTok } from "./send.js";
import { originOf, REFRESH_MARGIN_MS } from "./tokens.js";
import { openTikTok } from "./open.js";
import { pino } from "pino";
import type { CredentialStore, RefreshableCredential } from "../../src/core/index.js";

let pictures: ImageServer;
beforeAll(async () => void (pictures = await startPictures()));
afterAll(() => pictures.close());
let clock = Date.parse("2026-12-01T09:00:00Z");
const now = () => clock;
const open: Rig[] = [];
afterEach(async () => void (await Promise.all(open.splice(0).map((r) => r.close()))));
const start = async (opts: Parameters<typeof rig>[2] = {}) => {
  const r = await rig(pictures, now, { ...opts, server: { processingReads: 0, ...opts.server } });
  open.push(r);
  return r;
};
const stored = (r: Rig) => JSON.parse(r.session.data ?? "null") as { accessToken: string; refreshToken: string; expiresAt: number; refreshExpiresAt: number; origin: string };
const spend = (r: Rig, refreshToken: string) =>
  fetch(`${r.lb.url}/v2/oauth/token/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ client_key: r.cfg.clientKey, client_secret: r.cfg.clientSecret, grant_type: "refresh_token", refresh_token: refreshToken }) }).then((res) => res.json() as Promise<{ error?: string }>);
const outcome = (p: Promise<unknown>) => p.then(() => "sent", (err: unknown) => tiktokAdapter.classify(err).kind);

describe("a token that lapses during a run", () => {
  it("is refreshed before it lapses (expires_in read from the answer); the post goes out once; the old refresh token is refused after", async () => {
    const r = await start({ server: { accessTtlSec: 600 } });
    await sendTikTok(r.client, r.payload(), r.ctx({ checkpoint: null }));
    const first = stored(r);
    expect([first.expiresAt, first.refreshExpiresAt, first.origin]).toEqual([clock + 600_000, clock + 180 * 86_400_000, originOf(r.cfg.refreshToken)]);
    clock += 600_000 - REFRESH_MARGIN_MS + 1_000; // inside the margin: renewed before the init, never refused
    const sent = await sendTikTok(r.client, r.payload(), r.ctx({ checkpoint: null }));
    expect(hits(r.lb, TOKEN)).toHaveLength(2);
    expect(r.lb.h.requests.filter((q) => q.status === 401)).toHaveLength(0);
    expect(r.lb.publishes.map((p) => p.id)).toEqual([r.lb.publishes[0]?.id, sent.remoteId]);
    expect(await spend(r, r.cfg.refreshToken)).toMatchObject({ error: "invalid_grant" });
    expect(await spend(r, first.refreshToken)).toMatchObject({ error: "invalid_grant" });
    expect(stored(r).refreshToken).not.toBe(first.refreshToken);
  });

  it("lapsed early on TikTok's side: access_token_invalid, one refresh, the same call again — one init, one post", async () => {
    const r = await start();
    await sendTikTok(r.client, r.payload(), r.ctx({ checkpoint: null }));
    r.lb.expireAccessTokens();
    const sent = await sendTikTok(r.client, r.payload(), r.ctx({ checkpoint: null }));
    expect(hits(r.lb, INIT).map((q) => q.status)).toEqual([200, 401, 200]);
    expect(r.lb.publishes).toHaveLength(2);
    expect(sent.remoteId).toBe(r.lb.publishes[1]?.id);
  });

  it("lapsed between the init and the status read: the resumed send refreshes and reads the same publish", async () => {
    const r = await start({ server: { processingReads: 1 } });
    expect(await outcome(sendTikTok(r.client, r.payload(), r.ctx()))).toBe("processing");
    r.lb.expireAccessTokens();
    const sent = await sendTikTok(r.client, r.payload(), r.ctx());
    expect([hits(r.lb, INIT).length, hits(r.lb, TOKEN).length, hits(r.lb, STATUS).map((q) => q.status)]).toEqual([1, 2, [200, 401, 200]]);
    expect(sent.remoteId).toBe(r.lb.publishes[0]?.id);
  });
});

describe("single-use refresh tokens", () => {
  it("two sends at once spend the refresh token once", async () => {
    const r = await start();
    await Promise.all([sendTikTok(r.client, r.payload(), r.ctx({ checkpoint: null })), sendTikTok(r.client, r.payload(), r.ctx({ checkpoint: null }))]);
    expect(hits(r.lb, TOKEN)).toHaveLength(1);
    expect(r.lb.publishes).toHaveLength(2);
  });

  it("a send timeout during the refresh does not lose the rotated refresh token", async () => {
    const r = await start();
    r.lb.h.inject({ kind: "delay", ms: 300 }, { match: (q) => q.route === TOKEN });
    const result = await outcome(sendTikTok(r.client, r.payload(), r.ctx({ checkpoint: null, signal: AbortSignal.timeout(100) })));
    expect(result).toBe("transient"); // the init never left
    expect(hits(r.lb, INIT)).toHaveLength(0);
    await sendTikTok(r.client, r.payload(), r.ctx({ checkpoint: null }));
    expect(hits(r.lb, TOKEN)).toHaveLength(1); // the token stored by the cut-off send was used
  });

  it("a spent refresh token in the config: auth; a new one in the config starts over, whatever was stored before", async () => {
    const r = await start();
    await spend(r, r.cfg.refreshToken);
    expect(await outcome(sendTikTok(r.client, r.payload(), r.ctx()))).toBe("auth");
    const fresh = await rig(pictures, now, { server: { processingReads: 0 } });
    open.push(fresh);
    fresh.session.data = JSON.stringify({ accessToken: "act.from-an-old-token", expiresAt: clock + 3_600_000, refreshToken: "rft.old", origin: originOf("rft.someone-else") });
    await sendTikTok(fresh.client, fresh.payload(), fresh.ctx());
    expect(hits(fresh.lb, TOKEN)[0]?.form?.refresh_token).toBe(fresh.cfg.refreshToken);
    expect(stored(fresh).origin).toBe(originOf(fresh.cfg.refreshToken));
  });

  it("the core's CredentialStore is used when given (one atomic refresh with every field); the session file is left alone", async () => {
    const r = await start();
    const writes: unknown[] = [];
    let current: RefreshableCredential | null = null;
    const credentials: CredentialStore = {
      load: async () => current,
      refresh: async (renew) => ((current = await renew(current)), writes.push(current), current),
      clear: async () => void (current = null),
    };
    const client = openTikTok(r.cfg, { timeoutMs: 5_000, logger: pino({ level: "silent" }), baseDir: ".", session: r.session, credentials }, now);
    await sendTikTok(client, r.payload(), r.ctx());
    await client.http.close();
    expect(writes).toEqual([{ accessToken: expect.stringMatching(/^act\./), expiresAt: clock + 7_200_000, refreshToken: expect.stringMatching(/^rft\./), refreshExpiresAt: clock + 180 * 86_400_000, origin: originOf(r.cfg.refreshToken) }]);
    expect(r.session.data).toBeNull();
  });

  it("OAuth errors under any status: invalid_client answered 400 is auth too", async () => {
    const r = await start({ server: { oauthErrorStatus: 400 }, cfg: { clientSecret: "not-the-client-secret" } });
    expect(await outcome(sendTikTok(r.client, r.payload(), r.ctx()))).toBe("auth");
    expect(r.session.data).toBeNull();
  });
});
