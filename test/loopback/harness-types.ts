// Public types of the loopback harness (re-exported by harness.ts).
import type http from "node:http";
import type { FaultAction } from "./fault.js";
import type { ParsedBody } from "./harness-body.js";
import type { LimitState, WindowLimiter } from "./harness-limits.js";

/** What the server answers. `body`: JSON-encoded, unless a string or Buffer (sent as is). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * The shared fault vocabulary (fault.ts) plus two the harness adds: `destroy-unread` destroys the
 * socket before the body is read (the client may still be writing), `hang-before` never processes
 * nor answers. Every hang ends when the client gives up or the harness closes.
 */
export type HarnessFault = FaultAction | { kind: "destroy-unread" } | { kind: "hang-before" };

export interface RecordedRequest extends ParsedBody {
  method: string;
  /** Path without the query string, as sent (not decoded). */
  path: string;
  /** Query parameters (the last value of a repeated name); `search` keeps the raw string. */
  query: Record<string, string>;
  search: string;
  headers: http.IncomingHttpHeaders;
  /** The raw body (empty for `destroy-unread`). */
  body: Buffer;
  /** The route pattern that matched, and its decoded parameters. */
  route?: string;
  params: Record<string, string>;
  receivedAt: number;
  /** The status answered, once answered. */
  status?: number;
  /** Set when the client closed the connection before an answer (it gave up, or a fault). */
  abandoned?: boolean;
}

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

/** A rate limit on some requests, with the platform's headers on every answer it counts. */
export interface LimitRule {
  /** Which requests count: a route pattern as given to `route()`, or a predicate. Default: every routed request. */
  match?: string | ((req: RecordedRequest) => boolean);
  /** The counter's key (token, user, channel); undefined: this request is not counted. */
  key: (req: RecordedRequest) => string | undefined;
  limiter: WindowLimiter;
  headers?: (state: LimitState, now: number) => Record<string, string>;
  /** The platform's answer when the window is full. */
  tooMany: (state: LimitState, now: number, req: RecordedRequest) => Reply;
}

export interface HarnessOptions {
  /** Called for each request once recorded, before it is routed: a fault, or undefined to answer normally. */
  onRequest?: (req: RecordedRequest) => HarnessFault | undefined | Promise<HarnessFault | undefined>;
  /** Answer for a request no route matches. Default 404 `{"error": "not found"}`. */
  notFound?: (req: RecordedRequest) => Reply;
  /** Answer when a handler throws. Default 500 with the error's text. */
  internalError?: (err: unknown, req: RecordedRequest) => Reply;
  /** Bodies over this many bytes get `tooLarge` (default 413) without being routed. Default 64 MiB. */
  maxBodyBytes?: number;
  tooLarge?: (req: RecordedRequest) => Reply;
  limits?: LimitRule[];
  /** The clock recorded requests and limits read; default Date.now. */
  now?: () => number;
}

export interface Harness {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  requests: RecordedRequest[];
  /** Routes `method` (or several, or "*") on `pattern`: "/webhooks/:id/:token", "/bot:token/:method", or a RegExp with named groups. */
  route(method: string | readonly string[], pattern: string | RegExp, handler: Handler): Harness;
  /** Applies `fault` to the next `times` (default 1) requests that `match` (default all). */
  inject(fault: HarnessFault, opts?: { times?: number; match?: (req: RecordedRequest) => boolean }): void;
  /** Resolves with the first recorded request (past or future) that matches; rejects after `timeoutMs`. */
  waitForRequest(match?: (req: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Ends hangs and delays, destroys every socket, stops listening. Idempotent. */
  close(): Promise<void>;
}
