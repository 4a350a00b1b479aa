#!/usr/bin/env node
// `npm run test:corpus -- DIR`: runs test/corpus/corpus.test.ts against the feed corpus in DIR
// (the folder holding real/, derived/ and synthetic/). A missing DIR is an error, never a skip.
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const dir = process.argv[2];
const usage = "usage: npm run test:corpus -- DIR   (DIR holds the corpus: real/, derived/, synthetic/)";
if (!dir) {
  console.error(`test:corpus: no corpus folder given.\n${usage}`);
  process.exit(1);
}
const corpus = resolve(dir);
let isDir = false;
try {
  isDir = statSync(corpus).isDirectory();
} catch {
  // reported below
}
if (!isDir) {
  console.error(`test:corpus: ${corpus} is not a folder.\n${usage}`);
  process.exit(1);
}
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const result = spawnSync("npx", ["vitest", "run", "--root", repo, "test/corpus/corpus.test.ts", ...process.argv.slice(3)], {
  stdio: "inherit",
  env: { ...process.env, CORPUS_DIR: corpus },
});
if (result.error) {
  console.error(`test:corpus: could not start vitest: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
