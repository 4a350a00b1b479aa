/**
 * The rate gate: when may the next post go to a destination, given the sends already made
 * (from the delivery log), the platform's and the operator's budgets, a minimum spacing and quiet
 * hours. Pure.
 */
import type { RateLimit } from "../core/adapter.js";
import type { QuietHours } from "../config/schema.js";

export interface GateInput {
  now: number;
  /** Times of earlier sends to this destination, ascending (at least the longest window's worth). */
  sendTimes: readonly number[];
  windows: readonly RateLimit[];
  minSpacingMs: number;
  quietHours?: QuietHours | undefined;
}

/** The earliest time, at or after `now`, at which one more send keeps every rule. */
export function nextSendTime(input: GateInput): number {
  let t = input.now;
  // Each rule can only push t later; a few rounds settle any combination.
  for (let round = 0; round < 8; round++) {
    const before = t;
    for (const w of input.windows) t = Math.max(t, windowOpensAt(input.sendTimes, w, t));
    const last = input.sendTimes.at(-1);
    if (last !== undefined && input.minSpacingMs > 0) t = Math.max(t, last + input.minSpacingMs);
    if (input.quietHours) t = Math.max(t, quietEndsAt(input.quietHours, t));
    if (t === before) return t;
  }
  return t;
}

/** Earliest time >= t at which fewer than `posts` sends fall in the window (t - windowMs, t]. */
function windowOpensAt(times: readonly number[], w: RateLimit, t: number): number {
  const inWindow = times.filter((x) => x > t - w.windowMs && x <= t);
  if (inWindow.length < w.posts) return t;
  // The oldest send that must leave the window for one more to fit.
  const leaving = inWindow[inWindow.length - w.posts] ?? t;
  return leaving + w.windowMs;
}

const MINUTE = 60_000;

/** If `t` falls in the quiet period, when it ends; else `t`. */
export function quietEndsAt(q: QuietHours, t: number): number {
  const from = minutesOf(q.from);
  const to = minutesOf(q.to);
  if (from === to) return t;
  const { minutes, msIntoMinute } = localClock(t, q.timezone);
  const inside = from < to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
  if (!inside) return t;
  const untilEnd = (to - minutes + 1440) % 1440;
  return t + untilEnd * MINUTE - msIntoMinute;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();
function localClock(t: number, timeZone: string): { minutes: number; msIntoMinute: number } {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    clockFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  const minutes = Number(parts.hour) * 60 + Number(parts.minute);
  const msIntoMinute = Number(parts.second) * 1000 + (t % 1000);
  return { minutes, msIntoMinute };
}
