// Helpers shared by the scenario children: control calls to the feed server (node:http, outside
// every measured window), a bounded concurrency pool, and the measurement itself.
import http from "node:http";

/** GET/POST a control URL on the feed server (127.0.0.1 only); resolves with the parsed JSON. */
export function control(base, path, method = "GET") {
  const url = new URL(path, base);
  if (url.hostname !== "127.0.0.1") throw new Error(`refusing to contact ${url.hostname}`);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        try {
          const value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          if (res.statusCode !== 200) reject(new Error(`control ${path}: ${res.statusCode} ${JSON.stringify(value)}`));
          else resolve(value);
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`control ${path}: timeout`)));
    req.on("error", reject);
    req.end();
  });
}

/** Runs `work(item)` for every item, at most `concurrency` at a time. */
export async function pool(items, concurrency, work) {
  let next = 0;
  const results = new Array(items.length);
  const worker = async () => {
    while (next < items.length) {
      const k = next++;
      results[k] = await work(items[k], k);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;

/**
 * Measures one window: CPU of this process (user + system, from process.cpuUsage), wall time,
 * the server's counters over the window, and this process's peak RSS so far.
 */
export async function measure(serverControl, fn) {
  const r0 = serverControl ? await control(serverControl, "/reset", "POST") : null;
  const rssBefore = process.memoryUsage().rss;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const server = serverControl ? await control(serverControl, "/stats") : null;
  return {
    value,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    userMs: cpu.user / 1000,
    sysMs: cpu.system / 1000,
    rssBefore,
    rssAfter: process.memoryUsage().rss,
    maxRss: maxRssBytes(),
    server: server && {
      requests: server.requests,
      s200: server.s200,
      s304: server.s304,
      sOther: server.sOther,
      bytesIn: server.bytesIn,
      bytesOut: server.bytesOut,
      connections: server.connections,
      cpuMs: (server.cpu.user + server.cpu.system - r0.cpu.user - r0.cpu.system) / 1000,
    },
  };
}

export { maxRssBytes };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * When requests arrived, relative to a tick at `t0` (epoch ms), over a spread window of `windowMs`:
 * the busiest 1-second window (sliding: any second, not only whole seconds after the tick), the fair
 * share of a second (N ÷ window in seconds; N when the window is under a second), and requests per
 * whole second after the tick.
 */
export function spreadStats(arrivals, t0, windowMs) {
  const at = arrivals.map((a) => a - t0).sort((a, b) => a - b);
  const n = at.length;
  let busiest = 0;
  let busiestFrom = null;
  for (let i = 0, j = 0; i < n; i++) {
    while (j < n && at[j] < at[i] + 1000) j++;
    if (j - i > busiest) (busiest = j - i), (busiestFrom = at[i]);
  }
  const perSecond = [];
  for (const a of at) {
    const k = Math.max(0, Math.floor(a / 1000));
    while (perSecond.length <= k) perSecond.push(0);
    perSecond[k]++;
  }
  const fair = windowMs >= 1000 ? n / (windowMs / 1000) : n;
  return {
    requests: n,
    firstMs: n ? at[0] : null,
    lastMs: n ? at[n - 1] : null,
    busiest,
    busiestFromMs: busiestFrom,
    fairPerSecond: fair,
    ratio: fair ? busiest / fair : null,
    perSecond,
  };
}
