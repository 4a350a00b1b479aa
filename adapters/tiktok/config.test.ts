import { describe, expect, it } from "vitest";
import { imageHostProblem, tiktokConfig } from "./config.js";

// https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide (snapshot fetched 2026-09-11), "Ownership verification rules".
describe("imageHostProblem: the URLs TikTok would pull for this app", () => {
  it.each<[string, string, boolean]>([
    ["static.example.com", "https://static.example.com/a.jpg", true],
    ["static.example.com", "https://video.static.example.com/tiktok/example.jpg", true], // the page's own example
    ["static.example.com", "https://example.com/videos/example.jpg", false], // ditto: the parent is not covered
    ["static.example.com", "https://notstatic.example.com/a.jpg", false],
    ["static.example.com", "https://static.example.com.evil.example/a.jpg", false],
    ["static.example.com", "http://static.example.com/a.jpg", false], // "must use https"
    ["https://example.com/videos/user/", "https://example.com/videos/user/123/example.jpg", true], // the page's prefix example
    ["https://example.com/videos/user/", "https://example.com/videos/2023/user/123/example.jpg", false],
    ["https://example.com/videos/user/", "https://EXAMPLE.com/videos/user/a.jpg", true], // hosts are case-insensitive
    ["https://example.com/videos/user/", "https://example.com/videos/User/a.jpg", false], // paths are not
    ["static.example.com", "not a url", false],
  ])("verified %s, picture %s → %s", (verifiedDomain, url, fine) => {
    const problem = imageHostProblem(url, { verifiedDomain });
    expect(problem === null).toBe(fine);
    if (!fine) expect(problem).toMatch(/https|verified|not a URL/);
  });
});

describe("config", () => {
  const base = { clientKey: "awclientkey", clientSecret: "${TIKTOK_CLIENT_SECRET}", refreshToken: "${TIKTOK_REFRESH_TOKEN}", verifiedDomain: "media.example.org" };
  it("defaults: MEDIA_UPLOAD, the real API", () => {
    expect(tiktokConfig.parse(base)).toMatchObject({ mode: "MEDIA_UPLOAD", apiBase: "https://open.tiktokapis.com" });
  });
  it("the secrets are marked (masked by the core)", async () => {
    const { tiktokAdapter } = await import("./index.js");
    expect(tiktokAdapter.secrets).toEqual(["clientSecret", "refreshToken"]);
  });
  it("DIRECT_POST needs a privacy level; a fallback picture must be under verifiedDomain", () => {
    const issues = (c: object) => tiktokConfig.safeParse(c).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    expect(issues({ ...base, mode: "DIRECT_POST" })).toEqual([expect.stringMatching(/^privacyLevel: DIRECT_POST needs privacyLevel/)]);
    expect(issues({ ...base, fallbackImageUrl: "https://cdn.other.example/card.jpg" })).toEqual([expect.stringMatching(/^fallbackImageUrl: cdn\.other\.example is not media\.example\.org/)]);
  });
});
