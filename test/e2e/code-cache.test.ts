/**
 * The CLI's code cache (src/cli/code-cache.ts) through the built CLI: a command's first run writes
 * its file, the next reads it and leaves it be; a program changed at the same length runs as
 * changed (V8 alone would take the old code: it checks only the source's length); a damaged file
 * is ignored and replaced; the same files under new stamps (a container image's layer) still use
 * it; `CRIER_CODE_CACHE=off` writes nothing; a folder that cannot be written costs the command
 * nothing and says nothing. Each test runs a copy of the built CLI.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT, writeConfig } from "../support/cli.js";
import { runChild } from "../support/children.js";
import { scaled, waitFor } from "../support/timing.js";
import { codeCacheFile, readCodeCache } from "../../src/cli/code-cache.js";

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** What `NODE_DEBUG=crier-code-cache` says at exit: files from the cache, files compiled, what was written. */
function cacheReport(stderr: string): { used: number; compiled: number; wrote: "writing" | "cannot write" | "nothing to write" } {
  const m = /CRIER-CODE-CACHE \d+: [\w-]+: (\d+) of (\d+) files from the cache; (writing|cannot write|nothing to write)/.exec(stderr);
  if (!m) throw new Error(`no code cache report in: ${stderr}`);
  return { used: Number(m[1]), compiled: Number(m[2]), wrote: m[3] as "writing" };
}
const REPORT = { NODE_DEBUG: "crier-code-cache" };

/** A copy of the built CLI (its node_modules linked) and a config with one console destination. */
function project(): { cli: string; bundle: string; cache: string; config: string; run: (args: string[], env?: Record<string, string>) => ReturnType<typeof runChild> } {
  const dir = mkdtempSync(path.join(tmpdir(), "crier-code-cache-"));
  dirs.push(dir);
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  const dist = path.join(dir, "dist/src");
  mkdirSync(dist, { recursive: true });
  for (const part of ["cli.js", "start.cjs", "crier.cjs", "help.json"]) cpSync(path.join(ROOT, "dist/src", part), path.join(dist, part));
  const feed = path.join(dir, "feed.xml");
  writeFileSync(feed, "<rss version='2.0'><channel><title>t</title><item><title>One</title><link>https://example.org/1</link><guid>1</guid></item></channel></rss>");
  const { config } = writeConfig(`storage: { path: ${path.join(dir, "crier.db")} }\nfeeds:\n  - { id: news, url: ${feed} }\ndestinations:\n  - { id: out, platform: console, output: stderr }\nroutes:\n  - { feed: news, to: [out] }\n`, dir);
  const cache = path.join(dir, "cache");
  const cli = path.join(dist, "cli.js");
  const run = (args: string[], env: Record<string, string> = {}) =>
    runChild(process.execPath, [cli, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? "", CRIER_CODE_CACHE: cache, ...env }, timeoutMs: scaled(60_000) });
  return { cli, bundle: path.join(dist, "crier.cjs"), cache, config, run };
}

describe("the CLI's code cache", () => {
  it("a command's first run writes its file, with the program and its packages; the next run reads it and leaves it be", async () => {
    const p = project();
    const first = await p.run(["-c", p.config, "validate"], REPORT);
    expect(first.code, first.stderr).toBe(0);
    expect(cacheReport(first.stderr)).toMatchObject({ used: 0, wrote: "writing" });
    expect(cacheReport(first.stderr).compiled).toBeGreaterThan(50); // the bundle, zod's files, commander's…
    const file = codeCacheFile(p.cache, "validate");
    const entries = readCodeCache(file);
    expect([...entries.keys()]).toContain(p.bundle);
    expect([...entries.keys()].some((f) => /node_modules\/zod\/.*\.cjs$/.test(f)), "zod's CommonJS build").toBe(true);
    expect([...entries.keys()].some((f) => /node_modules\/commander\//.test(f)), "commander").toBe(true);
    const written = readFileSync(file);
    const second = await p.run(["-c", p.config, "validate"], REPORT);
    expect(second.stdout).toEqual(first.stdout);
    expect(cacheReport(second.stderr)).toEqual({ used: cacheReport(first.stderr).compiled, compiled: cacheReport(first.stderr).compiled, wrote: "nothing to write" });
    expect(readFileSync(file).equals(written), "every file came from the cache: nothing to write again").toBe(true);
    // Another command, a file of its own.
    expect((await p.run(["-c", p.config, "feeds"])).code).toBe(0);
    expect(readCodeCache(codeCacheFile(p.cache, "feeds")).has(p.bundle)).toBe(true);
  });

  it("a program changed at the same length runs as changed: its cached code is not used, and is replaced", async () => {
    const p = project();
    const before = await p.run(["-c", p.config, "validate"]);
    expect(before.stdout).toContain(": valid (1 feed, 1 destination)");
    const written = statSync(p.bundle);
    // As a rebuild writes it: later than the first (the file system's clock is coarse).
    const probe = path.join(path.dirname(p.bundle), "probe");
    await waitFor(() => (writeFileSync(probe, ""), statSync(probe).mtimeMs > written.mtimeMs), scaled(5_000), "the file system's clock to pass the copy's write");
    const text = readFileSync(p.bundle, "utf8");
    expect(text).toContain("`${file}: valid (");
    writeFileSync(p.bundle, text.replace("`${file}: valid (", "`${file}: VALID ("));
    expect(statSync(p.bundle).size).toBe(written.size);
    const after = await p.run(["-c", p.config, "validate"]);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain(": VALID (1 feed, 1 destination)");
    expect(readCodeCache(codeCacheFile(p.cache, "validate")).get(p.bundle)?.stamp[2], "the entry is the changed file's").toBe(statSync(p.bundle).mtimeMs);
  });

  it("the same files under new stamps (a copy, as a container image's layer is) still use the cache, kept again under their stamps", async () => {
    const p = project();
    const first = await p.run(["-c", p.config, "validate"], REPORT);
    const written = statSync(p.bundle);
    const probe = path.join(path.dirname(p.bundle), "probe");
    await waitFor(() => (writeFileSync(probe, ""), statSync(probe).mtimeMs > written.mtimeMs), scaled(5_000), "the file system's clock to pass the copy's write");
    const text = readFileSync(p.bundle);
    rmSync(p.bundle);
    writeFileSync(p.bundle, text);
    expect(statSync(p.bundle).mtimeMs).not.toBe(written.mtimeMs);
    const copied = await p.run(["-c", p.config, "validate"], REPORT);
    expect(copied.stdout).toBe(first.stdout);
    expect(cacheReport(copied.stderr)).toEqual({ used: cacheReport(first.stderr).compiled, compiled: cacheReport(first.stderr).compiled, wrote: "writing" });
    expect(readCodeCache(codeCacheFile(p.cache, "validate")).get(p.bundle)?.stamp[2]).toBe(statSync(p.bundle).mtimeMs);
    expect(cacheReport((await p.run(["-c", p.config, "validate"], REPORT)).stderr).wrote).toBe("nothing to write");
  });

  it("a damaged cache file is not handed to V8: the command runs, and the file is written anew", async () => {
    const p = project();
    const first = await p.run(["-c", p.config, "validate"]);
    const file = codeCacheFile(p.cache, "validate");
    const bytes = readFileSync(file);
    for (let i = bytes.length - 1000; i < bytes.length; i += 7) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
    writeFileSync(file, bytes);
    expect(readCodeCache(file).size).toBe(0);
    const again = await p.run(["-c", p.config, "validate"]);
    expect(again).toEqual(first);
    expect(readCodeCache(file).has(p.bundle)).toBe(true);
  });

  it("CRIER_CODE_CACHE=off writes nothing; a folder that cannot be made costs the command nothing and says nothing", async () => {
    const p = project();
    const off = await p.run(["-c", p.config, "validate"], { CRIER_CODE_CACHE: "off" });
    expect(off.code, off.stderr).toBe(0);
    expect(existsSync(p.cache)).toBe(false);
    const blocker = path.join(path.dirname(p.cache), "a-file");
    writeFileSync(blocker, "");
    const blocked = await p.run(["-c", p.config, "validate"], { CRIER_CODE_CACHE: path.join(blocker, "cache") });
    expect(blocked).toEqual(off);
    expect(cacheReport((await p.run(["-c", p.config, "validate"], { CRIER_CODE_CACHE: path.join(blocker, "cache"), ...REPORT })).stderr).wrote).toBe("cannot write");
    // The default folder: the install's node_modules/.cache/crier.
    const defaulted = await p.run(["-c", p.config, "poll", "--once"], { CRIER_CODE_CACHE: "" });
    expect(defaulted.code, defaulted.stderr).toBe(0);
    expect(readCodeCache(codeCacheFile(path.join(ROOT, "node_modules/.cache/crier"), "poll")).size).toBeGreaterThan(0);
  });
});
