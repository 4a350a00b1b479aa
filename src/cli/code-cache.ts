/**
 * The CLI's V8 code cache (issue 17: start-up). A short command spends most of its CPU compiling
 * JavaScript, its own and its libraries' (zod, js-yaml, commander), and most of that compiling is of
 * functions V8 compiles lazily, on their first call. Node 20 has no compile cache of its own, and
 * v8-compile-cache makes its cache right after compiling, before any function has run (measured,
 * callgrind: `crier validate` 618M instructions before this, 602M with a cache of that kind). Here
 * the cache is made at exit, after the run (`vm.Script#createCachedData`: "contains fully compiled"
 * functions that ran), one file per command: the next run of that command deserialises what it
 * compiled (~450M).
 *
 * Every CommonJS file under the install's folder (the bundle dist/src/crier.cjs, node_modules)
 * compiles through here while the hook is installed; any other file, an ES module or a failure of
 * the cache goes Node's own way. V8 refuses a cache made by another V8 or other flags, but checks
 * only the source's length: each entry is also keyed by its file's stamp (size, inode, mtime and
 * ctime, as git's index tells a changed file; npm gives every file it installs the same mtime, but
 * a new file a new ctime) and, where the stamp differs (a copy: a container image's layer), by the
 * source's SHA-1; the data is checked by its SHA-1 (a damaged file is never handed to V8). Hashing
 * every source on every run cost more than it saved (zlib's CRC-32: +56M instructions a command).
 * `NODE_DEBUG=crier-code-cache` says at exit how many files came from the cache.
 */
import Module from "node:module";
import { debuglog } from "node:util";
import { hash } from "node:crypto";
import { accessSync, constants, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";

/** What `CRIER_CODE_CACHE` asks for: `off` (or `0`), a folder, or, unset, `defaultDir`. Pure. */
export function codeCacheDir(env: NodeJS.ProcessEnv, defaultDir: string, sourceMaps: boolean): string | null {
  const setting = env.CRIER_CODE_CACHE?.trim();
  if (setting === "off" || setting === "0" || setting === "false") return null;
  // With --enable-source-maps Node maps stack traces of the files it compiles itself: leave them to it.
  if (sourceMaps) return null;
  return setting ? path.resolve(setting) : defaultDir;
}

/** The cache file of one command: V8's version and the architecture in its name, so that an upgraded Node starts a file of its own. */
export const codeCacheFile = (dir: string, key: string): string => path.join(dir, `${process.version}-${process.arch}-${key.replace(/[^a-z0-9-]/gi, "_")}.bin`);

const MAGIC = "crier-code-cache/1";

/** Which version of a file a cache entry was made from: what `stat` says of it. */
export type FileStamp = readonly [size: number, ino: number, mtimeMs: number, ctimeMs: number];

/** The file's stamp now; null when it cannot be read. */
export function stampOf(file: string): FileStamp | null {
  try {
    const st = statSync(file);
    return [st.size, st.ino, st.mtimeMs, st.ctimeMs];
  } catch {
    return null;
  }
}

const sameStamp = (a: FileStamp, b: FileStamp): boolean => a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];

/** One compiled file in a cache file: the file's stamp, its source's SHA-1 and its V8 data. */
interface Entry {
  stamp: FileStamp;
  sha1: string;
  data: Buffer;
}

/**
 * A cache file's entries by absolute file name; empty when there is none, it is not one of ours or
 * its data does not match its SHA-1. Layout: 4 bytes (LE) header length, the header (JSON), then
 * each entry's data.
 */
export function readCodeCache(file: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return entries;
  }
  try {
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.toString("utf8", 4, 4 + headerLength)) as { magic: string; sha1: string; entries: Array<[string, FileStamp, string, number, number]> };
    if (header.magic !== MAGIC) return entries;
    const data = bytes.subarray(4 + headerLength);
    if (hash("sha1", data) !== header.sha1) return entries;
    for (const [name, stamp, sha1, start, end] of header.entries) {
      if (end > data.length) return new Map();
      entries.set(name, { stamp, sha1, data: data.subarray(start, end) });
    }
  } catch {
    return new Map();
  }
  return entries;
}

/** Writes a cache file whole, by rename: a reader sees the old file or the new one, never a mix. */
export function writeCodeCache(file: string, entries: ReadonlyArray<{ name: string; stamp: FileStamp; sha1: string; data: Buffer }>): void {
  const table: Array<[string, FileStamp, string, number, number]> = [];
  let offset = 0;
  for (const { name, stamp, sha1, data } of entries) {
    table.push([name, stamp, sha1, offset, offset + data.length]);
    offset += data.length;
  }
  const data = Buffer.concat(entries.map((e) => e.data));
  const header = Buffer.from(JSON.stringify({ magic: MAGIC, sha1: hash("sha1", data), entries: table }), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length, 0);
  // The umask's modes: others may read (it is public code, compiled), only the owner writes.
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([length, header, data]));
    renameSync(temporary, file);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
}

/** Whether the cache folder can be made and written (checked before the cache is serialised: a read-only install pays nothing at exit). */
function writable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a CommonJS file calls import(): such a file is left to Node, since an import() in code
 * compiled by vm.Script needs Node's experimental main-context loader. Comment lines (JSDoc's
 * `import("./x.js")` types) do not count. Pure.
 */
export function hasDynamicImport(source: string): boolean {
  if (!source.includes("import")) return false;
  for (const match of source.matchAll(/\bimport\s*\(/g)) {
    const before = source.slice(source.lastIndexOf("\n", match.index) + 1, match.index);
    if (/^\s*\*/.test(before) || before.includes("//")) continue;
    return true;
  }
  return false;
}

type Compile = (this: NodeModule, content: string, filename: string, format?: string) => unknown;
interface ModuleInternals {
  prototype: { _compile: Compile };
  wrap(source: string): string;
  _resolveFilename(request: string, parent: NodeModule, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: NodeModule): string[] | null;
  _extensions: unknown;
  _cache: unknown;
}

/** The `require` a CommonJS module gets, as Node's own loader makes it. */
function requireFor(mod: NodeModule, M: ModuleInternals): NodeJS.Require {
  const require = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) => M._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => M._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = M._extensions as NodeJS.RequireExtensions;
  require.cache = M._cache as NodeJS.Dict<NodeModule>;
  return require;
}

/** The SHA-1 of a source, as its cache entry keeps it. */
const sourceSha1 = (source: string): string => hash("sha1", source);

/** A file's source as compiled here: a shebang is valid only at the very start of a script, not inside the module wrapper (its columns kept). */
const scriptSource = (content: string): string => (content.startsWith("#!") ? `//${content.slice(2)}` : content);

/** The install's folder and its packages' (real paths, as `require` names files: node_modules may be a link). */
export function installRoots(root: string): string[] {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  return [...new Set([real(root), real(path.join(root, "node_modules"))])];
}

const debug = debuglog("crier-code-cache");

/**
 * A compiled file's entry at exit: its source read again for the SHA-1, none when the file changed
 * since it was compiled (its stamp then differs: the hash would not be of the code compiled).
 */
function entryNow(name: string, stamp: FileStamp, script: vm.Script): Array<{ name: string; stamp: FileStamp; sha1: string; data: Buffer }> {
  try {
    const content = readFileSync(name, "utf8");
    const now = stampOf(name);
    if (!now || !sameStamp(now, stamp)) return [];
    return [{ name, stamp, sha1: sourceSha1(scriptSource(content)), data: script.createCachedData() }];
  } catch {
    return [];
  }
}

/**
 * From here on, CommonJS files under `roots` (real paths, as `require` names files) compile with
 * the cache in `dir` (the file of `key`); at exit the cache is written again when this run compiled
 * a file the cache did not have (or V8 refused it), or found one under a new stamp.
 */
export function installCodeCache(opts: { dir: string; key: string; roots: readonly string[] }): void {
  const file = codeCacheFile(opts.dir, opts.key);
  const cached = readCodeCache(file);
  const M = Module as unknown as ModuleInternals;
  const original = M.prototype._compile;
  const roots = opts.roots.map((r) => (r.endsWith(path.sep) ? r : r + path.sep));
  // Not the sources: V8 keeps each wrapped source already, and a second copy of ~2.7 MB of them costs
  // a 20,000-feed `validate` more old generation than it has (test/e2e/memory.test.ts).
  const scripts: Array<{ name: string; stamp: FileStamp; script: vm.Script }> = [];
  let used = 0;
  let stale = false;
  M.prototype._compile = function compileWithCache(content, filename, format) {
    if ((format !== undefined && format !== "commonjs") || !roots.some((r) => filename.startsWith(r)) || hasDynamicImport(content)) return original.call(this, content, filename, format);
    const source = scriptSource(content);
    const stamp = stampOf(filename);
    const entry = cached.get(filename);
    const sameStamped = stamp !== null && entry !== undefined && sameStamp(entry.stamp, stamp);
    // The same source under a new stamp: used, and kept again under that stamp (when the folder can be written).
    const restamped = stamp !== null && entry !== undefined && !sameStamped && entry.sha1 === sourceSha1(source);
    if (restamped) stale = true;
    const cachedData = sameStamped || restamped ? entry?.data : undefined;
    // The loader is only a safety net (a dynamic import missed by hasDynamicImport): calling it prints Node's experimental warning.
    const script = new vm.Script(M.wrap(source), { filename, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
    if (cachedData && !script.cachedDataRejected) used++;
    else stale = true;
    if (stamp) scripts.push({ name: filename, stamp, script });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(this, M), this, filename, path.dirname(filename));
  };
  process.once("exit", () => {
    const write = stale && writable(path.dirname(file));
    debug("%s: %d of %d files from the cache; %s", opts.key, used, scripts.length, write ? `writing ${file}` : stale ? `cannot write ${file}` : "nothing to write");
    if (!write) return;
    try {
      writeCodeCache(file, scripts.flatMap(({ name, stamp, script }) => entryNow(name, stamp, script)));
    } catch {
      // The disk full, say: the next run compiles, as Node does.
    }
  });
}
