// Loopback WebSub hub for Crier's tests and benchmark: plain node:http on 127.0.0.1, imports
// nothing from src/ or adapters/. It follows the W3C Recommendation of 2018-01-23
// (https://www.w3.org/TR/websub/); the comments cite its sections: §5.1 subscription request,
// §5.2 validation (denial), §5.3 verification of intent, §6 publishing, §7 content distribution,
// §7.1 authenticated content distribution (X-Hub-Signature), §8 security considerations.
// Every outgoing request (verification, distribution, topic fetch) goes to 127.0.0.1 only.
import http from "node:http";
import https from "node:https";
import { createHmac, randomBytes } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";

/** §7.1.1 recognized algorithm names. */
export type SignatureAlgorithm = "sha1" | "sha256" | "sha384" | "sha512";

export interface WebSubHubOptions {
  port?: number; // default 0: a free port
  minLeaseSeconds?: number; // default 60
  maxLeaseSeconds?: number; // default 864000 (10 days, §8.2 "a good default")
  defaultLeaseSeconds?: number; // default 86400, when hub.lease_seconds is absent
  verifyTimeoutMs?: number; // default 5000; also bounds distribution POSTs and topic fetches
  deny?: Record<string, string>; // topic -> reason: subscriptions to it are denied (§5.2)
}

/** Every POST to the hub URL, well-formed or not, with the hub's answer. */
export interface HubRequest {
  at: number;
  mode: string; // hub.mode as sent ("" when absent)
  topic: string | undefined;
  callback: string | undefined;
  leaseSeconds: number | undefined; // requested (subscribe only)
  grantedLeaseSeconds: number | undefined;
  secret: string | undefined;
  urls: string[]; // publish ping: the hub.url values
  params: Record<string, string>; // every parameter (first value)
  headers: http.IncomingHttpHeaders;
  status: number; // 202, 204, 400, ...
  reason: string | undefined; // the plain-text error body
  published?: PublishResult[]; // publish ping, once distribution finished
  publishError?: string;
}

/** One verification (§5.3), denial (§5.2) or unsolicited verification GET, with the answer. */
export interface HubVerification {
  at: number;
  mode: "subscribe" | "unsubscribe" | "denied";
  topic: string;
  callback: string;
  url: string; // the full GET URL
  challenge: string | undefined;
  leaseSeconds: number | undefined;
  reason: string | undefined;
  solicited: boolean; // false for unsolicitedVerification()
  status: number; // 0: no HTTP answer (see error)
  body: string;
  error: string | undefined;
  ok: boolean; // 2xx and body === challenge (denied: 2xx)
  ms: number;
}

export interface HubSubscription {
  topic: string;
  callback: string;
  secret: string | undefined;
  leaseSeconds: number;
  expiresAt: number; // epoch ms; lease counts from the verification request (§5.3)
  verified: boolean;
  active: boolean; // verified and not expired
  verifications: HubVerification[];
}

/** One content distribution POST attempt (§7). */
export interface HubDelivery {
  at: number;
  topic: string;
  callback: string;
  attempt: number; // 1-based
  headers: Record<string, string>;
  body: Buffer;
  status: number; // 0: no HTTP answer
  error: string | undefined;
  ok: boolean;
  ms: number;
}

export interface PublishOptions {
  body?: string | Uint8Array; // content to send instead of fetching the topic URL
  contentType?: string; // default: the topic's (fetched or last seen), else application/rss+xml
  omitBody?: boolean; // test hook, NOT spec (§7 wants the full contents): POST an empty body
  algorithm?: SignatureAlgorithm; // default sha256
  /** "wrong": a well-formed signature with another key; "missing": none; any other string: sent verbatim. */
  signature?: "wrong" | "missing" | (string & {});
  retries?: number; // extra attempts after a failure (§7 SHOULD retry); default 0
  retryDelayMs?: number; // default 100
}

export interface PublishResult {
  callback: string;
  status: number;
  ok: boolean;
  attempts: number;
  ms: number; // the last attempt
  error?: string;
}

export interface WebSubHub {
  url: string; // http://127.0.0.1:PORT/
  subscriptions(): HubSubscription[];
  requests(): HubRequest[];
  verifications(): HubVerification[];
  deliveries(): HubDelivery[];
  publish(topic: string, options?: PublishOptions): Promise<PublishResult[]>;
  unsolicitedVerification(callback: string, topic: string, mode?: "subscribe" | "unsubscribe"): Promise<HubVerification>;
  expire(topic: string, callback?: string): number;
  denySubscription(topic: string, reason?: string): Promise<HubVerification[]>;
  allowSubscription(topic: string): void;
  waitFor<T>(predicate: (hub: WebSubHub) => T | false | null | undefined, timeoutMs?: number): Promise<T>;
  idle(): Promise<void>; // resolves once no verification or publish ping is in flight
  close(): Promise<void>;
}

const FORM = "application/x-www-form-urlencoded";
const DEFAULT_CONTENT_TYPE = "application/rss+xml";
const MAX_REQUEST_BYTES = 64 * 1024;
const MAX_ANSWER_BYTES = 64 * 1024;
const MAX_TOPIC_BYTES = 32 * 1024 * 1024;

class HubError extends Error {}

/** §5.1.1: hubs MUST decode non-reserved percent-encoded characters; used only to match topics. */
function topicKey(topic: string): string {
  return topic.replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : m;
  });
}

function httpUrl(value: string, name: string): URL {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new HubError(`${name} is not an absolute URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new HubError(`${name} must be an http or https URL`); // §5.1.1
  return u;
}

/** The loopback rule: the hub never sends a request anywhere but 127.0.0.1. */
function loopbackUrl(value: string, name: string): URL {
  const u = httpUrl(value, name);
  if (u.hostname !== "127.0.0.1") throw new HubError(`${name} must be on 127.0.0.1 (loopback hub policy, §5.1.2 allows it)`);
  return u;
}

/** §5.1.1: keep the callback's query string, append ours with "&"; drop any fragment. */
function withQuery(callback: string, params: Record<string, string>): string {
  const base = callback.split("#")[0] ?? callback;
  const sep = !base.includes("?") ? "?" : /[?&]$/.test(base) ? "" : "&";
  return base + sep + new URLSearchParams(params).toString();
}

const is2xx = (status: number): boolean => status >= 200 && status < 300;

export async function startWebSubHub(opts: WebSubHubOptions = {}): Promise<WebSubHub> {
  const minLease = opts.minLeaseSeconds ?? 60;
  const maxLease = opts.maxLeaseSeconds ?? 864_000;
  const defaultLease = opts.defaultLeaseSeconds ?? 86_400;
  const timeoutMs = opts.verifyTimeoutMs ?? 5_000;
  if (!(minLease >= 1 && minLease <= maxLease)) throw new Error("need 1 <= minLeaseSeconds <= maxLeaseSeconds"); // §5.3.1: no perpetual leases

  type Sub = Omit<HubSubscription, "active" | "verifications">;
  const subs = new Map<string, Sub>(); // key: topicKey + "\n" + callback (§5.1 "topic URL and callback URL combination")
  const requestLog: HubRequest[] = [];
  const verificationLog: HubVerification[] = [];
  const deliveryLog: HubDelivery[] = [];
  const denied = new Map<string, string>(Object.entries(opts.deny ?? {}).map(([t, r]) => [topicKey(t), r]));
  const topicTypes = new Map<string, string>(); // last Content-Type seen per topic
  const chains = new Map<string, Promise<unknown>>(); // verifications of one pair run in order
  const work = new Set<Promise<unknown>>();
  const outgoing = new Set<http.ClientRequest>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  const sockets = new Set<Socket>();
  let closed = false;
  let hubUrl = "";

  const keyOf = (topic: string, callback: string): string => `${topicKey(topic)}\n${callback}`;
  const clamp = (lease: number): number => Math.min(maxLease, Math.max(minLease, lease));

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => (timers.delete(t), resolve()), ms);
      timers.set(t, resolve);
    });

  function track<T>(p: Promise<T>): Promise<T> {
    const tracked = p.finally(() => work.delete(tracked));
    work.add(tracked);
    return tracked;
  }

  /** Runs fn after every earlier task of the same subscription pair. */
  function serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const next = (chains.get(key) ?? Promise.resolve()).catch(() => undefined).then(fn);
    chains.set(key, next);
    return next;
  }

  /** One outgoing request with agent:false (no pooled sockets), a timeout and a body cap. */
  function send(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, maxBytes: number) {
    return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      if (closed) return reject(new Error("hub closed"));
      const mod = url.protocol === "https:" ? https : http;
      const req = mod.request(url, { method, headers: { "User-Agent": "crier-loopback-websub-hub", ...headers }, agent: false });
      outgoing.add(req);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", (err) => (outgoing.delete(req), reject(err)));
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) return void req.destroy(new Error(`answer over ${maxBytes} bytes`));
          chunks.push(c);
        });
        res.on("error", (err) => (outgoing.delete(req), reject(err)));
        res.on("end", () => {
          outgoing.delete(req);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      });
      req.end(body);
    });
  }

  /** A GET to the callback (§5.2 / §5.3), recorded; never throws. */
  async function callbackGet(
    callback: string,
    topic: string,
    query: Record<string, string>,
    extra: Pick<HubVerification, "mode" | "challenge" | "leaseSeconds" | "reason" | "solicited">,
  ): Promise<HubVerification> {
    const url = withQuery(callback, query);
    const at = Date.now();
    const v: HubVerification = { at, topic, callback, url, status: 0, body: "", error: undefined, ok: false, ms: 0, ...extra };
    try {
      const res = await send(loopbackUrl(url, "hub.callback"), "GET", {}, undefined, MAX_ANSWER_BYTES);
      v.status = res.status;
      v.body = res.body.toString("utf8");
      // §5.3.1: only 2xx with a body equal to hub.challenge verifies; 3xx/4xx/5xx fail.
      v.ok = is2xx(res.status) && (extra.challenge === undefined || v.body === extra.challenge);
    } catch (err) {
      v.error = err instanceof Error ? err.message : String(err);
    }
    v.ms = Date.now() - at;
    verificationLog.push(v);
    return v;
  }

  /** §5.2: tell the subscriber it is denied; the subscription (if any) is gone. */
  async function sendDenial(topic: string, callback: string, reason: string): Promise<HubVerification> {
    const v = await callbackGet(callback, topic, { "hub.mode": "denied", "hub.topic": topic, "hub.reason": reason }, {
      mode: "denied",
      challenge: undefined,
      leaseSeconds: undefined,
      reason,
      solicited: true,
    });
    subs.delete(keyOf(topic, callback));
    return v;
  }

  /** §5.3: verify intent; on success (and only then, §5.1) override the pair's state. */
  async function verifyIntent(mode: "subscribe" | "unsubscribe", topic: string, callback: string, lease: number, secret: string | undefined) {
    const key = keyOf(topic, callback);
    const reason = denied.get(topicKey(topic));
    if (mode === "subscribe" && reason !== undefined) return sendDenial(topic, callback, reason);
    const challenge = randomBytes(24).toString("base64url"); // §8.2: random, single-use
    const query: Record<string, string> = { "hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge };
    if (mode === "subscribe") query["hub.lease_seconds"] = String(lease); // MUST for subscribe, omitted for unsubscribe
    const requestedAt = Date.now();
    const v = await callbackGet(callback, topic, query, {
      mode,
      challenge,
      leaseSeconds: mode === "subscribe" ? lease : undefined,
      reason: undefined,
      solicited: true,
    });
    if (!v.ok) return v; // §5.1: a failed verification leaves the state unchanged
    if (mode === "unsubscribe") subs.delete(key);
    else subs.set(key, { topic, callback, secret, leaseSeconds: lease, expiresAt: requestedAt + lease * 1000, verified: true });
    return v;
  }

  /** §5.1 / §5.1.2: parse and check a subscription request; throws HubError (-> 400). */
  function checkSubscription(p: URLSearchParams, rec: HubRequest, mode: "subscribe" | "unsubscribe") {
    for (const name of ["hub.topic", "hub.callback", "hub.secret", "hub.lease_seconds"]) {
      if (p.getAll(name).length > 1) throw new HubError(`${name} is given more than once`);
    }
    const topic = p.get("hub.topic");
    const callback = p.get("hub.callback");
    if (!topic) throw new HubError("hub.topic is required");
    if (!callback) throw new HubError("hub.callback is required");
    httpUrl(topic, "hub.topic");
    loopbackUrl(callback, "hub.callback");
    const secret = p.get("hub.secret") ?? undefined;
    if (secret !== undefined) {
      if (secret === "") throw new HubError("hub.secret is empty");
      if (Buffer.byteLength(secret, "utf8") >= 200) throw new HubError("hub.secret must be less than 200 bytes"); // §5.1
    }
    let lease = defaultLease;
    const asked = p.get("hub.lease_seconds");
    if (mode === "subscribe" && asked !== null) {
      // §5.1: "a positive decimal integer"; ignored for unsubscribe
      if (!/^[0-9]+$/.test(asked) || Number(asked) <= 0) throw new HubError("hub.lease_seconds must be a positive decimal integer");
      lease = Number(asked);
      rec.leaseSeconds = lease;
    }
    return { topic, callback, secret, lease: clamp(lease) };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, text = "", headers: Record<string, string> = {}) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(Buffer.byteLength(text)), ...headers });
      res.end(text);
    };
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/") return reply(404, "not found");
    if (req.method !== "POST") return reply(405, "the hub URL takes POST", { Allow: "POST" });

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) return reply(413, "request body too large");
      chunks.push(c);
    }
    const p = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const rec: HubRequest = {
      at: Date.now(),
      mode: p.get("hub.mode") ?? "",
      topic: p.get("hub.topic") ?? undefined,
      callback: p.get("hub.callback") ?? undefined,
      leaseSeconds: undefined,
      grantedLeaseSeconds: undefined,
      secret: p.get("hub.secret") ?? undefined,
      urls: p.getAll("hub.url"),
      params: Object.fromEntries(p),
      headers: { ...req.headers },
      status: 0,
      reason: undefined,
    };
    requestLog.push(rec);
    const answer = (status: number, reason?: string) => {
      rec.status = status;
      rec.reason = reason;
      reply(status, reason ?? "");
    };

    try {
      // §5.1: the body MUST be application/x-www-form-urlencoded, in UTF-8.
      const [type = "", ...tail] = String(req.headers["content-type"] ?? "").split(";");
      if (type.trim().toLowerCase() !== FORM) throw new HubError(`Content-Type must be ${FORM}`);
      const charset = tail.map((s) => s.trim().toLowerCase()).find((s) => s.startsWith("charset="));
      if (charset && !/^charset="?utf-8"?$/.test(charset)) throw new HubError("the request must be UTF-8");
      if (p.getAll("hub.mode").length > 1) throw new HubError("hub.mode is given more than once");
      const mode = rec.mode;
      if (mode === "subscribe" || mode === "unsubscribe") {
        const s = checkSubscription(p, rec, mode);
        if (mode === "subscribe") rec.grantedLeaseSeconds = s.lease;
        const key = keyOf(s.topic, s.callback);
        if (mode === "subscribe" && !subs.has(key)) {
          subs.set(key, { topic: s.topic, callback: s.callback, secret: s.secret, leaseSeconds: s.lease, expiresAt: 0, verified: false });
        }
        // §5.1.2: 202, then verify asynchronously; the answer MUST NOT depend on the outcome.
        answer(202);
        const verify = () => verifyIntent(mode, s.topic, s.callback, s.lease, s.secret);
        track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => serial(key, verify))).catch(() => undefined);
        return;
      }
      if (mode === "publish") {
        // §6 leaves the ping unspecified; this is the common hub.mode=publish&hub.url=... form.
        const urls = rec.urls.length > 0 ? rec.urls : p.getAll("hub.topic");
        if (urls.length === 0) throw new HubError("hub.url is required");
        for (const u of urls) httpUrl(u, "hub.url");
        rec.urls = urls;
        answer(204);
        rec.published = [];
        for (const u of urls) {
          track(publish(u)).then(
            (r) => void rec.published?.push(...r),
            (err: unknown) => void (rec.publishError = err instanceof Error ? err.message : String(err)),
          );
        }
        return;
      }
      throw new HubError(mode === "" ? "hub.mode is required" : `unknown hub.mode "${mode}" (subscribe, unsubscribe or publish)`);
    } catch (err) {
      if (!(err instanceof HubError)) throw err;
      answer(400, err.message); // §5.1.2: 4xx with a plain-text description
    }
  }

  /** Active (verified, unexpired) subscriptions to a topic. */
  const activeFor = (topic: string): Sub[] => {
    const k = topicKey(topic);
    const now = Date.now();
    return [...subs.values()].filter((s) => s.verified && s.expiresAt > now && topicKey(s.topic) === k);
  };

  function signatureFor(sub: Sub, body: Buffer, o: PublishOptions): string | undefined {
    const alg = o.algorithm ?? "sha256";
    if (o.signature === "missing") return undefined;
    if (o.signature === "wrong") return `${alg}=${createHmac(alg, randomBytes(32)).update(body).digest("hex")}`;
    if (o.signature !== undefined) return o.signature;
    // §7.1: HMAC over the exact body bytes, keyed by hub.secret, as method=hex.
    return sub.secret === undefined ? undefined : `${alg}=${createHmac(alg, sub.secret).update(body).digest("hex")}`;
  }

  async function deliver(sub: Sub, body: Buffer, contentType: string, o: PublishOptions): Promise<PublishResult> {
    const headers: Record<string, string> = {
      "Content-Type": contentType, // §7: the topic's Content-Type
      "Content-Length": String(body.length),
      Link: `<${hubUrl}>; rel="hub", <${sub.topic}>; rel="self"`, // §7: SHOULD combine into one header
    };
    const signature = signatureFor(sub, body, o);
    if (signature !== undefined) headers["X-Hub-Signature"] = signature;
    const tries = 1 + Math.max(0, o.retries ?? 0);
    let result: PublishResult = { callback: sub.callback, status: 0, ok: false, attempts: 0, ms: 0 };
    for (let attempt = 1; attempt <= tries && !closed; attempt++) {
      if (attempt > 1) await sleep(o.retryDelayMs ?? 100);
      const at = Date.now();
      const d: HubDelivery = { at, topic: sub.topic, callback: sub.callback, attempt, headers, body, status: 0, error: undefined, ok: false, ms: 0 };
      try {
        // §8.3: the exact callback, query string included.
        const res = await send(loopbackUrl(sub.callback, "hub.callback"), "POST", headers, body, MAX_ANSWER_BYTES);
        d.status = res.status;
        d.ok = is2xx(res.status); // §7: anything else (redirects included) is a failure; body ignored
      } catch (err) {
        d.error = err instanceof Error ? err.message : String(err);
      }
      d.ms = Date.now() - at;
      deliveryLog.push(d);
      result = { callback: sub.callback, status: d.status, ok: d.ok, attempts: attempt, ms: d.ms, ...(d.error ? { error: d.error } : {}) };
      if (d.ok) break;
      if (d.status === 410) {
        subs.delete(keyOf(sub.topic, sub.callback)); // §7: 410 Gone, the hub MAY terminate the subscription
        break;
      }
    }
    return result;
  }

  /** §7: distribute the topic's current content to its active subscriptions. */
  async function publish(topic: string, o: PublishOptions = {}): Promise<PublishResult[]> {
    const targets = activeFor(topic);
    if (targets.length === 0) return [];
    const key = topicKey(topic);
    let body: Buffer;
    let contentType = o.contentType ?? topicTypes.get(key) ?? DEFAULT_CONTENT_TYPE;
    if (o.omitBody) body = Buffer.alloc(0);
    else if (o.body !== undefined) body = Buffer.from(o.body);
    else {
      const res = await send(loopbackUrl(topic, "topic URL"), "GET", {}, undefined, MAX_TOPIC_BYTES);
      if (!is2xx(res.status)) throw new Error(`fetching ${topic} answered ${res.status}`);
      body = res.body;
      const fetched = res.headers["content-type"] ?? "application/octet-stream";
      topicTypes.set(key, fetched);
      contentType = o.contentType ?? fetched;
    }
    return Promise.all(targets.map((s) => deliver(s, body, contentType, o)));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(500, { "Content-Type": "text/plain" }).end(String(err));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => (server.off("error", reject), resolve()));
  });
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const hub: WebSubHub = {
    url: hubUrl,
    subscriptions: () => {
      const now = Date.now();
      return [...subs.values()].map((s) => ({
        ...s,
        active: s.verified && s.expiresAt > now,
        verifications: verificationLog.filter((v) => v.solicited && v.callback === s.callback && topicKey(v.topic) === topicKey(s.topic)),
      }));
    },
    requests: () => [...requestLog],
    verifications: () => [...verificationLog],
    deliveries: () => [...deliveryLog],
    publish: (topic, options) => publish(topic, options),
    unsolicitedVerification: (callback, topic, mode = "subscribe") => {
      // A verification nobody asked for (§5.3.1: the subscriber MUST answer 404); no state changes.
      const challenge = randomBytes(24).toString("base64url");
      const query: Record<string, string> = { "hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge };
      if (mode === "subscribe") query["hub.lease_seconds"] = String(defaultLease);
      return callbackGet(callback, topic, query, {
        mode,
        challenge,
        leaseSeconds: mode === "subscribe" ? defaultLease : undefined,
        reason: undefined,
        solicited: false,
      });
    },
    expire: (topic, callback) => {
      let n = 0;
      for (const s of subs.values()) {
        if (topicKey(s.topic) !== topicKey(topic) || (callback !== undefined && s.callback !== callback) || !s.verified) continue;
        s.expiresAt = Math.min(s.expiresAt, Date.now());
        n++;
      }
      return n;
    },
    denySubscription: (topic, reason = "denied by the loopback hub") => {
      // §5.2: future requests are denied, and current subscriptions MAY be denied at any point.
      denied.set(topicKey(topic), reason);
      const current = [...subs.values()].filter((s) => topicKey(s.topic) === topicKey(topic));
      return track(Promise.all(current.map((s) => serial(keyOf(s.topic, s.callback), () => sendDenial(s.topic, s.callback, reason)))));
    },
    allowSubscription: (topic) => void denied.delete(topicKey(topic)),
    waitFor: async <T>(predicate: (h: WebSubHub) => T | false | null | undefined, ms = 5_000): Promise<T> => {
      const deadline = Date.now() + ms;
      for (;;) {
        const value = predicate(hub);
        if (value !== false && value !== null && value !== undefined) return value;
        if (Date.now() >= deadline) throw new Error(`websub hub: waitFor timed out after ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    idle: async () => {
      while (work.size > 0) await Promise.allSettled([...work]);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const [t, resolve] of timers) (clearTimeout(t), resolve());
      timers.clear();
      for (const r of outgoing) r.destroy(new Error("hub closed"));
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
      await Promise.allSettled([...work]);
    },
  };
  return hub;
}
