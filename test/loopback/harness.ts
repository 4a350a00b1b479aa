// One loopback harness for every platform server: real HTTP on 127.0.0.1 (a port the OS picks),
// request recording, routes with path parameters, faults and rate limits. A platform server adds
// only its platform: routes, validation, error bodies, stored state. Plain node:http, so that
// nothing answers for the platform (a framework's own 400/404/413/415 would differ from the
// platform's); bodies are parsed by harness-body.ts. Imports nothing from src/ or adapters/.
import http from "node:http";
import net from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { parseBody } from "./harness-body.js";
import type { Handler, Harness, HarnessFault, HarnessOptions, RecordedRequest, Reply } from "./harness-types.js";

export type { UploadedFile } from "./harness-body.js";
export type * from "./harness-types.js";

interface Route {
  methods: ReadonlySet<string> | "*";
  name: string;
  regex: RegExp;
  handler: Handler;
}

/** "/bot:token/:method" → /^\/bot(?<token>[^/]+)\/(?<method>[^/]+)\/?$/. */
export function compilePattern(pattern: string): RegExp {
  const source = pattern
    .split(/(:[A-Za-z_][A-Za-z0-9_]*)/)
    .map((part) => (part.startsWith(":") ? `(?<${part.slice(1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}/?$`);
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function serialize(reply: Reply): { body: Buffer | string; headers: Record<string, string> } {
  const lower = Object.fromEntries(Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if (reply.body === undefined) return { body: "", headers: lower };
  if (typeof reply.body === "string" || Buffer.isBuffer(reply.body)) return { body: reply.body, headers: { "content-type": "text/plain; charset=utf-8", ...lower } };
  return { body: JSON.stringify(reply.body), headers: { "content-type": "application/json; charset=utf-8", ...lower } };
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const now = opts.now ?? Date.now;
  const routes: Route[] = [];
  const requests: RecordedRequest[] = [];
  const injected: Array<{ fault: HarnessFault; times: number; match?: (req: RecordedRequest) => boolean }> = [];
  const waiters = new Set<{ match: (req: RecordedRequest) => boolean; resolve: (req: RecordedRequest) => void }>();
  const sockets = new Set<Socket>();
  const wakes = new Set<() => void>();
  let closing = false;

  /** Waits `ms`, or (no `ms`) until the client goes away; either ends early when the harness closes. */
  const wait = (ms: number | undefined, res: http.ServerResponse) =>
    new Promise<void>((resolve) => {
      const wake = () => (clearTimeout(timer), wakes.delete(wake), resolve());
      const timer = ms === undefined ? undefined : setTimeout(wake, ms);
      if (ms === undefined) res.once("close", wake);
      wakes.add(wake);
    });
  // A reset (RST), as a crashed or overloaded server gives, rather than an orderly close.
  const reset = (req: http.IncomingMessage) => void req.socket.resetAndDestroy();

  function takeInjected(req: RecordedRequest, unread: boolean): HarnessFault | undefined {
    const i = injected.findIndex((f) => (f.fault.kind === "destroy-unread") === unread && (f.match?.(req) ?? true));
    const entry = injected[i];
    if (!entry) return undefined;
    if (--entry.times <= 0) injected.splice(i, 1);
    return entry.fault;
  }

  function answer(res: http.ServerResponse, req: RecordedRequest, reply: Reply): void {
    if (res.destroyed || res.headersSent) return;
    const { body, headers } = serialize(reply);
    req.status = reply.status;
    res.writeHead(reply.status, { ...headers, "content-length": String(Buffer.byteLength(body)) });
    res.end(body);
  }

  function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | "too-large"> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => ((size += c.length) <= max ? chunks.push(c) : undefined));
      req.on("end", () => resolve(size > max ? "too-large" : Buffer.concat(chunks)));
      req.on("error", reject);
    });
  }

  function route(rec: RecordedRequest): Route | undefined {
    for (const r of routes) {
      const m = r.regex.exec(rec.path);
      if (!m || (r.methods !== "*" && !r.methods.has(rec.method))) continue;
      rec.route = r.name;
      rec.params = Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decode(v ?? "")]));
      return r;
    }
    return undefined;
  }

  async function respond(rec: RecordedRequest, matched: Route | undefined): Promise<Reply> {
    if (!matched) return opts.notFound?.(rec) ?? { status: 404, body: { error: "not found" } };
    const headers: Record<string, string> = {};
    for (const rule of opts.limits ?? []) {
      const applies = rule.match === undefined || (typeof rule.match === "string" ? rule.match === rec.route : rule.match(rec));
      const key = applies ? rule.key(rec) : undefined;
      if (key === undefined) continue;
      const at = now();
      const state = rule.limiter.take(key, at);
      Object.assign(headers, rule.headers?.(state, at));
      if (!state.allowed) {
        const reply = rule.tooMany(state, at, rec);
        return { ...reply, headers: { ...headers, ...reply.headers } };
      }
    }
    try {
      const reply = await matched.handler(rec);
      return { ...reply, headers: { ...headers, ...reply.headers } };
    } catch (err) {
      return opts.internalError?.(err, rec) ?? { status: 500, body: { error: `loopback handler failed: ${String(err)}` } };
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const rec: RecordedRequest = {
      method: (req.method ?? "GET").toUpperCase(), path: url.pathname, query: Object.fromEntries(url.searchParams), search: url.search,
      headers: { ...req.headers }, body: Buffer.alloc(0), params: {}, receivedAt: now(),
    };
    res.on("close", () => (rec.status === undefined ? (rec.abandoned = true) : undefined));
    const matched = route(rec);
    if (takeInjected(rec, true)) {
      requests.push(rec);
      return reset(req);
    }
    const body = await readBody(req, opts.maxBodyBytes ?? 64 * 1024 * 1024);
    if (body !== "too-large") Object.assign(rec, { body }, await parseBody(String(req.headers["content-type"] ?? ""), body));
    requests.push(rec);
    for (const w of waiters) if (w.match(rec)) (waiters.delete(w), w.resolve(rec));
    if (body === "too-large") return answer(res, rec, opts.tooLarge?.(rec) ?? { status: 413, body: { error: "request entity too large" } });

    const fault = takeInjected(rec, false) ?? (await opts.onRequest?.(rec));
    if (fault?.kind === "destroy-unread" || fault?.kind === "destroy-before") return reset(req);
    if (fault?.kind === "status") return answer(res, rec, { status: fault.status, body: fault.body, ...(fault.headers ? { headers: fault.headers } : {}) });
    if (fault?.kind === "hang-before") return wait(undefined, res);
    if (fault?.kind === "delay") await wait(fault.ms, res);
    if (closing) return reset(req);
    const reply = await respond(rec, matched);
    if (fault?.kind === "destroy-after") return reset(req);
    if (fault?.kind === "hang-after") return wait(undefined, res);
    answer(res, rec, reply);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(500, { "content-type": "text/plain" }).end(`loopback harness failed: ${String(err)}`);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => (server.off("error", reject), resolve()));
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  const harness: Harness = {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(method, pattern, handler) {
      const methods = method === "*" ? "*" : new Set((typeof method === "string" ? [method] : method).map((m) => m.toUpperCase()));
      routes.push({ methods, name: String(pattern), regex: typeof pattern === "string" ? compilePattern(pattern) : pattern, handler });
      return harness;
    },
    inject(fault, o = {}) {
      injected.push({ fault, times: o.times ?? 1, ...(o.match ? { match: o.match } : {}) });
    },
    waitForRequest(match = () => true, timeoutMs = 5_000) {
      const seen = requests.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (req: RecordedRequest) => (clearTimeout(timer), resolve(req)) };
        const timer = setTimeout(() => (waiters.delete(waiter), reject(new Error(`no matching request within ${timeoutMs} ms`))), timeoutMs);
        waiters.add(waiter);
      });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        for (const wake of [...wakes]) wake();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
  };
  return harness;
}

/** A port nothing listens on (borrowed from the OS and released): connecting to it is refused. */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
