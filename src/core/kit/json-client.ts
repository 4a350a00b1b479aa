/**
 * A small JSON-over-HTTP client for adapters, on the project's undici stack (src/core/http.ts).
 * Not pure: network I/O. Import it from send-side modules only (it loads undici), never from an
 * adapter's index.ts or classify.ts; those import HttpError from http-error.ts.
 *
 * - Every call takes the send's AbortSignal and nothing else bounds it: the core already sets the
 *   send timeout (no per-request `AbortSignal.any([signal, AbortSignal.timeout(...)])` on top).
 * - A request that failed, or whose signal fired, before undici handed it to a socket is thrown as
 *   RequestNotSentError: it provably never left (a refused connection, a DNS failure, a timeout
 *   while waiting for a connection), and classifies as `transient`.
 * - A non-2xx answer is thrown as HttpError with the body read once (JSON when the content type
 *   says so, else text, capped) and the rate-limit headers read once; a 2xx whose body cannot be
 *   read is a ResponseBodyError (the platform acted; what it made is unknown).
 * - Errors name the request by method and route, with the configured secrets taken out.
 */
import { Agent, request, type Dispatcher, type RequestOptions } from "../http.js";
import { HttpError, ResponseBodyError, type RequestName } from "./http-error.js";
import { toFormData, type MultipartBody } from "./multipart.js";
import { networkFailure, RequestNotSentError } from "./network-error.js";
import { readRateLimit, type RateLimitInfo } from "./rate-limit-headers.js";

export { HttpError, ResponseBodyError } from "./http-error.js";
export { RequestNotSentError } from "./network-error.js";
export { encodePath } from "./request-path.js";
export type { MultipartBody, MultipartFile } from "./multipart.js";

type Scalar = string | number | boolean;
/** Query or form values: absent ones are left out, arrays repeat the name (`media_ids[]=1&media_ids[]=2`). */
export type Params = Readonly<Record<string, Scalar | readonly Scalar[] | null | undefined>>;

export interface JsonClientOptions {
  /** The API root from the destination's config, e.g. "https://discord.com/api/v10": paths are appended to its path. */
  baseUrl: string;
  /** Sent with every request: authorization, user-agent (default "crier"), accept (default JSON). */
  headers?: Readonly<Record<string, string>>;
  /** Secret values (tokens) that may appear in paths: replaced by "{secret}" in every error's route. */
  secrets?: readonly string[];
  /** Options of the client's own connection pool (released by close()). */
  agent?: ConstructorParameters<typeof Agent>[0];
  /** Largest 2xx body read, in bytes (default 8 MiB). */
  maxBodyBytes?: number;
  /** Largest error body kept, in bytes (default 16 KiB); the rest is dropped. */
  maxErrorBodyBytes?: number;
  /** The clock rate-limit waits are measured with when an answer has no Date (default Date.now). */
  now?: () => number;
}

export interface CallOptions {
  /** The send's signal (or check's, delete's): the only bound on the call. */
  signal: AbortSignal;
  query?: Params;
  /** At most one body: JSON, form-urlencoded, or multipart. */
  json?: unknown;
  form?: Params;
  multipart?: MultipartBody;
  headers?: Readonly<Record<string, string>>;
  /** How errors name the request, e.g. "/webhooks/{id}/{token}"; default: the path with secrets taken out. */
  route?: string;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** Parsed JSON when the content type says JSON (or none is given and the body looks like JSON), else the text; null when empty. */
  body: T;
  rateLimit: RateLimitInfo;
}

const STARTED = Symbol("crier.onRequestStart");
type Dispatch = Dispatcher["dispatch"];
// undici's new handler API (onRequestStart, onResponseStart, ...), as compose() hands handlers to interceptors.
type Handler = Record<string, ((...args: unknown[]) => unknown) | undefined>;

/** Calls `opts[STARTED]` when undici hands the request to a socket, right before it writes it (client-h1 writeH1). */
function trackStart(dispatch: Dispatch): Dispatch {
  return (opts, handler) => {
    const onStart = (opts as { [STARTED]?: () => void })[STARTED];
    if (!onStart) return dispatch(opts, handler);
    const h = handler as unknown as Handler;
    const pass = (name: string) => (...args: unknown[]) => h[name]?.(...args);
    const wrapped = {
      onRequestStart: (...args: unknown[]) => (onStart(), h.onRequestStart?.(...args)),
      onRequestUpgrade: pass("onRequestUpgrade"),
      onResponseStart: pass("onResponseStart"),
      onResponseData: pass("onResponseData"),
      onResponseEnd: pass("onResponseEnd"),
      onResponseError: pass("onResponseError"),
    };
    return dispatch(opts, wrapped as unknown as Parameters<Dispatch>[1]);
  };
}

function appendParams(into: URLSearchParams, params: Params | undefined): URLSearchParams {
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) into.append(name, String(v));
  }
  return into;
}

function flatHeaders(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  return out;
}

async function readCapped(body: Dispatcher.ResponseData["body"], max: number): Promise<{ text: string; over: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    if (size + b.length > max) {
      chunks.push(b.subarray(0, max - size));
      return { text: Buffer.concat(chunks).toString("utf8"), over: true }; // leaving the loop destroys the body
    }
    chunks.push(b);
    size += b.length;
  }
  return { text: Buffer.concat(chunks).toString("utf8"), over: false };
}

function parsed(text: string, contentType: string | undefined): { json: unknown } | { text: string } {
  const looksJson = contentType === undefined ? /^\s*[[{]/.test(text) : /[/+]json\b/i.test(contentType);
  if (!looksJson) return { text };
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return { text };
  }
}

export class JsonClient {
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;
  private readonly base: URL;

  constructor(private readonly opts: JsonClientOptions) {
    this.base = new URL(opts.baseUrl);
    this.agent = new Agent(opts.agent);
    this.dispatcher = this.agent.compose(trackStart);
  }

  get<T = unknown>(path: string, call: CallOptions): Promise<JsonResponse<T>> {
    return this.request<T>("GET", path, call);
  }

  post<T = unknown>(path: string, call: CallOptions): Promise<JsonResponse<T>> {
    return this.request<T>("POST", path, call);
  }

  delete<T = unknown>(path: string, call: CallOptions): Promise<JsonResponse<T>> {
    return this.request<T>("DELETE", path, call);
  }

  /**
   * One request to `baseUrl` + `path`. Resolves with the 2xx answer.
   * @throws RequestNotSentError (never left), HttpError (non-2xx), ResponseBodyError (unreadable 2xx), or undici's error.
   */
  async request<T = unknown>(method: Dispatcher.HttpMethod, path: string, call: CallOptions): Promise<JsonResponse<T>> {
    const url = new URL(this.base);
    url.pathname = `${this.base.pathname.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
    url.search = appendParams(new URLSearchParams(), call.query).toString();
    const name: RequestName = { method, route: call.route ?? this.redact(`/${path.replace(/^\/+/, "").split("?")[0] ?? ""}`) };
    if (call.signal.aborted) throw new RequestNotSentError(call.signal.reason);

    const headers: Record<string, string> = { "user-agent": "crier", accept: "application/json", ...this.opts.headers, ...call.headers };
    let body: RequestOptions["body"];
    if (call.json !== undefined) (body = JSON.stringify(call.json), (headers["content-type"] ??= "application/json"));
    else if (call.form) (body = appendParams(new URLSearchParams(), call.form).toString(), (headers["content-type"] ??= "application/x-www-form-urlencoded"));
    else if (call.multipart) body = toFormData(call.multipart) as unknown as RequestOptions["body"];

    let started = false;
    const options = { method, headers, body, signal: call.signal, dispatcher: this.dispatcher, [STARTED]: () => (started = true) };
    const res = await new Promise<Dispatcher.ResponseData>((resolve, reject) => {
      const onAbort = () => (started ? undefined : reject(new RequestNotSentError(call.signal.reason)));
      call.signal.addEventListener("abort", onAbort, { once: true });
      request(url, options as RequestOptions).then(resolve, (err: unknown) => reject(!started && networkFailure(err) ? new RequestNotSentError(err) : err))
        .finally(() => call.signal.removeEventListener("abort", onAbort));
    });

    const responseHeaders = flatHeaders(res.headers);
    const rateLimit = readRateLimit(responseHeaders, (this.opts.now ?? Date.now)());
    const contentType = responseHeaders["content-type"] || undefined;
    if (res.statusCode < 200 || res.statusCode >= 300) {
      let errorBody: unknown;
      try {
        const { text } = await readCapped(res.body, this.opts.maxErrorBodyBytes ?? 16 * 1024);
        const p = parsed(text, contentType);
        errorBody = "json" in p ? p.json : p.text;
      } catch {
        errorBody = undefined; // cut off: the status still says what happened
      }
      throw new HttpError(name, res.statusCode, errorBody, responseHeaders, rateLimit);
    }
    const max = this.opts.maxBodyBytes ?? 8 * 1024 * 1024;
    const { text, over } = await readCapped(res.body, max);
    if (over) throw new ResponseBodyError(name, res.statusCode, `larger than ${max} bytes`);
    if (text.trim() === "") return { status: res.statusCode, headers: responseHeaders, body: null as T, rateLimit };
    const p = parsed(text, contentType);
    if (!("json" in p) && contentType !== undefined && /[/+]json\b/i.test(contentType)) throw new ResponseBodyError(name, res.statusCode, "not JSON");
    return { status: res.statusCode, headers: responseHeaders, body: ("json" in p ? p.json : p.text) as T, rateLimit };
  }

  /** Releases the client's sockets. Never throws. */
  async close(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }

  private redact(route: string): string {
    let out = route;
    for (const secret of this.opts.secrets ?? []) {
      if (secret.length < 4) continue;
      out = out.split(secret).join("{secret}").split(encodeURIComponent(secret)).join("{secret}");
    }
    return out;
  }
}
