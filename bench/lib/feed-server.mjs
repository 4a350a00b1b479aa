// The bench's feed server, run in its own child process (forked by bench/run.mjs).
// WordPress-shaped feeds spread over many ports on 127.0.0.1 (each port is its own origin, so a
// client's per-host connection limits behave as with many real sites), with ETag + Last-Modified
// and WordPress's own 304 rule, gzip when asked (as nginx in front of WordPress does).
// A separate control port (never counted) lets the bench publish items, read and reset counters,
// and read when each feed request arrived (the scheduler's spread).
//
// argv[2]: JSON { ports: number, groups: { name: { count, items, bodyBytes, hub? } } }
// A group with `hub` (a WebSub hub URL) names it in its feeds, with rel="self" the feed's own URL.
import http from "node:http";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { siteBase, itemLink, wpFeed, httpDate } from "./wp-feed.mjs";

const HOST = "127.0.0.1";
const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
const opts = JSON.parse(process.argv[2] ?? "{}");
const PORTS = opts.ports ?? 100;
const MAX_LIFETIME_MS = opts.maxLifetimeMs ?? 30 * 60_000;

/** @type {Map<string, {count:number, items:number, bodyBytes:number, heads:Uint32Array, builds:Uint32Array, lm:Float64Array}>} */
const groups = new Map();
const publishTimes = new Map(); // "group/i/id" -> ms
for (const [name, g] of Object.entries(opts.groups ?? {})) {
  const heads = new Uint32Array(g.count).fill(g.items);
  const lm = new Float64Array(g.count).fill(T0 + g.items * HOUR);
  groups.set(name, { ...g, heads, builds: new Uint32Array(g.count), lm });
}

// ---- counters -------------------------------------------------------------------------------
const stats = { requests: 0, s200: 0, s304: 0, sOther: 0, bodyBytesOut: 0, gzipped: 0, conditional: 0, hubRequests: 0 };
// Arrival time (epoch ms) of every feed request since the last reset (bounded).
const MAX_ARRIVALS = 200_000;
let arrivals = [];
const live = new Set();
let closedIn = 0;
let closedOut = 0;
function resetStats() {
  for (const k of Object.keys(stats)) stats[k] = 0;
  arrivals = [];
  closedIn = 0;
  closedOut = 0;
  for (const s of live) {
    s.baseIn = s.bytesRead;
    s.baseOut = s.bytesWritten;
  }
  connections = 0;
}
let connections = 0;
function snapshot() {
  let bytesIn = closedIn;
  let bytesOut = closedOut;
  for (const s of live) {
    bytesIn += s.bytesRead - s.baseIn;
    bytesOut += s.bytesWritten - s.baseOut;
  }
  return { ...stats, bytesIn, bytesOut, connections, openSockets: live.size, cpu: process.cpuUsage() };
}

// ---- feed bodies (bounded LRU) ----------------------------------------------------------------
const cache = new Map();
let cacheBytes = 0;
const CACHE_MAX = 160 * 1024 * 1024;
function body(name, g, i) {
  const key = `${name}/${i}/${g.heads[i]}/${g.builds[i]}`;
  let hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const base = siteBase(name, i);
  const xml = wpFeed({
    base,
    head: g.heads[i],
    items: g.items,
    bodyBytes: g.bodyBytes,
    lastModifiedMs: g.lm[i],
    pubMs: (id) => publishTimes.get(`${name}/${i}/${id}`) ?? T0 + id * HOUR,
    ...(g.hub ? { hub: g.hub, self: feedUrl(name, i) } : {}),
  });
  hit = { raw: Buffer.from(xml), gz: null };
  cache.set(key, hit);
  cacheBytes += hit.raw.length;
  while (cacheBytes > CACHE_MAX && cache.size > 1) {
    const [k, v] = cache.entries().next().value;
    cache.delete(k);
    cacheBytes -= v.raw.length + (v.gz?.length ?? 0);
  }
  return hit;
}

function validators(g, i) {
  const lmSec = Math.floor(g.lm[i] / 1000) * 1000;
  const lastModified = httpDate(lmSec);
  const etag = `"${createHash("md5").update(`${lastModified}|${g.heads[i]}|${g.builds[i]}`).digest("hex")}"`;
  return { lastModified, lmSec, etag };
}

const FEED_PATH = /^\/([a-z0-9]+)\/(\d+)\/feed\/$/;

function handleFeed(req, res, port) {
  stats.requests++;
  if (arrivals.length < MAX_ARRIVALS) arrivals.push(Date.now());
  // The loopback WebSub hub fetching a topic to distribute it (not a poll by the client).
  if (String(req.headers["user-agent"] ?? "").startsWith("crier-loopback-websub-hub")) stats.hubRequests++;
  const m = FEED_PATH.exec((req.url ?? "/").split("?")[0]);
  const g = m ? groups.get(m[1]) : undefined;
  const i = m ? Number(m[2]) : -1;
  if (!g || i >= g.count || ports[i % ports.length] !== port) {
    stats.sOther++;
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  const v = validators(g, i);
  // WordPress (WP::send_headers): with both validators both must match, else either one.
  const clientEtag = req.headers["if-none-match"];
  const clientLm = req.headers["if-modified-since"];
  const clientTs = clientLm ? Date.parse(clientLm) || 0 : 0;
  if (clientEtag || clientLm) stats.conditional++;
  const notModified =
    clientLm && clientEtag ? clientTs >= v.lmSec && clientEtag === v.etag : clientTs >= v.lmSec || clientEtag === v.etag;
  if (notModified) {
    stats.s304++;
    res.writeHead(304, { etag: v.etag, "last-modified": v.lastModified }).end();
    return;
  }
  const b = body(m[1], g, i);
  const headers = {
    "content-type": "application/rss+xml; charset=UTF-8",
    etag: v.etag,
    "last-modified": v.lastModified,
    vary: "Accept-Encoding",
  };
  let payload = b.raw;
  if (/\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) {
    if (!b.gz) {
      b.gz = gzipSync(b.raw, { level: 1 });
      cacheBytes += b.gz.length;
    }
    payload = b.gz;
    headers["content-encoding"] = "gzip";
    stats.gzipped++;
  }
  headers["content-length"] = String(payload.length);
  stats.s200++;
  stats.bodyBytesOut += payload.length;
  res.writeHead(200, headers).end(payload);
}

// ---- control ------------------------------------------------------------------------------------
function json(res, status, value) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

function handleControl(req, res) {
  const url = new URL(req.url ?? "/", `http://${HOST}`);
  const q = Object.fromEntries(url.searchParams);
  const g = q.group ? groups.get(q.group) : undefined;
  try {
    switch (url.pathname) {
      case "/stats":
        return json(res, 200, snapshot());
      case "/reset":
        resetStats();
        return json(res, 200, snapshot());
      case "/arrivals":
        // When each feed request since the last reset arrived (epoch ms, in arrival order).
        return json(res, 200, arrivals);
      case "/manifest": {
        // Feed URLs with the validators they currently answer 304 to.
        if (!g) return json(res, 404, { error: "no such group" });
        const n = Math.min(Number(q.n ?? g.count), g.count);
        const list = [];
        for (let i = 0; i < n; i++) list.push({ url: feedUrl(q.group, i), ...validators(g, i) });
        return json(res, 200, list);
      }
      case "/reset-group": {
        // Back to the first version: items 1..items, build 0.
        if (!g) return json(res, 404, { error: "no such group" });
        g.heads.fill(g.items);
        g.builds.fill(0);
        g.lm.fill(T0 + g.items * HOUR);
        for (const k of publishTimes.keys()) if (k.startsWith(`${q.group}/`)) publishTimes.delete(k);
        return json(res, 200, { ok: true });
      }
      case "/bump": {
        // Every feed of the group: `by` new items and/or a new build (same items, new lastBuildDate).
        if (!g) return json(res, 404, { error: "no such group" });
        const by = Number(q.by ?? 0);
        const build = Number(q.build ?? 0);
        for (let i = 0; i < g.count; i++) {
          g.heads[i] += by;
          g.builds[i] += build;
          g.lm[i] = Math.max(g.lm[i] + 1000, T0 + g.heads[i] * HOUR + g.builds[i] * 1000);
        }
        return json(res, 200, { ok: true, head: g.heads[0] });
      }
      case "/publish": {
        // One new article on one feed, published now.
        if (!g) return json(res, 404, { error: "no such group" });
        const i = Number(q.i ?? 0);
        const now = Date.now();
        g.heads[i] += 1;
        const id = g.heads[i];
        publishTimes.set(`${q.group}/${i}/${id}`, now);
        g.lm[i] = Math.max(now, g.lm[i] + 1000);
        return json(res, 200, { id, link: itemLink(siteBase(q.group, i), id), publishedAt: now });
      }
      default:
        return json(res, 404, { error: "unknown control path" });
    }
  } catch (err) {
    return json(res, 500, { error: String(err) });
  }
}

// ---- start --------------------------------------------------------------------------------------
const ports = [];
const servers = [];
const feedUrl = (group, i) => `http://${HOST}:${ports[i % ports.length]}/${group}/${i}/feed/`;

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => resolve(server.address().port));
  });
}

for (let k = 0; k < PORTS; k++) {
  const server = http.createServer();
  server.keepAliveTimeout = 65_000; // nginx-like; longer than a bench cycle
  server.headersTimeout = 70_000;
  server.on("connection", (s) => {
    connections++;
    s.baseIn = 0;
    s.baseOut = 0;
    live.add(s);
    s.once("close", () => {
      live.delete(s);
      closedIn += s.bytesRead - s.baseIn;
      closedOut += s.bytesWritten - s.baseOut;
    });
  });
  const port = await listen(server);
  server.on("request", (req, res) => handleFeed(req, res, port));
  ports.push(port);
  servers.push(server);
}
const control = http.createServer(handleControl);
const controlPort = await listen(control);

function shutdown(code) {
  for (const s of [...servers, control]) {
    s.closeAllConnections?.();
    s.close();
  }
  setTimeout(() => process.exit(code), 200).unref();
}
process.on("message", (m) => {
  if (m === "exit") shutdown(0);
});
process.on("disconnect", () => shutdown(0));
setTimeout(() => shutdown(1), MAX_LIFETIME_MS).unref();

process.send?.({ ready: true, ports, control: `http://${HOST}:${controlPort}` });
