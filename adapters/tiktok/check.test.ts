// `crier check` for TikTok, against the loopback.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/core/index.js";
import type { ImageServer } from "../../test/support/image-server.js";
import { checkTikTok } from "./check.js";
import { rig, startPictures, type Rig } from "./fixtures/loopback.js";
import { tiktokAdapter } from "./index.js";

let pictures: ImageServer;
beforeAll(async () => void (pictures = await startPictures()));
afterAll(() => pictures.close());
const clock = Date.parse("2026-12-01T09:00:00Z");
const now = () => clock;
const open: Rig[] = [];
afterEach(async () => void (await Promise.all(open.splice(0).map((r) => r.close()))));
const check = async (opts: Parameters<typeof rig>[2] = {}): Promise<CheckResult> => {
  const r = await rig(pictures, now, opts);
  open.push(r);
  return checkTikTok(r.client, AbortSignal.timeout(5_000));
};

describe("check", () => {
  it("MEDIA_UPLOAD: the creator, the tokens' lapses, the audit rule and the draft cap (facts to know: notes, no warning)", async () => {
    const result = await check();
    expect(result.account).toBe(`TikTok "Riverside Courier" (open_id afd97af1-b87b-48b9-ac98-410aghda5344); MEDIA_UPLOAD: posts arrive as drafts in the creator's TikTok inbox; access token until 2026-12-01T11:00:00Z (renewed by Crier), refresh token until 2027-05-30T09:00:00Z`);
    expect(result.expiresAt).toBe(clock + 180 * 86_400_000);
    expect(result.warnings).toEqual([]);
    expect(result.notes).toEqual([
      "a person must finish each draft in the TikTok app; TikTok refuses a 6th pending draft within 24 hours",
      "until the app passes TikTok's audit, everything it posts is private and the creator's account must be private (Crier cannot tell whether it has passed)",
    ]);
  });

  it("DIRECT_POST, unaudited: the privacy levels offered, and 'unaudited app: posts are private'", async () => {
    const result = await check({ cfg: { mode: "DIRECT_POST", privacyLevel: "PUBLIC_TO_EVERYONE" } });
    expect(result.account).toContain("@riversidecourier; DIRECT_POST, privacy levels offered: SELF_ONLY");
    expect(result.notes).toContain("unaudited app: posts are private (TikTok offers only SELF_ONLY until the app passes its audit)");
    expect(result.warnings).toEqual(["privacyLevel PUBLIC_TO_EVERYONE is not offered: every post will fail until it is one of SELF_ONLY"]);
  });

  it("DIRECT_POST, audited: no unaudited warning", async () => {
    const result = await check({ server: { audited: true }, cfg: { mode: "DIRECT_POST", privacyLevel: "FOLLOWER_OF_CREATOR" } });
    expect(result.account).toContain("privacy levels offered: FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY");
    expect([...(result.warnings ?? []), ...(result.notes ?? [])].some((w) => w.startsWith("unaudited app"))).toBe(false);
  });

  it("a refresh token lapsing within 30 days is a warning", async () => {
    const result = await check({ server: { refreshTtlSec: 10 * 86_400 } });
    expect(result.warnings).toContain("the refresh token lapses on 2026-12-11T09:00:00Z: authorise Crier again before then and put the new refresh token in the config");
  });

  it("without user.info.basic the check still passes, saying what it cannot show", async () => {
    const result = await check({ scopes: ["video.upload"] });
    expect(result.account).toMatch(/^TikTok creator \(name unknown: user\.info\.basic not granted\)/);
    expect(result.notes?.[0]).toMatch(/did not grant user\.info\.basic/);
  });

  it("refused credentials fail the check, classified auth", async () => {
    const err = await check({ cfg: { clientSecret: "not-the-client-secret" } }).catch((e: unknown) => e);
    expect(tiktokAdapter.classify(err)).toMatchObject({ kind: "auth", message: expect.stringContaining("clientKey/clientSecret") });
  });
});
