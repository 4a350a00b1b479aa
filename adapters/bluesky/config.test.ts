import { describe, expect, it } from "vitest";
import { blueskyConfig } from "./config.js";

const base = { handle: "news.bsky.social", appPassword: "abcd-efgh-ijkl-mnop" };

describe("blueskyConfig", () => {
  it("fills the defaults", () => {
    expect(blueskyConfig.parse(base)).toEqual({ ...base, service: "https://bsky.social" });
  });

  it.each<[string, Record<string, unknown>]>([
    ["a handle with @", { handle: "@news.bsky.social" }],
    ["a custom-domain handle", { handle: "example.org" }],
    ["a DID", { handle: "did:plc:z72i7hdynmk6r22z27h6tvur" }],
    ["an unresolved ${ENV} password", { appPassword: "${BLUESKY_APP_PASSWORD}" }],
    ["an unresolved ${ENV} handle", { handle: "${BLUESKY_HANDLE}" }],
    ["a self-hosted PDS", { service: "https://pds.example.org" }],
    ["a local test PDS over http", { service: "http://127.0.0.1:2583" }],
    ["languages", { languages: ["en", "pt-BR", "kk"] }],
  ])("accepts %s", (_name, over) => {
    expect(blueskyConfig.safeParse({ ...base, ...over }).success).toBe(true);
  });

  it("strips the @ of a handle", () => {
    expect(blueskyConfig.parse({ ...base, handle: "@news.bsky.social" }).handle).toBe("news.bsky.social");
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["no handle", { handle: undefined }, "handle"],
    ["a handle without a dot", { handle: "news" }, "handle"],
    ["a handle with spaces", { handle: "my news.bsky.social" }, "handle"],
    ["an email for a handle", { handle: "me@example.org" }, "handle"],
    ["no app password", { appPassword: undefined }, "appPassword"],
    ["an empty app password", { appPassword: "" }, "appPassword"],
    ["a non-http service", { service: "ftp://bsky.social" }, "service"],
    ["a service with a query", { service: "https://bsky.social/?x=1" }, "service"],
    ["four languages", { languages: ["en", "de", "fr", "ru"] }, "languages"],
    ["a language that is not BCP-47", { languages: ["english!"] }, "languages.0"],
    ["an unknown key", { password: "x" }, ""],
  ])("refuses %s", (_name, over, path) => {
    const r = blueskyConfig.safeParse({ ...base, ...over });
    expect(r.success).toBe(false);
    if (!r.success && path) expect(r.error.issues.map((i) => i.path.join("."))).toContain(path);
  });
});
