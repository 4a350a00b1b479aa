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
export type DecideBody = (statusCode: number, headers: IncomingHttpHeaders) => "keep" | "drop";

export interface ExchangeErrors {
  /** The error for a kept body over `maxBytes`. */
  tooBig(): Error;
  /** The error for a kept body still arriving at `deadline`. */
  late(): Error;
}

/** A dropped body is read up to this many bytes (as undici's `dump`), then the connection is closed instead. */
const DROP_LIMIT = 128 * 1024;

/**
 * Sends a GET and gathers its answer. Rejects with the handler's own errors (`decide`'s, `errors`')
 * as they are, and undici's network errors as undici reports them.
 */
export function exchange(dispatcher: Dispatcher, req: ExchangeRequest, decide: DecideBody, errors: ExchangeErrors): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    const result: Exchange = { statusCode: 0, headers: {}, chunks: [], size: 0 };
    let keep = false;
    let settled = false;
    const fail = (controller: Dispatcher.DispatchController, err: Error): void => {
      if (settled) return;
      settled = true;
      reject(err);
      controller.abort(err);
    };
    dispatcher.dispatch(
      { origin: req.origin, path: req.path, method: "GET", headers: req.headers, headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs },
      {
        onRequestStart() {},
        onResponseStart(controller, statusCode, headers) {
          if (statusCode < 200 || settled) return; // 1xx: informational, the answer follows
          result.statusCode = statusCode;
          result.headers = headers;
          try {
            keep = decide(statusCode, headers) === "keep";
          } catch (err) {
            fail(controller, err as Error);
          }
        },
        onResponseData(controller, chunk) {
          if (settled) return;
          result.size += chunk.length;
          if (!keep) {
            if (result.size <= DROP_LIMIT) return;
            // Not worth reading on: what we have answers the request; the connection goes.
            settled = true;
            resolve(result);
            controller.abort(new Error("dropped body too long"));
            return;
          }
          if (result.size > req.maxBytes) return fail(controller, errors.tooBig());
          if (Date.now() > req.deadline) return fail(controller, errors.late());
          result.chunks.push(chunk);
        },
        onResponseEnd() {
          if (settled) return;
          settled = true;
          resolve(result);
        },
        onResponseError(_controller, err) {
          if (settled) return;
          settled = true;
          reject(err);
        },
      },
    );
  });
}
