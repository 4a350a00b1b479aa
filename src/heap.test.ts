/**
 * Crier's V8 settings, in fresh processes (they are process-wide): a workload whose survivors make
 * V8 grow its young generation stays at the cap with it, and grows past it without; parse-shaped
 * garbage stays lower in V8's size mode, and only inside a parse; llhttp stays on baseline code.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { runChild, spawnChild } from "../test/support/children.js";
import { ROOT } from "../test/support/cli.js";
import { scaled, waitFor } from "../test/support/timing.js";
import { inParseSizeMode, optimizeForSizeWhileParsing, whileParsing } from "./heap.js";

const MB = 1024 * 1024;
const HEAP = pathToFileURL(path.join(ROOT, "dist/src/heap.js")).href;

/**
 * Caps at `mb`, then allocates in turns (the cap follows V8's GC reports, which arrive between
 * turns, as in the service), keeping a quarter of what it makes; prints the young generation's
 * largest size and its size at the end.
 */
/** Runs a Node script to its end (it must exit 0) and returns its stdout. */
async function node(args: string[]): Promise<string> {
  const run = await runChild(process.execPath, args, { timeoutMs: scaled(60_000) });
  if (run.code !== 0) throw new Error(`child failed (${run.code ?? run.signal}${run.timedOut ? ", timed out" : ""}): ${run.stderr}`);
  return run.stdout;
}

async function youngGenerationUnder(mb: number, opts: { then?: number } = {}): Promise<{ largest: number; end: number }> {
  const script = `
    import { capYoungGeneration, youngGenerationBytes } from ${JSON.stringify(HEAP)};
    import { setImmediate as turn } from "node:timers/promises";
    capYoungGeneration(${mb});
    const kept = [];
    let largest = 0;
    async function work(turns) {
      for (let t = 0; t < turns; t++) {
        for (let i = 0; i < 2000; i++) {
          const o = { id: "item-" + t + "-" + i, tags: [t, i], body: { n: i } };
          if (i % 4 === 0) kept.push(o);
        }
        largest = Math.max(largest, youngGenerationBytes());
        await turn();
      }
    }
    await work(400);
    ${opts.then !== undefined ? `capYoungGeneration(${opts.then}); await work(400);` : ""}
    console.log(JSON.stringify({ largest, end: youngGenerationBytes() }));
  `;
  return JSON.parse(await node(["--input-type=module", "-e", script])) as { largest: number; end: number };
}

describe("capYoungGeneration", () => {
  it("keeps the young generation at the cap; without one, V8 grows it well past", async () => {
    const [capped, free] = await Promise.all([youngGenerationUnder(4), youngGenerationUnder(0)]);
    expect(capped.largest).toBeLessThanOrEqual(4 * MB);
    expect(capped.end).toBeGreaterThanOrEqual(2 * MB); // it grew to the cap, not only stayed at V8's start
    expect(free.largest).toBeGreaterThan(8 * MB);
  });

  it("lets V8 grow again when the cap is lifted (the last call wins)", async () => {
    const lifted = await youngGenerationUnder(2, { then: 0 });
    expect(lifted.end).toBeGreaterThan(4 * MB);
  });
});

describe("optimizeWasm", () => {
  /**
   * Functions of undici's HTTP parser that V8's optimizing compiler compiled while polls answered
   * 304 run: all 3,000 of them, or (`untilFirst`) only until the first is compiled.
   */
  async function optimizedDuring304s(on: boolean, untilFirst = false): Promise<number> {
    const script = `
      import { optimizeWasm } from ${JSON.stringify(HEAP)};
      import http from "node:http";
      optimizeWasm(${on});
      const { request } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, "dist/src/core/http.js")).href)});
      const server = http.createServer((req, res) => res.writeHead(304, { etag: '"v1"' }).end()).listen(0, "127.0.0.1");
      await new Promise((resolve) => server.once("listening", resolve));
      const url = "http://127.0.0.1:" + server.address().port + "/feed";
      for (let i = 0; i < 3000; i++) await (await request(url, { headers: { "if-none-match": '"v1"' } })).body.dump();
      server.close();
      process.exit(0);
    `;
    const args = ["--trace-wasm-compilation-times", "--input-type=module", "-e", script];
    const optimized = (out: string): number => out.split("\n").filter((line) => /using TurboFan/.test(line)).length;
    if (!untilFirst) return optimized(await node(args));
    const child = spawnChild(process.execPath, args);
    await waitFor(() => optimized(child.stdout()) > 0 || !child.alive(), 60_000, "the first TurboFan compilation or the end of the polls");
    await child.stop("SIGKILL");
    return optimized(child.stdout());
  }

  it("keeps llhttp on V8's baseline code when off; V8 optimizes its hot functions when on", async () => {
    // When on, the first optimized function settles it (V8 gets there within ~600 of the 3,000 polls).
    const [off, on] = await Promise.all([optimizedDuring304s(false), optimizedDuring304s(true, true)]);
    expect(off).toBe(0);
    expect(on).toBeGreaterThan(0);
  });
});

describe("whileParsing", () => {
  it("holds V8's size mode from the first overlapping parse's start to the last one's end, also when a parse fails", async () => {
    optimizeForSizeWhileParsing(true);
    let release!: () => void;
    const slow = whileParsing(() => new Promise<string>((resolve) => (release = () => resolve("slow"))));
    expect(inParseSizeMode()).toBe(true);
    await expect(whileParsing(() => Promise.reject(new Error("broken feed")))).rejects.toThrow("broken feed");
    expect(inParseSizeMode()).toBe(true); // the slow parse is still running
    release();
    expect(await slow).toBe("slow");
    expect(inParseSizeMode()).toBe(false);
  });

  it("leaves V8 alone when turned off", async () => {
    optimizeForSizeWhileParsing(false);
    try {
      expect(await whileParsing(async () => inParseSizeMode())).toBe(false);
    } finally {
      optimizeForSizeWhileParsing(true);
    }
  });

  /**
   * The old generation's largest use (MB) while 150 "parses" each build a 10,000-object tree and
   * keep the last six (as concurrent polls do, so that trees outlive V8's scavenges): inside
   * whileParsing with the size mode on or off, or outside any parse after parses have ended.
   * The peaks level off by the 80th parse (measured: the same 28-35 / 57-79 / 57-69 MB after 100 and after 300).
   */
  async function oldGenerationPeak(mode: "in-size-mode" | "turned-off" | "after-parses"): Promise<number> {
    const script = `
      import { optimizeForSizeWhileParsing, whileParsing } from ${JSON.stringify(HEAP)};
      import { setImmediate as turn } from "node:timers/promises";
      import v8 from "node:v8";
      optimizeForSizeWhileParsing(${mode !== "turned-off"});
      const oldUsed = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "old_space").space_used_size;
      async function parse(n) {
        const tree = [];
        for (let i = 0; i < 10000; i++) tree.push({ n, i, text: "item " + i, kids: [i] });
        await turn();
        return tree;
      }
      ${mode === "after-parses" ? "for (let i = 0; i < 20; i++) await whileParsing(async () => parse(i));" : ""}
      const inFlight = [];
      let peak = 0;
      for (let n = 0; n < 150; n++) {
        inFlight.push(${mode === "after-parses" ? "await parse(n)" : "await whileParsing(() => parse(n))"});
        if (inFlight.length > 6) inFlight.shift();
        peak = Math.max(peak, oldUsed());
      }
      console.log(JSON.stringify({ peak }));
    `;
    return (JSON.parse(await node(["--input-type=module", "-e", script])) as { peak: number }).peak / MB;
  }

  it("keeps parse garbage's old-generation peak far lower in size mode, and V8's defaults outside a parse", async () => {
    const [sized, off, after] = await Promise.all([oldGenerationPeak("in-size-mode"), oldGenerationPeak("turned-off"), oldGenerationPeak("after-parses")]);
    // Measured ~35-41 MB in size mode against ~70-95 MB with V8's defaults.
    expect(sized).toBeLessThan(0.7 * off);
    expect(sized).toBeLessThan(0.7 * after);
  }, scaled(60_000));
});
