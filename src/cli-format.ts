/** Text output of the CLI commands. Pure. */
import type { DeliveryRecord } from "./store/types.js";
import type { PollOnceResult } from "./app.js";

export function formatTime(ms: number | null): string {
  if (ms === null) return "-";
  if (ms >= Number.MAX_SAFE_INTEGER) return "never";
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export function formatDeliveries(rows: DeliveryRecord[]): string {
  if (!rows.length) return "no deliveries match\n";
  const lines = rows.map((r) => {
    const where = r.remoteUrl ?? r.remoteId ?? "";
    const next = r.state === "failed" ? ` next ${formatTime(r.nextAttemptAt)}` : "";
    const why = r.reason ? `\n      ${r.reason}` : "";
    return `#${r.id} ${r.state.padEnd(9)} ${r.feedId} -> ${r.destinationId} attempts ${r.attempts}${next} ${formatTime(r.updatedAt)}\n      ${truncateLine(r.title, 90)}${where ? `\n      ${where}` : ""}${why}`;
  });
  return `${lines.join("\n")}\n`;
}

export function formatPollResult(result: PollOnceResult): string {
  const out: string[] = [];
  for (const f of result.feeds) {
    const detail =
      f.status === "not-modified"
        ? `not modified (${f.via === "304" ? "HTTP 304" : "same body"})`
        : f.status === "parsed"
          ? `${f.items} items, ${f.new} new, ${f.queued} queued, ${f.skipped} recorded without posting${f.via === "push" ? " (pushed by its hub)" : ""}`
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
  return `${out.join("\n")}\n`;
}

export function indent(text: string, prefix = "    "): string {
  return text.split("\n").map((l) => prefix + l).join("\n");
}

function truncateLine(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
