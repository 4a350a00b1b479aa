import { describe, expect, it } from "vitest";
import { imageHostProblem } from "../../adapters/tiktok/index.js";
import { pullUrlFor, pullUrlProblem, type PullRules } from "./pull-url.js";

const PUBLIC: PullRules = { allowPrivateAddresses: false };
const PRIVATE_OK: PullRules = { allowPrivateAddresses: true };
const TIKTOK: PullRules = { allowPrivateAddresses: false, hostProblem: (url) => imageHostProblem(url, { verifiedDomain: "media.example.org" }) };

describe("pullUrlFor: the article's own image URL, or Crier's public listener", () => {
  it.each([
    ["an unchanged https image", true, "https://news.example.org/a.jpg", PUBLIC, { url: "https://news.example.org/a.jpg" }],
    ["a fitted (cropped, re-encoded) image", false, "https://news.example.org/a.jpg", PUBLIC, { serve: "the image was fitted to the platform's rules" }],
    ["plain http on the internet", true, "http://news.example.org/a.jpg", PUBLIC, { serve: "http://news.example.org is plain http: platforms pull images over https" }],
    ["plain http on the internet, private addresses allowed", true, "http://news.example.org/a.jpg", PRIVATE_OK, { serve: "http://news.example.org is plain http: platforms pull images over https" }],
    ["http on loopback without network.allowPrivateAddresses", true, "http://127.0.0.1:8123/a.jpg", PUBLIC, { serve: "http://127.0.0.1:8123 is plain http: platforms pull images over https" }],
    ["http on loopback with network.allowPrivateAddresses (a local test double)", true, "http://127.0.0.1:8123/a.jpg", PRIVATE_OK, { url: "http://127.0.0.1:8123/a.jpg" }],
    ["http on [::1] with network.allowPrivateAddresses", true, "http://[::1]:8123/a.jpg", PRIVATE_OK, { url: "http://[::1]:8123/a.jpg" }],
    ["http on localhost with network.allowPrivateAddresses", true, "http://localhost:8123/a.jpg", PRIVATE_OK, { url: "http://localhost:8123/a.jpg" }],
    ["http on a private LAN address, even allowed (no platform reaches it)", true, "http://10.0.0.5/a.jpg", PRIVATE_OK, { serve: "http://10.0.0.5 is plain http: platforms pull images over https" }],
    ["an unchanged image on TikTok's verified domain", true, "https://cdn.media.example.org/a.jpg", TIKTOK, { url: "https://cdn.media.example.org/a.jpg" }],
    [
      "an unchanged image outside TikTok's verified domain",
      true,
      "https://news.example.org/a.jpg",
      TIKTOK,
      { serve: "news.example.org is not media.example.org nor one of its subdomains, the domain verified in the TikTok developer portal (verifiedDomain)" },
    ],
  ])("%s", (_case, unchanged, sourceUrl, rules, expected) => {
    expect(pullUrlFor({ unchanged, sourceUrl }, rules)).toEqual(expected);
  });

  it.each([
    ["ftp://example.org/a.jpg", "ftp: URLs cannot be pulled"],
    ["not a url", '"not a url" is not a URL'],
  ])("refuses %s", (url, why) => {
    expect(pullUrlProblem(url, PRIVATE_OK)).toBe(why);
  });
});
