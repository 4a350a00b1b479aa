import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { scaled, waitFor } from "../../test/support/timing.js";
import { codeCacheDir, codeCacheFile, hasDynamicImport, readCodeCache, stampOf, writeCodeCache } from "./code-cache.js";

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), "crier-code-cache-"));
  dirs.push(dir);
  return dir;
};

describe("code cache folder (CRIER_CODE_CACHE)", () => {
  it("is the default unless set; a path is resolved; off, 0 and false turn it off", () => {
    expect(codeCacheDir({}, "/install/node_modules/.cache/crier", false)).toBe("/install/node_modules/.cache/crier");
    expect(codeCacheDir({ CRIER_CODE_CACHE: "" }, "/d", false)).toBe("/d");
    expect(codeCacheDir({ CRIER_CODE_CACHE: "/var/cache/crier" }, "/d", false)).toBe("/var/cache/crier");
    expect(codeCacheDir({ CRIER_CODE_CACHE: "cache" }, "/d", false)).toBe(path.resolve("cache"));
    for (const off of ["off", "0", "false", " off "]) expect(codeCacheDir({ CRIER_CODE_CACHE: off }, "/d", false), off).toBeNull();
  });

  it("is off with --enable-source-maps: Node maps the stack traces of files it compiles itself", () => {
    expect(codeCacheDir({}, "/d", true)).toBeNull();
    expect(codeCacheDir({ CRIER_CODE_CACHE: "/x" }, "/d", true)).toBeNull();
  });

  it("holds one file per command, named for this Node and architecture", () => {
    expect(codeCacheFile("/c", "validate")).toBe(`/c/${process.version}-${process.arch}-validate.bin`);
    expect(codeCacheFile("/c", "../x")).toBe(`/c/${process.version}-${process.arch}-___x.bin`);
  });
});

describe("code cache file", () => {
  it("reads back what was written: each file's stamp and data", () => {
    const dir = tempDir();
    const source = path.join(dir, "a.js");
    writeFileSync(source, "module.exports = 1;\n");
    const stamp = stampOf(source);
    expect(stamp).not.toBeNull();
    const file = codeCacheFile(dir, "validate");
    writeCodeCache(file, [
      { name: source, stamp: stamp!, sha1: "a".repeat(40), data: Buffer.from("first data") },
      { name: "/elsewhere/b.js", stamp: [3, 4, 5, 6], sha1: "b".repeat(40), data: Buffer.from("second") },
    ]);
    const read = readCodeCache(file);
    expect([...read.keys()]).toEqual([source, "/elsewhere/b.js"]);
    expect(read.get(source)).toEqual({ stamp, sha1: "a".repeat(40), data: Buffer.from("first data") });
    expect(read.get("/elsewhere/b.js")?.data.toString()).toBe("second");
  });

  it("a file written again has another stamp (size, inode, mtime, ctime), at the same length too", async () => {
    const dir = tempDir();
    const source = path.join(dir, "a.js");
    writeFileSync(source, "module.exports = 1;\n");
    const before = stampOf(source);
    // The file system's clock is coarse (a few ms): a later write, as a rebuild or a reinstall is, is past its tick.
    const probe = path.join(dir, "probe");
    await waitFor(() => (writeFileSync(probe, ""), statSync(probe).mtimeMs > before![2]), scaled(5_000), "the file system's clock to pass the first write");
    rmSync(source);
    writeFileSync(source, "module.exports = 2;\n"); // the same length: V8's own check would take the old cache
    expect(stampOf(source)).not.toEqual(before);
    expect(stampOf(path.join(dir, "missing.js"))).toBeNull();
  });

  it("none of a file that is missing, damaged, cut short or not one of ours", () => {
    const dir = tempDir();
    expect(readCodeCache(path.join(dir, "missing.bin")).size).toBe(0);
    const file = codeCacheFile(dir, "feeds");
    writeCodeCache(file, [{ name: "/a.js", stamp: [1, 2, 3, 4], sha1: "c".repeat(40), data: Buffer.from("0123456789") }]);
    const whole = readFileSync(file);
    expect(readCodeCache(file).size).toBe(1);
    const damaged = Buffer.from(whole);
    damaged.writeUInt8((damaged.at(-3) ?? 0) ^ 0xff, damaged.length - 3);
    writeFileSync(file, damaged);
    expect(readCodeCache(file).size).toBe(0);
    writeFileSync(file, whole.subarray(0, whole.length - 4));
    expect(readCodeCache(file).size).toBe(0);
    writeFileSync(file, Buffer.from("not a cache file at all"));
    expect(readCodeCache(file).size).toBe(0);
    const header = Buffer.from(JSON.stringify({ magic: "something-else/1", sha1: "", entries: [] }));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length, 0);
    writeFileSync(file, Buffer.concat([length, header]));
    expect(readCodeCache(file).size).toBe(0);
  });

  it("is replaced whole: no temporary file is left beside it", () => {
    const dir = tempDir();
    const file = codeCacheFile(path.join(dir, "made"), "poll");
    writeCodeCache(file, [{ name: "/a.js", stamp: [1, 2, 3, 4], sha1: "c".repeat(40), data: Buffer.from("one") }]);
    writeCodeCache(file, [{ name: "/a.js", stamp: [1, 2, 3, 4], sha1: "c".repeat(40), data: Buffer.from("two") }]);
    expect(readCodeCache(file).get("/a.js")?.data.toString()).toBe("two");
    expect(readFileSync(file).length).toBeGreaterThan(0);
    expect(readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
  });
});

describe("files left to Node", () => {
  it("a file that calls import() (in a vm.Script it would need Node's experimental loader); not for one that names it in a comment", () => {
    expect(hasDynamicImport('const m = await import("sharp");')).toBe(true);
    expect(hasDynamicImport("x = import (spec)")).toBe(true);
    expect(hasDynamicImport('/**\n * @typedef { import("./command.js").Command } Command\n */\nmodule.exports = 1;')).toBe(false);
    expect(hasDynamicImport("    // an inline `import()` of an ESM path\nexports.a = 1;")).toBe(false);
    expect(hasDynamicImport("const important = reimport(1); exports.imports = 2;")).toBe(false);
    expect(hasDynamicImport("module.exports = 1;")).toBe(false);
  });
});
