/**
 * One HTTP exchange through undici's dispatch API (a handler object), the body gathered as it
 * arrives. undici's `request` makes a response stream, an async resource and promises per
 * request, and reading or dumping that stream costs event-loop turns; a 304, nearly every poll,
 * has no body at all, and a kept body is gathered whole anyway.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "../core/http.js";

export interface ExchangeRequest {
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** undici's headers and body (between chunks) timeouts, ms. */
  timeoutMs: number;
  /** No kept body may still be arriving after this time (epoch ms): a trickling server cannot hold us. */
  deadline: number;
  /** A kept body over this many bytes ends the exchange with `tooBig()`. */
  maxBytes: number;
}

export interface Exchange {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The body as sent when `decide` kept it; else empty (its bytes were read and dropped). */
  chunks: Buffer[];
  size: number;
}

/**
 * What to do with a response's body, from its status and headers: keep it, or read and drop it
 * (the connection stays reusable). May throw: the exchange ends with that error, the connection closed.
 */
export type DecideBody = (statusCode: number, headers: IncomingHttpHeaders, req: ExchangeRequest) => "keep" | "drop";

export interface ExchangeErrors {
  /** The error for a kept body over `maxBytes`. */
  tooBig(req: ExchangeRequest): Error;
  /** The error for a kept body still arriving at `deadline`. */
  late(req: ExchangeRequest): Error;
}

/** A dropped body is read up to this many bytes (as undici's `dump`), then the connection is closed instead. */
const DROP_LIMIT = 128 * 1024;

/**
 * Sends a GET and gathers its answer. Rejects with the handler's own errors (`decide`'s, `errors`')
 * as they are, and undici's network errors as undici reports them.
 */
export function exchange(dispatcher: Dispatcher, req: ExchangeRequest, decide: DecideBody, errors: ExchangeErrors): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    dispatcher.dispatch(
      { origin: req.origin, path: req.path, method: "GET", headers: req.headers, headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs },
      new ExchangeHandler(req, decide, errors, resolve, reject),
    );
  });
}

const NO_CHUNKS: Buffer[] = []; // a dropped body's (never written to)

/** One exchange's state and undici's callbacks: one object a request, not one closure per callback. */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  private readonly result: Exchange = { statusCode: 0, headers: {}, chunks: NO_CHUNKS, size: 0 };
  private keep = false;
  private settled = false;

  constructor(
    private readonly req: ExchangeRequest,
    private readonly decide: DecideBody,
    private readonly errors: ExchangeErrors,
    private readonly resolve: (answer: Exchange) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  onRequestStart(): void {}

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Exchange["headers"]): void {
    if (statusCode < 200 || this.settled) return; // 1xx: informational, the answer follows
    this.result.statusCode = statusCode;
    this.result.headers = headers;
    try {
      this.keep = this.decide(statusCode, headers, this.req) === "keep";
      if (this.keep) this.result.chunks = [];
    } catch (err) {
      this.fail(controller, err as Error);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    const result = this.result;
    result.size += chunk.length;
    if (!this.keep) {
      if (result.size <= DROP_LIMIT) return;
      // Not worth reading on: what we have answers the request; the connection goes.
      this.settled = true;
      this.resolve(result);
      controller.abort(new Error("dropped body too long"));
      return;
    }
    if (result.size > this.req.maxBytes) return this.fail(controller, this.errors.tooBig(this.req));
    if (Date.now() > this.req.deadline) return this.fail(controller, this.errors.late(this.req));
    result.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(this.result);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }

  private fail(controller: Dispatcher.DispatchController, err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
    controller.abort(err);
  }
}
