import { describe, expect, it } from "vitest";
import { pullUrlFor } from "./pull-url.js";

const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

describe("pullUrlFor: the URL a pulling platform fetches", () => {
  it.each<[string, string, Buffer, string | undefined]>([
    ["the original bytes over https: the article's own URL", "https://news.example.org/img/a.jpg", bytes, "https://news.example.org/img/a.jpg"],
    ["equal bytes in another buffer: still the original", "https://news.example.org/img/a.jpg", Buffer.from(bytes), "https://news.example.org/img/a.jpg"],
    ["re-encoded bytes: not the original, no URL", "https://news.example.org/img/a.jpg", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9]), undefined],
    ["plain http: none (the platforms fetch over https)", "http://news.example.org/img/a.jpg", bytes, undefined],
    ["not a URL", "a.jpg", bytes, undefined],
  ])("%s", (_name, url, fitted, expected) => expect(pullUrlFor({ bytes, url }, { bytes: fitted })).toBe(expected));
});
