import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCanonicalHttpUrl, normalizeLink, resolveLink } from "./link.js";

describe("normalizeLink", () => {
  it.each([
    // scheme, host, default port, fragment
    ["lowercases scheme and host, keeps path case", "HTTPS://Example.COM/Path/To/Article", "https://example.com/Path/To/Article"],
    ["drops :80 on http", "http://example.com:80/a", "http://example.com/a"],
    ["drops :443 on https", "https://example.com:443/a", "https://example.com/a"],
    ["keeps :443 on http (not its default)", "http://example.com:443/a", "http://example.com:443/a"],
    ["keeps :80 on https (not its default)", "https://example.com:80/a", "https://example.com:80/a"],
    ["keeps a non-default port", "https://example.com:8443/a", "https://example.com:8443/a"],
    ["drops the fragment", "https://example.com/a#comments", "https://example.com/a"],
    ["trims surrounding whitespace", "  https://example.com/a \n", "https://example.com/a"],
    // tracking parameters
    ["strips utm_* between kept params", "https://e.com/?a=1&utm_source=x&b=2", "https://e.com/?a=1&b=2"],
    ["strips every tracker, any case", "https://e.com/p?UTM_Medium=x&FBCLID=1&GcLiD=2&mc_cid=3&MC_EID=4&utm_campaign=y", "https://e.com/p"],
    ["strips a percent-encoded tracker name", "https://e.com/p?utm%5Fsource=x&id=7", "https://e.com/p?id=7"],
    ["strips trackers and the fragment together", "https://e.com/p?utm_x=1#top", "https://e.com/p"],
    ["keeps a parameter that merely contains utm", "https://e.com/p?xutm_source=1&utm=2", "https://e.com/p?xutm_source=1&utm=2"],
    // other parameters kept in order and encoding
    ["keeps ?p=123", "https://e.com/?p=123", "https://e.com/?p=123"],
    ["keeps parameter order", "https://e.com/a?b=1&a=2", "https://e.com/a?b=1&a=2"],
    ["keeps parameter encoding", "https://e.com/x?q=a%20b&r=c+d&s=%7E", "https://e.com/x?q=a%20b&r=c+d&s=%7E"],
    ["drops empty pairs", "https://e.com/?a=1&&b=2", "https://e.com/?a=1&b=2"],
    ["drops a lone ?", "https://e.com/x?", "https://e.com/x"],
    ["drops a ? left empty by stripping", "https://e.com/x?utm_source=feed", "https://e.com/x"],
  ])("%s", (_name, raw, expected) => {
    expect(normalizeLink(raw)).toBe(expected);
  });

  it.each([
    ["ftp", "ftp://example.com/file"],
    ["mailto", "mailto:someone@example.com"],
    ["javascript", "javascript:alert(1)"],
    ["relative path", "/2024/01/post"],
    ["garbage", "not a url at all"],
    ["empty", ""],
    ["scheme only", "https://"],
  ])("returns null for %s", (_name, raw) => {
    expect(normalizeLink(raw)).toBeNull();
  });

  it.each([
    ["different post ids", "https://e.com/?p=123", "https://e.com/?p=124"],
    ["different path case", "https://e.com/Post", "https://e.com/post"],
    ["different ports", "https://e.com:8443/a", "https://e.com/a"],
  ])("keeps distinct articles distinct: %s", (_name, a, b) => {
    expect(normalizeLink(a)).not.toBe(normalizeLink(b));
  });

  it.each([
    ["tracking and fragment", "https://E.com:443/a?utm_source=rss&id=1#x", "https://e.com/a?id=1"],
    ["scheme case and port", "HTTP://e.com:80/a", "http://e.com/a"],
  ])("makes equivalent links equal: %s", (_name, a, b) => {
    expect(normalizeLink(a)).toBe(normalizeLink(b));
  });

  it("is idempotent", () => {
    const once = normalizeLink("HTTPS://E.com:443/A?x=%20&utm_medium=y&z=1#f");
    expect(once).not.toBeNull();
    expect(normalizeLink(once ?? "")).toBe(once);
  });
});

describe("resolveLink", () => {
  it.each<[string, string | null | undefined, Array<string | null | undefined>, string | null]>([
    ["absolute link as is", "https://e.com/a", [], "https://e.com/a"],
    ["relative against the base", "/a/b", ["https://e.com/x/"], "https://e.com/a/b"],
    ["path-relative against the base", "b", ["https://e.com/x/"], "https://e.com/x/b"],
    ["protocol-relative", "//cdn.e.com/i.png", ["https://e.com/"], "https://cdn.e.com/i.png"],
    ["skips a null base", "b", [null, "https://e.com/x/"], "https://e.com/x/b"],
    ["skips an unusable base", "b", ["not a url", "https://e.com/x/"], "https://e.com/x/b"],
    ["null href", null, ["https://e.com/"], null],
    ["blank href", "   ", ["https://e.com/"], null],
    ["javascript: refused", "javascript:alert(1)", ["https://e.com/"], null],
    ["mailto: refused", "mailto:a@b.c", ["https://e.com/"], null],
    ["relative without a base", "/a", [], null],
  ])("%s", (_name, href, bases, expected) => {
    expect(resolveLink(href, ...bases)).toBe(expected);
  });
});

describe("isCanonicalHttpUrl (the fast path of normalizeLink and resolveLink)", () => {
  it.each([
    "https://example.com/2024/01/post/",
    "http://a-b.example.org/x?p=1&q=a%20b#top",
    "https://e.com/a:b@c/~d!$&'()*+,;=",
  ])("says yes to %s", (url) => {
    expect(isCanonicalHttpUrl(url)).toBe(true);
  });

  it.each([
    ["an uppercase host", "https://Example.com/a"],
    ["a default port", "https://e.com:443/a"],
    ["any port", "https://e.com:8443/a"],
    ["no path", "https://e.com"],
    ["a dot segment", "https://e.com/a/../b"],
    ["a percent-encoded dot segment", "https://e.com/a/%2E/b"],
    ["a number-like last label (IPv4)", "http://0x7f.1/a"],
    ["an IDNA label", "https://xn--caf-dma.example/a"],
    ["a quote in the query (encoded)", "https://e.com/a?q='x'"],
    ["a space", "https://e.com/a b"],
    ["user info", "https://u:p@e.com/a"],
    ["another scheme", "ftp://e.com/a"],
    ["surrounding whitespace", " https://e.com/a"],
  ])("says no to %s", (_name, url) => {
    expect(isCanonicalHttpUrl(url)).toBe(false);
  });

  // Pieces the WHATWG parser changes, or refuses, mixed with plain ones.
  const scheme = fc.constantFrom("http", "https", "HTTP", "ftp", "http:", "https:/");
  const label = fc.constantFrom("a", "e", "example", "a-b", "-a", "a-", "a--b", "xn--caf-dma", "xn--zz", "0x7f", "1", "09", "A", "b1", "", "é", "a_b");
  const host = fc.tuple(fc.array(label, { maxLength: 3 }), label, fc.constantFrom("", ".", ":80", ":443", ":8080", ":", "@x")).map(([ls, last, tail]) => [...ls, last].join(".") + tail);
  const segment = fc.constantFrom("", ".", "..", "%2e", "%2E", ".%2e", "a", "A%20", "%zz", "%4", "'", "~", "é", " ", "\\", "|", "[", "{", "`", "<", "\"", "@", ":", "a.b", "...");
  const path = fc.array(segment, { maxLength: 4 }).map((s) => (s.length ? `/${s.join("/")}` : ""));
  const qpart = fc.constantFrom("p=1", "a=%20", "'", "q=a b", "utm_source=x", "", "?", "%zz", "é", "x=\"", "a&b");
  const query = fc.option(fc.array(qpart, { maxLength: 3 }).map((q) => `?${q.join("&")}`), { nil: "" });
  const fragment = fc.option(fc.array(fc.constantFrom("top", "'", " ", "#", "%2e", "é", "`", "a/b?c"), { maxLength: 2 }).map((f) => `#${f.join("")}`), { nil: "" });
  const candidate = fc.tuple(scheme, host, path, query, fragment).map(([s, h, p, q, f]) => `${s}://${h}${p}${q}${f}`);

  it("holds only for strings the URL parser gives back unchanged", () => {
    fc.assert(
      fc.property(candidate, (text) => {
        if (!isCanonicalHttpUrl(text)) return;
        const url = new URL(text);
        expect(url.href).toBe(text);
        expect(["http:", "https:"]).toContain(url.protocol);
      }),
      { numRuns: 20_000 },
    );
  });

  it("leaves normalizeLink's and resolveLink's answers as the parse gives them", () => {
    const parsed = (text: string): string | null => {
      try {
        const url = new URL(text.trim());
        return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
      } catch {
        return null;
      }
    };
    fc.assert(
      fc.property(candidate, (text) => {
        expect(resolveLink(text)).toBe(parsed(text));
        const href = parsed(text);
        if (href && !href.includes("?")) expect(normalizeLink(text)).toBe(href.replace(/#.*$/s, ""));
      }),
      { numRuns: 5_000 },
    );
  });
});
