import { describe, expect, it } from "vitest";
import { platformFailure, unknownId } from "./errors.js";

describe("platformFailure", () => {
  it.each([
    ["transient", "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9", "could not reach the platform: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9"],
    ["auth", "401 Unauthorized", "credentials refused: 401 Unauthorized"],
    ["rejected", "400 Bad Request: message can't be deleted", "the platform refused the request: 400 Bad Request: message can't be deleted"],
  ] as const)("a platform failure (%s) speaks of no post", (kind, detail, text) => {
    expect(platformFailure(kind, detail)).toBe(text);
    expect(platformFailure(kind, detail)).not.toMatch(/post(ed)? was|nothing was posted/);
  });
});

describe("unknownId", () => {
  it.each([
    ["feed", "riversid", ["riverside", "harbour"], 'no feed "riversid" in /srv/crier.yaml; did you mean `riverside`? (feeds: riverside, harbour)'],
    ["destination", "zzz", [], 'no destination "zzz" in /srv/crier.yaml (destinations: none)'],
  ] as const)("%s %s", (kind, id, ids, message) => {
    expect(unknownId(kind, id, ids, "/srv/crier.yaml").message).toBe(message);
  });
});
