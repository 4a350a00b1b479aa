/** Text output of the CLI commands. Pure. */
import { NEVER, type DeliveryRecord } from "../store/deliveries.js";
import type { FeedStatus } from "../store/feeds.js";
import type { CheckOutcome, PollOnceResult } from "../services/operations.js";
import type { Capabilities } from "../core/adapter.js";

/** "1 feed", "2 feeds"; `many` when the plural is not `one` + "s". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function formatTime(ms: number | null): string {
  if (ms === null) return "-";
  if (ms >= NEVER) return "never";
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** A delivery row as printed (and as --json shows it): a given-up row has no next attempt. */
export type DeliveryView = DeliveryRecord & { gaveUp: boolean };

export function deliveryView(row: DeliveryRecord): DeliveryView {
  const gaveUp = row.state === "failed" && row.nextAttemptAt !== null && row.nextAttemptAt >= NEVER;
  return { ...row, nextAttemptAt: gaveUp ? null : row.nextAttemptAt, gaveUp };
}

/** `more`: further rows match beyond the `shown` printed. */
export function formatDeliveries(rows: readonly DeliveryView[], more = false): string {
  if (!rows.length) return "no deliveries match\n";
  const lines = rows.map((r) => {
    const next = r.state !== "failed" ? null : r.gaveUp ? `gave up (crier retry ${r.id} starts afresh)` : `next attempt ${formatTime(r.nextAttemptAt)}`;
    const head = [`#${r.id} ${r.state.padEnd(9)} ${r.feedId} -> ${r.destinationId}`, plural(r.attempts, "attempt"), next, `updated ${formatTime(r.updatedAt)}`];
    const posted = [r.remoteUrl ? `post: ${r.remoteUrl}` : "", r.remoteId ? `remote id: ${r.remoteId}` : ""].filter(Boolean).join(" · ");
    const why = r.reason ? `\n      ${r.reason}` : "";
    // What a send saved to resume from (an adapter's opaque value, never a secret).
    const saved = r.checkpoint !== null ? `\n      checkpoint: ${truncateLine(r.checkpoint, 120)}` : "";
    return `${head.filter(Boolean).join(" · ")}\n      ${truncateLine(r.title, 90)}${posted ? `\n      ${posted}` : ""}${why}${saved}`;
  });
  const tail = more ? `\n… more deliveries match: the newest ${rows.length} are shown (--limit N for more, or narrow with --state, --feed, --destination)` : "";
  return `${lines.join("\n")}${tail}\n`;
}

export function formatPollResult(result: Pick<PollOnceResult, "feeds" | "deliveries" | "wouldPost">, attention: readonly string[] = []): string {
  const out: string[] = [];
  for (const f of result.feeds) {
    const detail =
      f.status === "not-modified"
        ? `not modified (${f.via === "304" ? "HTTP 304" : "same body"})`
        : f.status === "parsed"
          ? `${plural(f.items ?? 0, "item")}, ${f.new ?? 0} new, ${f.queued ?? 0} queued, ${f.skipped ?? 0} recorded without posting${f.via === "push" ? " (pushed by its hub)" : ""}`
          : f.status === "subscribed"
            ? "not polled: its WebSub hub pushes updates (the safety-net poll is not due)"
            : `${f.status}: ${f.error}`;
    out.push(`feed ${f.feedId}: ${detail}`);
    for (const w of f.warnings ?? []) out.push(`  warning: ${w}`);
  }
  for (const d of result.deliveries) {
    out.push(`delivery #${d.deliveryId} ${d.feedId} -> ${d.destinationId}: ${d.state}${d.remoteUrl ? ` ${d.remoteUrl}` : ""}${d.reason ? ` (${d.reason})` : ""}`);
  }
  for (const p of result.wouldPost) {
    out.push(`would post ${p.feedId} -> ${p.destinationId}: ${p.state === "would-post" ? `${p.length}/${p.maxLength}` : p.reason}`);
    if (p.preview) out.push(indent(p.preview));
  }
  if (attention.length) out.push("needs attention:", ...attention.map((a) => `  - ${a}`));
  return out.length ? `${out.join("\n")}\n` : "";
}

/** A feed's state for `crier feed list`. */
export interface FeedView {
  id: string;
  state: "ok" | "held" | "backing-off" | "failing" | "demoted" | "not-polled" | "disabled";
  /** Why, since and until when (after the state's label). */
  detail: string;
  /** What the operator may do about it, or null. */
  hint: string | null;
  lastPolledAt: number | null;
  lastOkAt: number | null;
  lastError: string | null;
  errorStreak: number;
  heldReason: string | null;
  nextPollAt: number | null;
  /** Needs the operator (exit code 3). */
  attention: boolean;
}

export function feedView(feed: { id: string; enabled: boolean }, s: FeedStatus | undefined, now: number): FeedView {
  const base = {
    id: feed.id, lastPolledAt: s?.lastPolledAt ?? null, lastOkAt: s?.lastOkAt ?? null, lastError: s?.lastError ?? null,
    errorStreak: s?.errorStreak ?? 0, heldReason: s?.heldReason ?? null, nextPollAt: s?.nextPollAt ?? null,
  };
  const failures = plural(s?.errorStreak ?? 0, "failed poll", "failed polls");
  const lastError = s?.lastError ? `; last error: ${s.lastError}` : "";
  if (!feed.enabled) return { ...base, state: "disabled", detail: "enabled: false in the config", hint: null, attention: false };
  if (!s) return { ...base, state: "not-polled", detail: "", hint: null, attention: false };
  if (s.heldAt !== null) {
    const accepted = s.acceptMode ? `; accepted (${s.acceptMode === "post" ? "to post" : "to record"}): the next poll releases it` : "";
    return {
      ...base, state: "held", detail: `since ${formatTime(s.heldAt)}: ${s.heldReason ?? "no reason recorded"}${accepted}`,
      hint: s.acceptMode ? null : `crier feed accept ${feed.id} --post (post the held items) or crier feed accept ${feed.id} (record them without posting)`,
      attention: !s.acceptMode,
    };
  }
  if (s.demotedAt !== null) {
    return {
      ...base, state: "demoted", detail: `since ${formatTime(s.demotedAt)} after ${failures}; next probe ${formatTime(s.nextPollAt)}${lastError}`,
      hint: `crier feed resume ${feed.id} (poll it again at once; it also comes back by itself on its first success)`, attention: true,
    };
  }
  if (s.errorStreak > 0) {
    const waiting = s.nextPollAt !== null && s.nextPollAt > now;
    return {
      ...base, state: waiting ? "backing-off" : "failing",
      detail: waiting ? `until ${formatTime(s.nextPollAt)} after ${failures}${lastError}` : `${failures} in a row; polled again on its schedule${lastError}`,
      hint: waiting ? `crier feed resume ${feed.id} (poll it at its next schedule instead)` : null, attention: true,
    };
  }
  const fresh = s.freshUntil !== null && s.freshUntil > now ? `; the server asked not to be polled before ${formatTime(s.freshUntil)}` : "";
  return { ...base, state: "ok", detail: `last polled ${formatTime(s.lastPolledAt)}${fresh}`, hint: null, attention: false };
}

const FEED_LABELS: Record<FeedView["state"], string> = {
  ok: "ok", held: "HELD", "backing-off": "BACKING OFF", failing: "FAILING", demoted: "DEMOTED to a slow probe", "not-polled": "not polled yet", disabled: "disabled",
};

export function formatFeeds(views: readonly FeedView[]): string {
  if (!views.length) return "no feeds in the config\n";
  return views.map((v) => `${v.id}: ${FEED_LABELS[v.state]}${v.detail ? ` ${/^(since|until)/.test(v.detail) ? "" : "· "}${v.detail}` : ""}${v.hint ? `\n    ${v.hint}` : ""}\n`).join("");
}

/** What an adapter can do, in words (no internal names). */
export function capabilityText(c: Capabilities): string[] {
  const out: string[] = [];
  if (c.idempotentSend) {
    const window = c.idempotencyTtlMs === undefined ? "" : ` for ${formatDuration(c.idempotencyTtlMs)}`;
    out.push(`safe retries (the platform recognises a repeated post by its key${window})`);
  }
  if (c.images) out.push("posts images");
  if (c.delete) out.push("deletes posts (crier unpost)");
  return out;
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return plural(ms / 86_400_000, "day");
  if (ms % 3_600_000 === 0) return plural(ms / 3_600_000, "hour");
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

export function indent(text: string, prefix = "    "): string {
  return text.split("\n").map((l) => prefix + l).join("\n");
}

function truncateLine(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `crier check`: the account line, the credential's expiry, each warning (what needs the operator) and note. */
export function formatCheck(r: CheckOutcome): string {
  const lines = [`${r.destination}: ${r.text}`];
  if (r.ok) lines.push(`  credential expiry: ${r.expiry ?? "unknown"}`);
  for (const a of r.attention ?? []) lines.push(`  warning: ${a}`);
  for (const n of r.notes ?? []) lines.push(`  note: ${n}`);
  return `${lines.join("\n")}\n`;
}
