// crier check against the loopback, and the version table it warns from.
import { afterEach, describe, expect, it } from "vitest";
import { ALL_SCOPES, APP, MEMBER, PAGE } from "../../test/loopback/linkedin-api/server.js";
import type { CheckResult } from "../../src/core/index.js";
import { PERSON, clock, connect, open, type Opened } from "./fixtures/loopback.js";
import { linkedinAdapter } from "./index.js";
import { LINKEDIN_DEFAULT_VERSION, sunsetOf, versionWarnings } from "./versions.js";

let opened: Opened | undefined;
afterEach(async () => opened?.close());
const check = async (cfg: Record<string, unknown> = {}, now?: () => number) => {
  opened = await open(cfg, now ? { now } : {});
  return (await opened.conn.check(AbortSignal.timeout(5_000))) as CheckResult;
};
const CLIENT = { clientId: APP.clientId, clientSecret: APP.clientSecret };

describe("check", () => {
  it("names the member from /v2/userinfo and gives the token's expiry from introspection", async () => {
    const c = clock(Date.parse("2026-12-06T21:00:00Z"));
    const result = await check(CLIENT, c.now);
    expect(result).toEqual({ account: `${MEMBER.name} (${PERSON})`, expiresAt: Math.floor((c.at + 60 * 86_400_000) / 1000) * 1000, warnings: [] });
    expect(opened?.lb.h.requests.find((r) => r.path === "/oauth/v2/introspectToken")?.form).toMatchObject({ client_id: APP.clientId, client_secret: APP.clientSecret });
  });

  it("without client credentials the expiry is unknown, and says so", async () => {
    const result = await check();
    expect(result.expiresAt).toBeUndefined();
    expect(result.warnings).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining("token expiry unknown")]);
  });

  it("a page: the organization, posted by the member; a missing scope is a warning", async () => {
    opened = await open({ author: `urn:li:organization:${PAGE.id}`, ...CLIENT });
    const token = opened.lb.accounts.tokens.values().next().value;
    if (token) token.scopes = ALL_SCOPES.filter((s) => s !== "w_organization_social");
    const result = (await opened.conn.check(AbortSignal.timeout(5_000))) as CheckResult;
    expect(result.account).toBe(`LinkedIn Page urn:li:organization:${PAGE.id}, posted by ${MEMBER.name} (${PERSON})`);
    expect(result.warnings).toEqual([expect.stringContaining("lacks the w_organization_social scope")]);
  });

  it("warns when the author is another member", async () => {
    expect((await check({ author: "urn:li:person:someoneElse", ...CLIENT })).warnings).toEqual([expect.stringContaining("not to author urn:li:person:someoneElse")]);
  });

  it("a token without openid/profile cannot show the name: a warning, not a failure", async () => {
    opened = await open();
    const postOnly = opened.lb.accounts.issue(MEMBER.sub, ["w_member_social"]);
    const other = await connect(opened.lb, { accessToken: postOnly.value, ...CLIENT });
    const result = (await other.conn.check(AbortSignal.timeout(5_000))) as CheckResult;
    await other.conn.close();
    expect(result.account).toBe(`LinkedIn member ${PERSON}`);
    expect(result.warnings).toEqual([expect.stringContaining("openid and profile")]);
  });

  it("a refused token fails the check as auth; a wrong client secret only costs the expiry", async () => {
    opened = await open({ accessToken: "AQVrevoked-0000" });
    const err = await opened.conn.check(AbortSignal.timeout(5_000)).catch((e: unknown) => e);
    expect(linkedinAdapter.classify(err)).toMatchObject({ kind: "auth" });
    await opened.close();
    const result = await check({ clientId: APP.clientId, clientSecret: "wrong-secret" });
    expect(result.warnings).toEqual([expect.stringContaining("introspection refused (401)")]);
  });

  it("passes on the configured version's warnings (202601: within 90 days of its retirement, or past it)", async () => {
    // The words depend on today (retires in N days / retired): the pure table below pins the dates.
    // The loopback on a day 202601 is active (it answers 426 once it is not); the adapter on today.
    const result = await check({ linkedinVersion: "202601", ...CLIENT }, clock(Date.parse("2026-12-06T21:00:00Z")).now);
    expect(result.warnings).toEqual(versionWarnings("202601", Date.now()));
    expect(result.warnings).toEqual([expect.stringMatching(/^LinkedIn-Version 202601 retire/)]);
  });
});

describe("versionWarnings", () => {
  const at = (day: string) => Date.parse(`${day}T12:00:00Z`);
  it.each([
    ["202601", "2026-10-16", []],
    ["202601", "2026-10-18", [/retires on 2027-01-15, in 89 days: set linkedinVersion to 202609/]],
    ["202511", "2026-12-06", [/retired on 2026-11-16: LinkedIn refuses it \(426\)/]],
    ["202512", "2026-12-06", [/released no version 202512/]],
    ["202609", "2027-06-01", []],
    ["202609", "2027-06-04", [/retires around 2027-09-01 \(computed from LinkedIn's "at least one year" policy/]],
    ["202609", "2027-09-02", [/was due to retire around 2027-09-01 \(computed.*\): LinkedIn may already refuse it.*newer version listed on/]],
  ] as const)("%s on %s", (version, day, expected) => {
    const warnings = versionWarnings(version, at(day));
    expect(warnings).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(warnings[i]).toMatch(re));
  });

  it("the default is active today and not within 90 days of its sunset", () => {
    expect(sunsetOf(LINKEDIN_DEFAULT_VERSION)).toMatchObject({ kind: "computed" });
    expect(versionWarnings(LINKEDIN_DEFAULT_VERSION, Date.parse("2026-12-06"))).toEqual([]);
  });
});
