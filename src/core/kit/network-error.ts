/**
 * The network half of every adapter's `classify`: did a failed request provably never leave, or
 * may the platform have received it? Pure; never throws.
 *
 * The error is read as the clients really throw it (each shape is produced by a real failed
 * request in network-error.test.ts): undici's own errors and Node's errno errors, global fetch's
 * `TypeError: fetch failed` with the socket error as `cause` (masto, @atproto's XRPCError with
 * status 1 around it), happy-eyeballs' AggregateError, node-fetch's FetchError (telegraf:
 * `type: "system"` and the errno `code`), twitter-api-v2's ApiRequestError (the socket error kept
 * in a hidden `_options`), and the AbortError/TimeoutError of an aborted signal.
 */
import { NOT_SENT_CODES, deliveryError, errorText, type DeliveryError } from "../delivery-error.js";

/** Thrown by a client when a request failed before any byte of it was written (see json-client.ts). */
export class RequestNotSentError extends Error {
  override name = "RequestNotSentError";
  constructor(cause: unknown) {
    super(`the request was not sent: ${errorText(cause)}`, { cause });
  }
}

/** What a network failure means for the post. Plain data. */
export interface NetworkFailure {
  /** "not-sent": provably never left (safe to retry); "unknown-outcome": it may have been written. */
  outcome: "not-sent" | "unknown-outcome";
  /** The errno or undici code found in the error or its causes, e.g. "ECONNREFUSED". */
  code?: string;
  /** Set when an aborted signal ended the request: "timeout" (a TimeoutError reason) or "aborted". */
  abort?: "timeout" | "aborted";
  /** One line for `DeliveryError.detail`: the code and the innermost message. */
  detail: string;
}

/**
 * Codes raised before a request is written, beyond the core's NOT_SENT_CODES: no local address,
 * the network down, a name that cannot resolve, a certificate refused during the handshake.
 */
const ALSO_NOT_SENT = new Set([
  "EADDRNOTAVAIL", "ENETDOWN", "EAI_FAIL", "EAI_NODATA", "EAI_NONAME",
  "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_NOT_YET_VALID", "CERT_REVOKED", "CERT_UNTRUSTED",
]);

/** Socket failures after a connection existed (the request may have been written). */
const AFTER_CONNECT = new Set([
  "ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "ENETRESET", "EHOSTDOWN", "EPROTO", "ESOCKETTIMEDOUT",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/** undici codes that are mistakes in the call, not the network: nothing to retry, nothing to guess. */
const NOT_NETWORK_UNDICI = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_NOT_SUPPORTED", "UND_ERR_INVALID_RETURN_VALUE"]);

const NETWORK_SYSCALLS = new Set(["connect", "getaddrinfo", "read", "write", "writev"]);

type Node = Record<string, unknown>;

/** Every error in the chain, outermost first: `cause`, AggregateError's `errors`, the SDKs' hidden causes. */
export function errorChain(err: unknown, max = 20): Node[] {
  const out: Node[] = [];
  const queue: unknown[] = [err];
  const seen = new Set<unknown>();
  while (queue.length > 0 && out.length < max) {
    const e = queue.shift();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const n = e as Node;
    out.push(n);
    const options = n._options as Node | undefined; // twitter-api-v2 ApiRequestError / ApiPartialResponseError
    const inner = [n.cause, n.requestError, options?.requestError, options?.error, options?.responseError, n.error instanceof Error ? n.error : undefined];
    queue.push(...inner.filter((c) => c !== undefined));
    if (Array.isArray(n.errors)) queue.push(...(n.errors as unknown[]));
  }
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function isNetworkCode(node: Node, code: string): boolean {
  if (NOT_NETWORK_UNDICI.has(code)) return false;
  if (NOT_SENT_CODES.has(code) || ALSO_NOT_SENT.has(code) || AFTER_CONNECT.has(code)) return true;
  if (code.startsWith("UND_ERR_") || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_")) return true;
  const syscall = str(node.syscall);
  return syscall !== undefined && NETWORK_SYSCALLS.has(syscall) && /^E[A-Z]+$/.test(code);
}

/**
 * Reads a thrown error as a network failure; undefined when it is not one (an HTTP answer, a bug,
 * a platform's own error without a socket cause). An abort counts as `unknown-outcome` unless a
 * client proved the request never left (RequestNotSentError): the error alone cannot tell an
 * abort while connecting from one after the request was written. Pure; never throws.
 */
export function networkFailure(err: unknown): NetworkFailure | undefined {
  let chain: Node[];
  try {
    chain = errorChain(err);
  } catch {
    return undefined;
  }
  const codes = chain.map((n) => ({ n, code: str(n.code) })).filter((c): c is { n: Node; code: string } => c.code !== undefined && isNetworkCode(c.n, c.code));
  const code = codes[0]?.code;
  const names = chain.map((n) => str(n.name));
  const abort: NetworkFailure["abort"] = names.includes("TimeoutError") || names.includes("MastoTimeoutError")
    ? "timeout"
    : names.includes("AbortError") || chain.some((n) => n.type === "aborted") ? "aborted" : undefined;
  const innermost = chain.at(-1);
  const detail = [code, str(innermost?.message) ?? errorText(err)].filter(Boolean).join(": ");
  const extra = { ...(code ? { code } : {}), ...(abort ? { abort } : {}), detail };
  if (names.includes("RequestNotSentError")) return { outcome: "not-sent", ...extra };
  if (code !== undefined && (NOT_SENT_CODES.has(code) || ALSO_NOT_SENT.has(code))) return { outcome: "not-sent", ...extra };
  if (code !== undefined || abort !== undefined) return { outcome: "unknown-outcome", ...extra };
  // fetch's "TypeError: fetch failed" is its network error (Fetch standard), whatever its cause;
  // node-fetch's FetchError of type "system" is a socket error.
  const fetchFailed = chain.some((n) => n instanceof TypeError && n.message === "fetch failed");
  const nodeFetch = chain.some((n) => n.name === "FetchError" && (n.type === "system" || n.type === "request-timeout" || n.type === "body-timeout"));
  return fetchFailed || nodeFetch ? { outcome: "unknown-outcome", ...extra } : undefined;
}

/** How an adapter words the network failures of its platform. */
export interface NetworkWording {
  /** Who was being called, as an operator knows it: "Discord", "the Mastodon server", "the PDS". */
  platform: string;
  /** Appended to unknown-outcome messages, e.g. "a retry with the same Idempotency-Key cannot post twice". */
  retryNote?: string;
  /** Removes secrets that lower layers may quote (a webhook token in a URL) from the detail. */
  redact?: (text: string) => string;
}

/**
 * The DeliveryError of a network failure: `transient` when the request provably never left,
 * `unknown-outcome` otherwise; undefined when `err` is no network failure. Pure; never throws.
 */
export function networkDeliveryError(err: unknown, wording: NetworkWording): DeliveryError | undefined {
  const failure = networkFailure(err);
  if (!failure) return undefined;
  const { platform } = wording;
  let detail = failure.detail;
  try {
    detail = wording.redact ? wording.redact(detail) : detail;
  } catch {
    detail = "(detail withheld: it could not be redacted)";
  }
  const code = failure.code ? ` (${failure.code})` : "";
  if (failure.outcome === "not-sent") {
    const why = failure.abort === "timeout" ? "the send timed out before the request left" : failure.abort ? "the send was cancelled before the request left" : `cannot reach ${platform}${code}`;
    return deliveryError("transient", `${why}; nothing was posted`, { detail });
  }
  const note = wording.retryNote ? ` (${wording.retryNote})` : "";
  const what = failure.abort === "timeout"
    ? `the send timed out after it may have reached ${platform}`
    : failure.abort ? `the send was cancelled (shutdown) after it may have reached ${platform}` : `the connection to ${platform} failed${code}`;
  return deliveryError("unknown-outcome", `${what}; the post may or may not exist${note}`, { detail });
}
