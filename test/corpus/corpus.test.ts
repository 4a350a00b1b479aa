/**
 * parseFeed against the feed corpus (`npm run test:corpus -- ../shared/corpus`): every file in
 * the corpus folders must have a hand-written expectation, and must parse to it. The check on
 * the expectations table itself runs always; the corpus part needs CORPUS_DIR.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FeedItem } from "../../src/core/feed-item.js";
import { ParseError, parseFeed, type ParsedFeed } from "../../src/intake/parse.js";
import { scaled } from "../support/timing.js";
import { EXPECTATIONS, type Expectation, type ExpectedItem } from "./expectations.js";

const FOLDERS = ["real", "derived", "synthetic"];
/** Not feeds: the manifests and the generator script. */
const NOT_FEEDS = /(?:\.tsv|\.js|\.md)$/;
// eslint-disable-next-line no-control-regex
const C1 = /[\u0080-\u009f]/u;
const ENTITY_TEXT = /&(?:[a-z][a-z0-9]*|#\d+|#x[0-9a-f]+);/i;

/** Problems with a string that a title or summary must never contain. */
function textProblems(value: string): string[] {
  const out: string[] = [];
  if (value.includes("\ufffd")) out.push("U+FFFD");
  if (C1.test(value)) out.push("a C1 control character");
  if (ENTITY_TEXT.test(value)) out.push(`entity text ${ENTITY_TEXT.exec(value)?.[0]}`);
  return out;
}

function linkProblems(value: string | null): string[] {
  return value === null || /^https?:\/\/[^/]/i.test(value) ? [] : [`not an absolute http(s) link: ${value}`];
}

function itemProblems(item: ExpectedItem | FeedItem): string[] {
  return [...textProblems(item.title), ...(typeof item.summary === "string" ? textProblems(item.summary) : []), ...linkProblems(item.link)];
}

/**
 * A parsed item: the title and link as above; the summary without U+FFFD or C1 controls (entity
 * text may be in it when a feed escapes its HTML three times, as one Reddit test file does).
 */
function parsedItemProblems(item: FeedItem): string[] {
  return [...textProblems(item.title), ...linkProblems(item.link), ...textProblems(item.summary).filter((p) => !p.startsWith("entity text"))];
}

describe("the expectations table", () => {
  it.each(EXPECTATIONS.map((e) => [e.file, e] as const))("%s holds no mojibake, entity text or relative link", (_file, e) => {
    const problems = [
      ...textProblems(e.feedTitle ?? ""),
      ...linkProblems(e.channelLink ?? null),
      ...linkProblems(e.feedUrl ?? null),
      ...[e.first, ...(e.rest ?? [])].flatMap((item) => (item ? itemProblems(item) : [])),
    ];
    expect(problems).toEqual([]);
  });

  it("names each file once", () => {
    const files = EXPECTATIONS.map((e) => e.file);
    expect(files.filter((f, i) => files.indexOf(f) !== i)).toEqual([]);
  });

  it("the guard catches what it is for", () => {
    expect(textProblems("don\u0092t")).toHaveLength(1);
    expect(textProblems("a\ufffdb")).toHaveLength(1);
    expect(textProblems("council&#8217;s &amp; more")).toHaveLength(1);
    expect(textProblems("AT&T’s <div>")).toEqual([]);
    expect(linkProblems("/c/")).toHaveLength(1);
    expect(linkProblems("https://example.org/c/")).toEqual([]);
  });
});

const corpusDir = process.env.CORPUS_DIR;

describe.skipIf(!corpusDir)(`the feed corpus in ${corpusDir ?? "(CORPUS_DIR not set: npm run test:corpus -- DIR)"}`, () => {
  const dir = corpusDir ?? "";

  it("has an expectation for every file", () => {
    const present = FOLDERS.flatMap((folder) =>
      readdirSync(join(dir, folder))
        .filter((name) => !NOT_FEEDS.test(name))
        .map((name) => `${folder}/${name}`),
    ).sort();
    const expected = EXPECTATIONS.map((e) => e.file).sort();
    expect({ missingExpectation: present.filter((f) => !expected.includes(f)), missingFile: expected.filter((f) => !present.includes(f)) }).toEqual({
      missingExpectation: [],
      missingFile: [],
    });
  });

  for (const e of EXPECTATIONS) {
    const run = e.gap ? it.fails : it;
    run(`${e.file}${e.gap ? ` (known gap: ${e.gap})` : ""}`, async () => {
      const body = readFileSync(join(dir, e.file));
      const started = performance.now();
      const outcome = await parseFeed(body, e.contentType ?? null, "corpus", e.feedUrl ?? null).then(
        (feed) => ({ feed }),
        (error: unknown) => ({ error }),
      );
      const elapsed = performance.now() - started;
      if (e.error) {
        expect("error" in outcome ? outcome.error : outcome.feed).toBeInstanceOf(ParseError);
        expect(((outcome as { error: Error }).error ?? {}).message).toMatch(e.error);
        return;
      }
      if ("error" in outcome) throw outcome.error;
      checkFeed(outcome.feed, e);
      if (e.maxMs) expect(elapsed).toBeLessThan(scaled(e.maxMs));
    });
  }
});

function checkFeed(feed: ParsedFeed, e: Expectation): void {
  const { items } = feed;
  if (e.count !== undefined) expect(items, "item count").toHaveLength(e.count);
  expect(items.length, "minimum item count").toBeGreaterThanOrEqual(e.minItems ?? e.count ?? 1);
  if (e.feedTitle !== undefined) expect(feed.title, "feed title").toBe(e.feedTitle);
  if (e.channelLink !== undefined) expect(feed.channelLink, "channel link").toBe(e.channelLink);
  if (e.encoding !== undefined) expect(feed.encoding, "encoding").toBe(e.encoding);
  if (e.warning) expect(feed.warnings.join("\n"), "warnings").toMatch(e.warning);
  if (e.noWarnings) expect(feed.warnings, "warnings").toEqual([]);
  [e.first, ...(e.rest ?? [])].forEach((want, i) => {
    if (!want) return;
    const got = items[i];
    expect(got, `item ${i}`).toBeDefined();
    if (!got) return;
    expect({ title: got.title, link: got.link, date: got.publishedAt }, `item ${i}`).toEqual({ title: want.title, link: want.link, date: want.date });
    if (typeof want.summary === "string") expect(got.summary, `item ${i} summary`).toBe(want.summary);
    else expect(got.summary.length > 0, `item ${i} has a summary`).toBe(want.summary);
    if (want.guid !== undefined) expect(got.guid, `item ${i} guid`).toBe(want.guid);
    if (want.image !== undefined) expect(got.imageUrl, `item ${i} image`).toBe(want.image);
  });
  for (const [i, item] of items.entries()) {
    expect(parsedItemProblems(item), `item ${i}: ${item.title}`).toEqual([]);
    if (e.summaryLacks) expect(item.summary, `item ${i} summary`).not.toMatch(e.summaryLacks);
    if (e.guids) expect(item.guid ?? "", `item ${i} guid`).toMatch(e.guids);
    if (item.publishedAt !== null) expect(item.publishedAt, `item ${i} date`).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  }
  expect(textProblems(feed.title), "feed title").toEqual([]);
}
