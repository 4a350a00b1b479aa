/**
 * Stage 1, fetch: one feed's bytes, or "not modified". HTTP through undici with a timeout, a
 * body-size cap, a redirect cap, gzip/deflate/brotli and conditional GET; local files too.
 */
import { createHash, hash } from "node:crypto";
import { open } from "node:fs/promises";
import LinkHeader from "http-link-header";
import { Agent, requestTarget, type Dispatcher, type RequestTarget } from "../core/http.js";
import { exchange, type Exchange, type ExchangeErrors, type ExchangeRequest } from "./fetch-exchange.js";
import { parseRetryAfter } from "../core/kit/rate-limit-headers.js";
import { collectWebSubLinks, type WebSubLinks } from "./websub-links.js";
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
  | {
      status: "not-modified";
      /** The server's Cache-Control max-age, in ms (null: none). */
      maxAgeMs: number | null;
      headerLinks: WebSubLinks | null;
      /** The feed's new address when every redirect on the way was permanent (301/308); else null. */
      movedTo?: string | null;
    }
  | {
      status: "fetched";
      maxAgeMs: number | null;
      body: Buffer;
      /**
       * sha256, hex, of the body as it came (a compressed one: of its Content-Encoding and the bytes
       * as sent, hashed as they arrive): an unchanged body is not parsed again.
       */
      bodyHash: string;
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
      /** URL the body came from, as a base for relative links. */
      url: string | null;
      /** WebSub discovery from HTTP `Link` headers (rel="hub", rel="self"); null when none. */
      headerLinks: WebSubLinks | null;
      movedTo?: string | null;
    };

/** Why a fetch failed, in words an operator can act on. */
export class FetchError extends Error {
  override name = "FetchError";
  constructor(
    message: string,
    /** The server answered 429/503 with a Retry-After: come back after this many ms. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

let sharedDispatcher: Dispatcher | undefined;
let connectionsPerOrigin = 4;

/** Sets the pool's connections per origin (the per-host concurrency limit) before first use. */
export function configureFetchPool(opts: { connectionsPerHost: number }): void {
  connectionsPerOrigin = opts.connectionsPerHost;
}

/**
 * One keep-alive pool for every feed. At most `connectionsPerOrigin` connections to one server:
 * further requests to it queue in the pool. No interceptors: redirects and decompression matter
 * only for the few answers that are not a 304, and each interceptor layer costs every answer
 * (fetchHttp follows redirects and gunzips itself, with node:zlib).
 */
function dispatcher(): Dispatcher {
  sharedDispatcher ??= new Agent({ keepAliveTimeout: 30_000, connections: connectionsPerOrigin });
  return sharedDispatcher;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Closes pooled connections (at shutdown). */
export async function closeFetchPool(): Promise<void> {
  const d = sharedDispatcher;
  sharedDispatcher = undefined;
  await d?.close();
}

/** sha256 of a body, hex (collision-resistant: an equal hash means "unchanged", nothing parsed). Pure. */
export function hashBody(body: Buffer): string {
  return hash("sha256", body, "hex");
}

/** Fetches a feed. @throws FetchError with a one-line reason. */
export function fetchFeed(req: FetchRequest): Promise<FetchResult> {
  // Not async itself: an async function returning another's promise costs extra ticks, per feed.
  return req.source.kind === "file" ? fetchFile(req.source.path, req.maxBytes) : fetchHttp(req.source, req);
}

/**
 * A feed URL split into undici's origin and path once per feed source (the config's object), not
 * once per poll: parsing a URL costs as much as the rest of a 304 outside undici. What is kept per
 * feed is small (100,000 feeds in one process): when the URL is its origin followed by its path, as
 * nearly every feed URL is, only the origin, one string shared by the feeds of a server, and the
 * path is the URL's tail; otherwise (a fragment, a form undici normalises) both parts.
 */
const targets = new WeakMap<object, string | RequestTarget>();
const origins = new Map<string, string>();
function targetOf(source: { url: string }): RequestTarget {
  let target = targets.get(source);
  if (target === undefined) {
    const split = requestTarget(source.url);
    const origin = origins.get(split.origin) ?? split.origin;
    origins.set(origin, origin);
    target = source.url === origin + split.path ? origin : { origin, path: split.path };
    targets.set(source, target);
  }
  return typeof target === "string" ? { origin: target, path: source.url.slice(target.length) } : target;
}

async function fetchFile(file: string, maxBytes: number): Promise<FetchResult> {
  try {
    // One open: the size from the open file (a stat by path first cost as much as the read).
    const handle = await open(file, "r");
    let body: Buffer;
    try {
      const info = await handle.stat();
      if (info.size > maxBytes) throw new FetchError(`file is ${info.size} bytes, over the ${maxBytes}-byte limit`);
      body = await handle.readFile();
    } finally {
      await handle.close();
    }
    return { status: "fetched", maxAgeMs: null, body, bodyHash: hashBody(body), contentType: null, etag: null, lastModified: null, url: null, headerLinks: null };
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** What a feed request accepts: the feed formats first (the bench's floor sends the same bytes). */
export const FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";
export const FEED_ACCEPT_ENCODING = "gzip, deflate, br";

async function fetchHttp(source: { url: string }, req: FetchRequest): Promise<FetchResult> {
  const url = source.url;
  const headers: Record<string, string> = {
    "user-agent": req.userAgent,
    accept: FEED_ACCEPT,
    "accept-encoding": FEED_ACCEPT_ENCODING,
  };
  if (req.etag) headers["if-none-match"] = req.etag;
  if (req.lastModified) headers["if-modified-since"] = req.lastModified;
  // undici's own timeouts (no AbortSignal per request: it costs more than the rest of a 304), and a
  // deadline checked as the body arrives, so that a server trickling bytes cannot hold us forever.
  const deadline = Date.now() + req.timeoutMs;
  let response: Exchange;
  let current = url;
  let permanent = true; // every redirect so far was 301/308
  for (let hop = 0; ; hop++) {
    try {
      // The feed's own URL (nearly every poll) is split once per feed; a redirect's on the way.
      const { origin, path } = hop === 0 ? targetOf(source) : requestTarget(current);
      response = await exchange(dispatcher(), { origin, path, headers, timeoutMs: req.timeoutMs, deadline, maxBytes: req.maxBytes }, decideBody, FETCH_ERRORS);
    } catch (err) {
      if (err instanceof FetchError) throw err;
      throw new FetchError(describeNetworkError(err, req.timeoutMs));
    }
    const location = REDIRECTS.has(response.statusCode) ? header(response.headers, "location") : null;
    if (!location) break;
    permanent &&= response.statusCode === 301 || response.statusCode === 308;
    if (hop >= req.maxRedirects) throw new FetchError(`HTTP ${response.statusCode}: more than ${req.maxRedirects} redirects`);
    try {
      current = new URL(location, current).href;
    } catch {
      throw new FetchError(`HTTP ${response.statusCode}: a redirect to an invalid URL (${location.slice(0, 100)})`);
    }
    if (!/^https?:$/.test(new URL(current).protocol)) throw new FetchError(`HTTP ${response.statusCode}: a redirect to a non-HTTP URL`);
  }
  const { statusCode } = response;
  const maxAgeMs = cacheMaxAgeMs(header(response.headers, "cache-control"));
  const movedTo = permanent && current !== url ? current : null;
  if (statusCode === 304) {
    return { status: "not-modified", maxAgeMs, headerLinks: response.headers.link ? websubHeaderLinks(response.headers.link, current) : null, movedTo };
  }
  if (statusCode >= 300 && statusCode < 400) throw new FetchError(`HTTP ${statusCode} without a Location to follow`);
  if (statusCode < 200 || statusCode >= 300) {
    const retryAfterMs = statusCode === 429 || statusCode === 503 ? (parseRetryAfter(header(response.headers, "retry-after"), Date.now()) ?? null) : null;
    const asked = retryAfterMs !== null ? `; asked to come back in ${Math.round(retryAfterMs / 1000)} s` : "";
    throw new FetchError(`HTTP ${statusCode} from ${new URL(current).host}${asked}`, retryAfterMs);
  }
  const encoding = contentEncoding(response.headers);
  const decode = decompressor(encoding);
  // The body as sent, then decompressed in one call: a streaming decompressor would keep each feed's
  // chunks alive over many event-loop turns, long enough for V8 to move them to its old space,
  // where thousands of them wait for a full GC (tens of MB during a first poll of many feeds).
  // A compressed body is hashed as sent (a fraction of its decoded size), under its encoding's name
  // so that it can never equal a plain body's hash; a plain one as hashBody hashes it.
  const digest = createHash("sha256");
  if (decode) digest.update(`${encoding}\n`);
  for (const chunk of response.chunks) digest.update(chunk);
  let bytes: Buffer = Buffer.concat(response.chunks, response.size);
  if (decode) {
    try {
      // The cap applies to the decoded bytes: a small gzip bomb stops at maxBytes too.
      bytes = decode(bytes, { maxOutputLength: req.maxBytes });
    } catch (err) {
      if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw new FetchError(`body is over the ${req.maxBytes}-byte limit`);
      throw new FetchError(`the ${encoding} body could not be decompressed: ${(err as Error).message}`);
    }
  }
  return {
    status: "fetched",
    maxAgeMs,
    body: bytes,
    bodyHash: digest.digest("hex"),
    contentType: header(response.headers, "content-type"),
    etag: header(response.headers, "etag"),
    lastModified: header(response.headers, "last-modified"),
    url: current,
    headerLinks: websubHeaderLinks(response.headers.link, current),
    movedTo,
  };
}

/** The exchange's errors, made only when one happens (no closures per poll). */
const FETCH_ERRORS: ExchangeErrors = {
  tooBig: (req) => new FetchError(`body is over the ${req.maxBytes}-byte limit`),
  late: (req) => new FetchError(`no complete answer within ${req.timeoutMs} ms`),
};

/**
 * Keep a success's body (refused at once when its declared size is over the limit, or its
 * encoding is one we cannot decode); read and drop any other: a 304 has none, a redirect's or an
 * error's is not used. @throws FetchError
 */
function decideBody(statusCode: number, headers: Exchange["headers"], { maxBytes }: ExchangeRequest): "keep" | "drop" {
  if (statusCode < 200 || statusCode >= 300) return "drop";
  const encoding = contentEncoding(headers);
  decompressor(encoding); // throws for an encoding we did not ask for
  const declared = Number(header(headers, "content-length") ?? NaN);
  if (declared > maxBytes && encoding === "identity") throw new FetchError(`body of ${declared} bytes is over the ${maxBytes}-byte limit`);
  return "keep";
}

function contentEncoding(headers: Exchange["headers"]): string {
  return (header(headers, "content-encoding") ?? "identity").trim().toLowerCase();
}

type Decompress = (data: Buffer, opts: { maxOutputLength: number }) => Buffer;

// node:zlib when a body is compressed: a poll of file or unchanged feeds decodes nothing (~1 ms to load).
const zlib = (): typeof import("node:zlib") => process.getBuiltinModule("node:zlib");

/** node:zlib's one-call decoder for a Content-Encoding we asked for, or null for identity. @throws FetchError otherwise. */
function decompressor(encoding: string): Decompress | null {
  switch (encoding) {
    case "identity":
    case "":
      return null;
    case "gzip":
    case "x-gzip":
      return zlib().gunzipSync;
    case "deflate":
      return zlib().inflateSync;
    case "br":
      return zlib().brotliDecompressSync;
    default:
      throw new FetchError(`unsupported Content-Encoding "${encoding.slice(0, 40)}"`);
  }
}

/** rel="hub" and rel="self" of the response's Link headers (RFC 8288), absolute; null when there are none. */
export function websubHeaderLinks(value: string | string[] | undefined, base: string): WebSubLinks | null {
  if (!value) return null;
  const refs: Array<{ href: string; rel: string }> = [];
  for (const line of Array.isArray(value) ? value : [value]) {
    let parsed: LinkHeader;
    try {
      parsed = LinkHeader.parse(line);
    } catch {
      continue; // a malformed Link header is no reason to fail the feed
    }
    for (const ref of parsed.refs) {
      const href = URL.canParse(ref.uri, base) ? new URL(ref.uri, base).href : null;
      if (href) refs.push({ href, rel: ref.rel });
    }
  }
  const found = collectWebSubLinks(refs);
  return found.hubs.length || found.self ? found : null;
}

/** `max-age` of a Cache-Control header in ms; null when absent or when the response must be revalidated. */
export function cacheMaxAgeMs(value: string | null): number | null {
  if (!value) return null;
  const directives = value.toLowerCase().split(",").map((d) => d.trim());
  if (directives.some((d) => d === "no-cache" || d === "no-store")) return null;
  const maxAge = directives.find((d) => d.startsWith("max-age="))?.slice("max-age=".length).replace(/^"|"$/g, "");
  if (!maxAge || !/^\d+$/.test(maxAge)) return null;
  return Number(maxAge) * 1000;
}

function header(headers: Exchange["headers"], name: string): string | null {
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
