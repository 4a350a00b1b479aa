import { describe, expect, it } from "vitest";
import type { AtpSessionData } from "@atproto/api";
import { parseSavedSession, serializeSession } from "./session.js";

const cfg = { service: "https://bsky.social", handle: "News.bsky.social" };
const session: AtpSessionData = { accessJwt: "a.b.c", refreshJwt: "d.e.f", handle: "news.bsky.social", did: "did:plc:abc", active: true };

describe("saved sessions", () => {
  it("round-trips for the same service and account (handle case ignored)", () => {
    expect(parseSavedSession(serializeSession(session, cfg), { ...cfg, handle: "news.bsky.social" })).toEqual(session);
  });

  it.each<[string, string | null]>([
    ["nothing saved", null],
    ["not JSON", "{oops"],
    ["another format", JSON.stringify({ v: 2, session })],
    ["no tokens", JSON.stringify({ v: 1, service: cfg.service, identifier: "news.bsky.social", session: { did: "did:plc:abc" } })],
    ["another service", serializeSession(session, { ...cfg, service: "https://pds.example.org" })],
    ["another account", serializeSession(session, { ...cfg, handle: "other.bsky.social" })],
  ])("ignores %s (a new login follows)", (_name, text) => {
    expect(parseSavedSession(text, cfg)).toBeNull();
  });
});
