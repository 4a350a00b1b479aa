import { describe, expect, it } from "vitest";
import { VERSIONS, servedVersion } from "../../test/loopback/facebook-graph-api/versions.js";
import { facebookConfig } from "./config.js";
import { DEFAULT_API_VERSION, GRAPH_VERSIONS, versionWarnings } from "./versions.js";

const at = (date: string) => Date.parse(`${date}T12:00:00Z`);

describe("the version table", () => {
  it("is newest first, with releases and retirements in order", () => {
    const released = GRAPH_VERSIONS.map((v) => v.released);
    expect([...released].sort().reverse()).toEqual(released);
    const retires = GRAPH_VERSIONS.map((v) => v.retires).filter((d): d is string => d !== null);
    expect([...retires].sort().reverse()).toEqual(retires);
  });

  it("agrees with the loopback's own table where Meta printed a date", () => {
    for (const v of GRAPH_VERSIONS.filter((x) => x.source === "table")) expect(VERSIONS.find(([n]) => n === v.version)?.[1]).toBe(v.retires);
  });

  it("defaults to the newest version with a known or computed retirement (v26.0), and the config ships it", () => {
    const dated = GRAPH_VERSIONS.filter((v) => v.retires !== null);
    expect(DEFAULT_API_VERSION).toBe(dated[0]?.version);
    expect(DEFAULT_API_VERSION).toBe("v26.0");
    expect(facebookConfig.parse({ pageId: "1", pageAccessToken: "EAAtestTokenNotReal0123456789" }).apiVersion).toBe("v26.0");
  });
});

describe("versionWarnings", () => {
  it.each([
    ["v26.0 today: retires ~2028-11-04, nothing to say", "v26.0", "2026-12-06", []],
    ["v27.0: no retirement announced", "v27.0", "2026-12-06", []],
    ["v25.0 far from its date", "v25.0", "2026-12-06", []],
  ])("%s", (_n, v, date, expected) => expect(versionWarnings(v, at(date))).toEqual(expected));

  it("warns within 90 days of a printed date, counting the days", () => {
    expect(versionWarnings("v21.0", at("2026-12-06"))).toEqual(["Graph API v21.0 retires on 2027-01-21 (in 47 days): set apiVersion to v26.0 or newer"]);
    expect(versionWarnings("v21.0", at("2026-10-23"))).toEqual([]);
    expect(versionWarnings("v21.0", Date.parse("2027-01-21T23:00:00Z"))[0]).toContain("(in 1 day)");
  });

  it("says a retired version is served as another one", () => {
    expect(versionWarnings("v20.0", at("2026-12-06"))).toEqual([
      "Graph API v20.0 retired on 2026-09-24: Facebook now answers it with the next oldest usable version's behaviour; set apiVersion to v26.0 or newer",
    ]);
    expect(versionWarnings("v2.12", at("2026-12-06"))[0]).toMatch(/^Graph API v2\.12 retired before 2024-05-28/);
  });

  it("marks a computed date as approximate, and points the default past itself", () => {
    const [w] = versionWarnings("v26.0", at("2028-09-01"));
    expect(w).toContain("retires on about 2028-11-04");
    expect(w).toContain("computed");
    expect(w).toContain("a newer version (https://developers.facebook.com/docs/graph-api/changelog/versions/)");
  });

  it("cannot tell for a version it does not know", () => {
    expect(versionWarnings("v29.0", at("2026-12-06"))[0]).toMatch(/^Crier cannot tell when Graph API v29\.0 retires/);
  });
});

describe("the loopback serves a retired version as the oldest usable one, and knows no made-up one", () => {
  it.each([
    ["v26.0", "2026-12-06", "v26.0"],
    ["v20.0", "2026-12-06", "v21.0"],
    ["v21.0", "2027-02-01", "v22.0"],
    ["v99.0", "2026-12-06", undefined],
  ])("%s on %s → %s", (v, date, served) => expect(servedVersion(v, at(date))).toBe(served));
});
