/**
 * The identity scan against the whole feed corpus (`npm run test:corpus -- ../shared/corpus`):
 * for every file, the scan either gives up (null) or yields exactly the keys, identifying links
 * and legacy keys of the full parse, in its order. A file the full parse rejects is never scanned
 * to a result.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseFeed } from "../../src/intake/parse.js";
import { scanIdentities } from "../../src/intake/scan-keys.js";
import { identify, identifyScanned } from "../../src/intake/select-new.js";
import { parseNewItems } from "../../src/intake/parse-new.js";
import { EXPECTATIONS } from "./expectations.js";

const FOLDERS = ["real", "derived", "synthetic"];
const NOT_FEEDS = /(?:\.tsv|\.js|\.md)$/;
const corpusDir = process.env.CORPUS_DIR;

/** The full parse's identities, or the error it gives. */
async function fullKeys(body: Buffer, contentType: string | null, feedUrl: string | null): Promise<unknown> {
  try {
    const parsed = await parseFeed(body, contentType, "corpus", feedUrl);
    return identify(parsed.items, parsed.channelLink, parsed.legacyLinks).map(({ key, normLink, legacyKey }) => ({ key, normLink, ...(legacyKey ? { legacyKey } : {}) }));
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe.skipIf(!corpusDir)(`the identity scan on the feed corpus in ${corpusDir ?? "(CORPUS_DIR not set)"}`, () => {
  const dir = corpusDir ?? "";
  // Read only when the corpus is given: vitest collects a skipped describe's body too.
  const files = !corpusDir ? [] : FOLDERS.flatMap((folder) =>
    readdirSync(join(dir, folder))
      .filter((name) => !NOT_FEEDS.test(name))
      .map((name) => `${folder}/${name}`),
  );
  const scannedFiles: string[] = [];

  it.each(files)("%s: the scan gives up or agrees with the full parse", async (file) => {
    const e = EXPECTATIONS.find((x) => x.file === file);
    const body = readFileSync(join(dir, file));
    const contentType = e?.contentType ?? null;
    const feedUrl = e?.feedUrl ?? null;
    const scan = scanIdentities(body, contentType, feedUrl);
    const keys = scan ? identifyScanned(scan.items, scan.channelLink) : null;
    if (!keys) return;
    scannedFiles.push(file);
    const scanned = keys.map(({ key, normLink, legacyKey }) => ({ key, normLink, ...(legacyKey ? { legacyKey } : {}) }));
    expect(scanned).toEqual(await fullKeys(body, contentType, feedUrl));
    // New items first: every item but the first known; the rest parsed alone must equal the full parse's.
    const known = new Set(scan!.items.map((_, i) => i).filter((i) => i > 0));
    const fewer = await parseNewItems(body, scan!, known, contentType, "corpus", feedUrl);
    if (!fewer) return;
    const full = await parseFeed(body, contentType, "corpus", feedUrl);
    expect(fewer.items[0]).toEqual(full.items[0]);
    expect(identify(fewer.items, fewer.channelLink, fewer.legacyLinks).map((i) => i.key)).toEqual(identify(full.items, full.channelLink, full.legacyLinks).map((i) => i.key));
  });

  it("reads most feeds without giving up, WordPress's among them", () => {
    expect(scannedFiles).toContain("synthetic/wp-50.xml");
    expect(scannedFiles.length).toBeGreaterThan(files.length / 2);
  });
});
