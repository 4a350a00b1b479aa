/**
 * Stage 1, fetch: one feed's bytes, or "not modified". HTTP through undici with a timeout, a
 * body-size cap, a redirect cap, gzip/deflate/brotli and conditional GET; local files too.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { Agent, interceptors, request, type Dispatcher } from "undici";
import type { FeedSource } from "../config/load.js";

export interface FetchRequest {
  source: FeedSource;
  etag: string | null;
  lastModified: string | null;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
}

export type FetchResult =
  | { status: "not-modified" }
  | {
      status: "fetched";
      body: Buffer;
      /** sha256 of the body, hex: an unchanged body is not parsed again. */
      bodyHash: string;
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
      /** URL the body came from, as a base for relative links. */
      url: string | null;
    };

/** Why a fetch failed, in words an operator can act on. */
export class FetchError extends Error {
  override name = "FetchError";
}

let sharedDispatcher: Dispatcher | undefined;
/** One keep-alive pool for every feed; redirects and decompression as interceptors. */
function dispatcher(): Dispatcher {
  sharedDispatcher ??= new Agent({ keepAliveTimeout: 30_000, connections: 4 }).compose(
    interceptors.redirect({ maxRedirections: 5 }),
    interceptors.decompress(),
  );
  return sharedDispatcher;
}

/** Closes pooled connections (at shutdown). */
export async function closeFetchPool(): Promise<void> {
  const d = sharedDispatcher;
  sharedDispatcher = undefined;
  await d?.close();
}

export function hashBody(body: Buffer): string {
  return createHash("sha256").update(body).digest("hex");
}

/** Fetches a feed. @throws FetchError with a one-line reason. */
export async function fetchFeed(req: FetchRequest): Promise<FetchResult> {
  return req.source.kind === "file" ? fetchFile(req.source.path, req.maxBytes) : fetchHttp(req.source.url, req);
}

async function fetchFile(file: string, maxBytes: number): Promise<FetchResult> {
  try {
    const info = await stat(file);
    if (info.size > maxBytes) throw new FetchError(`file is ${info.size} bytes, over the ${maxBytes}-byte limit`);
    const body = await readFile(file);
    return { status: "fetched", body, bodyHash: hashBody(body), contentType: null, etag: null, lastModified: null, url: null };
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function fetchHttp(url: string, req: FetchRequest): Promise<FetchResult> {
  const headers: Record<string, string> = {
    "user-agent": req.userAgent,
    accept: "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
    "accept-encoding": "gzip, deflate, br",
  };
  if (req.etag) headers["if-none-match"] = req.etag;
  if (req.lastModified) headers["if-modified-since"] = req.lastModified;
  const signal = AbortSignal.timeout(req.timeoutMs);
  let response: Dispatcher.ResponseData<unknown>;
  try {
    response = await request(url, {
      method: "GET",
      headers,
      signal,
      dispatcher: dispatcher(),
      maxRedirections: req.maxRedirects,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    } as Parameters<typeof request>[1]);
  } catch (err) {
    throw new FetchError(describeNetworkError(err, req.timeoutMs));
  }
  const { statusCode } = response;
  if (statusCode === 304) {
    await response.body.dump();
    return { status: "not-modified" };
  }
  if (statusCode >= 300 && statusCode < 400) {
    await response.body.dump();
    throw new FetchError(`HTTP ${statusCode}: more than ${req.maxRedirects} redirects (or a redirect without a Location)`);
  }
  if (statusCode < 200 || statusCode >= 300) {
    await response.body.dump();
    throw new FetchError(`HTTP ${statusCode} from ${new URL(url).host}`);
  }
  const declared = Number(header(response.headers, "content-length") ?? NaN);
  if (declared > req.maxBytes && !header(response.headers, "content-encoding")) {
    response.body.destroy();
    throw new FetchError(`body of ${declared} bytes is over the ${req.maxBytes}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > req.maxBytes) {
        response.body.destroy();
        throw new FetchError(`body is over the ${req.maxBytes}-byte limit`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError(describeNetworkError(err, req.timeoutMs));
  }
  const body = Buffer.concat(chunks, size);
  return {
    status: "fetched",
    body,
    bodyHash: hashBody(body),
    contentType: header(response.headers, "content-type"),
    etag: header(response.headers, "etag"),
    lastModified: header(response.headers, "last-modified"),
    url,
  };
}

function header(headers: Dispatcher.ResponseData<unknown>["headers"], name: string): string | null {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  if (e.name === "TimeoutError" || e.name === "AbortError" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return `no complete answer within ${timeoutMs} ms`;
  }
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host name not found";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "connection reset by the server";
  return `${code ? `${code}: ` : ""}${e.message ?? String(err)}`;
}
