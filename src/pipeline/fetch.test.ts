import { describe, expect, it } from "vitest";
import { cacheMaxAgeMs, retryAfter, websubHeaderLinks } from "./fetch.js";

describe("cacheMaxAgeMs", () => {
  it.each([
    [null, null],
    ["max-age=300", 300_000],
    ["public, max-age=60, must-revalidate", 60_000],
    ['max-age="120"', 120_000],
    ["MAX-AGE=5", 5_000],
    ["no-cache, max-age=300", null],
    ["no-store", null],
    ["max-age=abc", null],
    ["s-maxage=300", null],
  ])("%s -> %s", (header, expected) => expect(cacheMaxAgeMs(header)).toBe(expected));
});

describe("retryAfter", () => {
  const now = Date.parse("2026-11-27T10:00:00Z");
  it.each([
    [null, null],
    ["120", 120_000],
    [" 0 ", 0],
    ["Fri, 27 Nov 2026 10:02:00 GMT", 120_000],
    ["Fri, 27 Nov 2026 09:00:00 GMT", 0],
    ["soon", null],
  ])("%s -> %s", (header, expected) => expect(retryAfter(header, now)).toBe(expected));
});

describe("websubHeaderLinks (RFC 8288 Link headers)", () => {
  const base = "https://news.example.org/feed/";
  it("finds hub and self, resolved against the request URL, in one header or several", () => {
    expect(websubHeaderLinks('<https://hub.example/>; rel="hub", </feed/>; rel="self"', base)).toEqual({ hubs: ["https://hub.example/"], self: "https://news.example.org/feed/" });
    expect(websubHeaderLinks(['<https://a.example/hub>; rel=hub', '<https://b.example/hub>; rel="hub"'], base)).toEqual({
      hubs: ["https://a.example/hub", "https://b.example/hub"],
      self: null,
    });
    expect(websubHeaderLinks('<https://hub.example/>; rel="self hub"', base)).toEqual({ hubs: ["https://hub.example/"], self: "https://hub.example/" });
  });
  it("ignores other relations, absent headers and malformed ones", () => {
    expect(websubHeaderLinks('<https://news.example.org/>; rel="alternate"', base)).toBeNull();
    expect(websubHeaderLinks(undefined, base)).toBeNull();
    expect(websubHeaderLinks("this is not a link header", base)).toBeNull();
  });
});
