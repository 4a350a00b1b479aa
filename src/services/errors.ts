/**
 * A request an operation refuses: no such feed, destination or delivery, or one not in a state the
 * operation applies to. The CLI prints the message without a stack (exit code 2).
 */
import type { DeliveryErrorKind } from "../core/delivery-error.js";
import { closest } from "../config/suggest.js";

export class UsageError extends Error {
  override name = "UsageError";
}

/** "no feed "nosuch" in FILE; did you mean …? The feeds: a, b" */
export function unknownId(kind: "feed" | "destination", id: string, ids: readonly string[], file: string): UsageError {
  const meant = closest(id, ids);
  const list = ids.length ? `${ids.length > 20 ? `${ids.slice(0, 20).join(", ")} and ${ids.length - 20} more` : ids.join(", ")}` : "none";
  return new UsageError(`no ${kind} "${id}" in ${file}${meant ? `; did you mean \`${meant}\`?` : ""} (${kind === "feed" ? "feeds" : "destinations"}: ${list})`);
}

/**
 * A platform's failure in an operation other than posting (`check`, `unpost`): the kind in words
 * and the platform's own text. The adapters' messages speak of posts ("nothing was posted"), so
 * only their kind and detail are used.
 */
export function platformFailure(kind: DeliveryErrorKind, platformText: string): string {
  const what: Record<DeliveryErrorKind, string> = {
    transient: "could not reach the platform",
    "unknown-outcome": "no usable answer from the platform",
    "rate-limited": "rate limited by the platform",
    auth: "credentials refused",
    "destination-broken": "the channel or account cannot be used",
    rejected: "the platform refused the request",
    duplicate: "the platform refused the request as a repeat",
    processing: "the platform is still working on it",
  };
  return `${what[kind]}: ${platformText}`;
}
