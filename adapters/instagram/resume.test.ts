// Which post a PUBLISHED container became, when the crash came before media_publish answered.
import { describe, expect, it } from "vitest";
import { findPublished } from "./resume.js";

const CREATED = Date.UTC(2026, 11, 7, 9, 0, 0);
const cp = { container: "17889455560051001", createdAt: CREATED };
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+0000");
const media = (id: string, offsetMs: number, caption = "Budget vote: live\n\nLink in bio") => ({ id, caption, timestamp: iso(CREATED + offsetMs), permalink: `https://www.instagram.com/p/${id}/` });
const recent = (...m: unknown[]) => ({ recent: async () => m });

describe("findPublished: the post of a PUBLISHED container", () => {
  it.each([
    ["ours alone", [media("2", 5_000)], "2"],
    ["an earlier post with the same caption, minutes before the container (newest first, as Instagram lists)", [media("2", 5_000), media("1", -3 * 60_000)], "2"],
    ["the same, listed oldest first", [media("1", -3 * 60_000), media("2", 5_000)], "2"],
    ["a later repost of the same caption comes after ours", [media("3", 8 * 60_000), media("2", 5_000), media("1", -60_000)], "2"],
    ["ours stamped a little before the container (clocks differ), an older one before it", [media("2", -20_000), media("1", -4 * 60_000)], "2"],
    ["another caption is never taken", [media("9", 5_000, "Other story\n\nLink in bio"), media("2", 6_000)], "2"],
  ])("%s", async (_what, list, id) => {
    expect(await findPublished(recent(...list), cp, "Budget vote: live\n\nLink in bio")).toMatchObject({ remoteId: id, remoteUrl: `https://www.instagram.com/p/${id}/` });
  });

  it("none found: the container stands for the post, never a second publish", async () => {
    expect(await findPublished(recent(media("1", -30 * 60_000)), cp, "Budget vote: live\n\nLink in bio")).toMatchObject({ remoteId: `container:${cp.container}`, remoteUrl: null });
  });
});
