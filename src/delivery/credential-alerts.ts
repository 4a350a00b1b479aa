/**
 * What a destination's credential check means for the operator: the expiry in words, what needs
 * them (`crier check`'s exit code 3), and the alerts of `crier run`'s daily credential watch
 * (14, 3 and 1 days before the credential lapses, and each warning). Pure.
 */
import { createHash } from "node:crypto";
import type { CheckResult } from "../core/adapter.js";
import type { Alert } from "./alerts.js";

const DAY = 86_400_000;
/** A credential lapsing within this many days needs the operator (`crier check` exits 3). */
export const EXPIRY_ATTENTION_DAYS = 14;
/** Days before the lapse at which the watch alerts, once each per expiry. */
export const EXPIRY_ALERT_DAYS: readonly number[] = [14, 3, 1];
/** A warning still there is alerted again after this long. */
export const WARNING_REALERT_MS = 7 * DAY;

/** A check's answer as a CheckResult (an adapter may answer with the account line alone). */
export function asCheckResult(answer: string | CheckResult): CheckResult {
  return typeof answer === "string" ? { account: answer } : answer;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/:\d\d\.\d{3}Z$/, "Z").replace("T", " ");

/** "2027-01-30 09:00Z (in 42 days)", "does not expire", "unknown", or "lapsed on … (2 days ago)". */
export function expiryText(expiresAt: number | null | undefined, now: number): string {
  if (expiresAt === null) return "does not expire";
  if (expiresAt === undefined || !Number.isFinite(expiresAt)) return "unknown";
  const days = (expiresAt - now) / DAY;
  if (days <= 0) return `lapsed on ${iso(expiresAt)} (${daysText(-days)} ago)`;
  return `${iso(expiresAt)} (in ${daysText(days)})`;
}

function daysText(days: number): string {
  if (days < 1) {
    const hours = Math.max(1, Math.round(days * 24));
    return `${hours} ${hours === 1 ? "hour" : "hours"}`;
  }
  const whole = Math.floor(days);
  return `${whole} ${whole === 1 ? "day" : "days"}`;
}

/** What needs the operator in a check: every warning, and a credential lapsing within EXPIRY_ATTENTION_DAYS. */
export function checkAttention(result: CheckResult, now: number): string[] {
  const out = [...(result.warnings ?? [])];
  const at = result.expiresAt;
  if (typeof at === "number" && at - now <= EXPIRY_ATTENTION_DAYS * DAY) {
    out.push(at <= now ? `the credential lapsed on ${iso(at)}: authorise Crier again and update the config` : `the credential lapses on ${iso(at)} (in ${daysText((at - now) / DAY)}): renew it before then`);
  }
  return out;
}

/**
 * The alerts one watch makes for a destination: the nearest expiry threshold crossed (keyed by the
 * threshold and the expiry, so each is sent once per credential) and each warning (keyed by its
 * text, sent again after WARNING_REALERT_MS while it stays).
 */
export function credentialAlerts(destinationId: string, result: CheckResult, now: number): Array<Alert & { throttleMs: number }> {
  const alerts: Array<Alert & { throttleMs: number }> = [];
  const at = result.expiresAt;
  if (typeof at === "number") {
    const left = at - now;
    const threshold = [...EXPIRY_ALERT_DAYS].sort((a, b) => a - b).find((d) => left <= d * DAY);
    if (threshold !== undefined) {
      alerts.push({
        key: `credential-expiry:${destinationId}:${threshold}d:${at}`,
        title: left <= 0 ? `the credential of ${destinationId} has lapsed` : `the credential of ${destinationId} lapses in ${daysText(left / DAY)}`,
        detail: `${result.account}: ${left <= 0 ? "lapsed" : "lapses"} on ${iso(at)}. Renew it (see the platform's README, Credentials), then run: crier check ${destinationId}`,
        // Once per threshold and expiry: a renewed credential has another expiry, hence other keys.
        throttleMs: Math.max(left, 0) + 30 * DAY,
      });
    }
  }
  for (const warning of result.warnings ?? []) {
    alerts.push({
      key: `credential-warning:${destinationId}:${createHash("sha256").update(warning).digest("hex").slice(0, 16)}`,
      title: `${destinationId} needs attention`,
      detail: `${warning}\n(${result.account}; see: crier check ${destinationId})`,
      throttleMs: WARNING_REALERT_MS,
    });
  }
  return alerts;
}
