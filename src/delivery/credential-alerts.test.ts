import { describe, expect, it } from "vitest";
import { asCheckResult, checkAttention, credentialAlerts, expiryText } from "./credential-alerts.js";

const NOW = Date.UTC(2026, 11, 1, 9, 0, 0);
const DAY = 86_400_000;

describe("expiryText", () => {
  it.each<[string, number | null | undefined, string]>([
    ["no expiry", null, "does not expire"],
    ["not known", undefined, "unknown"],
    ["in 60 days", NOW + 60 * DAY, "2027-01-30 09:00Z (in 60 days)"],
    ["in one day and a bit", NOW + 1.5 * DAY, "2026-12-02 21:00Z (in 1 day)"],
    ["within hours", NOW + 3 * 3_600_000, "2026-12-01 12:00Z (in 3 hours)"],
    ["lapsed", NOW - 2 * DAY, "lapsed on 2026-11-29 09:00Z (2 days ago)"],
  ])("%s", (_name, at, text) => expect(expiryText(at, NOW)).toBe(text));
});

describe("checkAttention: what makes crier check exit 3", () => {
  it.each<[string, Parameters<typeof checkAttention>[0], string[]]>([
    ["a plain account line", asCheckResult("@crier_bot"), []],
    ["notes only, 60 days left", { account: "a", expiresAt: NOW + 60 * DAY, notes: ["posts arrive as drafts"] }, []],
    ["does not expire", { account: "a", expiresAt: null }, []],
    ["15 days left", { account: "a", expiresAt: NOW + 15 * DAY }, []],
    ["exactly 14 days left", { account: "a", expiresAt: NOW + 14 * DAY }, ["the credential lapses on 2026-12-15 09:00Z (in 14 days): renew it before then"]],
    ["lapsed", { account: "a", expiresAt: NOW - DAY }, ["the credential lapsed on 2026-11-30 09:00Z: authorise Crier again and update the config"]],
    ["a warning", { account: "a", expiresAt: NOW + 300 * DAY, warnings: ["Graph API v21.0 retires on 2027-01-21: set apiVersion to v27.0"] }, ["Graph API v21.0 retires on 2027-01-21: set apiVersion to v27.0"]],
  ])("%s", (_name, result, expected) => expect(checkAttention(result, NOW)).toEqual(expected));
});

describe("credentialAlerts: the daily watch", () => {
  const at = NOW + 100 * DAY;
  const on = (daysLeft: number) => credentialAlerts("ig", { account: "@courier", expiresAt: at }, at - daysLeft * DAY);
  it.each<[number, string | null]>([
    [30, null],
    [14.5, null],
    [14, `credential-expiry:ig:14d:${at}`],
    [10, `credential-expiry:ig:14d:${at}`],
    [3, `credential-expiry:ig:3d:${at}`],
    [2, `credential-expiry:ig:3d:${at}`],
    [1, `credential-expiry:ig:1d:${at}`],
    [0.2, `credential-expiry:ig:1d:${at}`],
    [-1, `credential-expiry:ig:1d:${at}`],
  ])("%s days left: %s", (days, key) => expect(on(days).map((a) => a.key)).toEqual(key ? [key] : []));

  it("an expiry alert is sent once per threshold and expiry (throttled past the lapse); it says what to do", () => {
    const [alert] = on(10);
    expect(alert?.throttleMs).toBeGreaterThan(10 * DAY);
    expect(alert?.title).toBe("the credential of ig lapses in 10 days");
    expect(alert?.detail).toBe(`@courier: lapses on ${new Date(at).toISOString().slice(0, 16).replace("T", " ")}Z. Renew it (see the platform's README, Credentials), then run: crier check ig`);
  });

  it("each warning is alerted under its own key, again after a week while it stays; notes never", () => {
    const alerts = credentialAlerts("fb", { account: "Page Courier", expiresAt: null, warnings: ["v21.0 retires soon", "the token lacks pages_manage_posts"], notes: ["a note"] }, NOW);
    expect(alerts.map((a) => [a.key.replace(/:[0-9a-f]{16}$/, ":<hash>"), a.throttleMs])).toEqual([
      ["credential-warning:fb:<hash>", 7 * DAY],
      ["credential-warning:fb:<hash>", 7 * DAY],
    ]);
    expect(new Set(alerts.map((a) => a.key)).size).toBe(2);
    expect(alerts[0]?.detail).toBe("v21.0 retires soon\n(Page Courier; see: crier check fb)");
  });
});
