import { describe, expect, it } from "vitest";
import { capabilityText, deliveryView, feedView, formatDeliveries, formatFeeds, formatPollResult, plural } from "./format.js";
import { NEVER, type DeliveryRecord } from "../store/deliveries.js";
import type { FeedStatus } from "../store/feeds.js";

const T = Date.UTC(2026, 11, 6, 12, 0, 0);
const row = (over: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  id: 7, feedId: "news", itemKey: "guid:1", destinationId: "tg", normLink: null, state: "sent", reason: null, errorKind: null,
  attempts: 1, imageFailures: 0, imageDropped: null, nextAttemptAt: null, checkpoint: null, remoteId: "42", remoteUrl: "https://t.me/news/42", createdAt: T, updatedAt: T, sentAt: T,
  title: "Council approves the plan", link: "https://news.example.org/1", ...over,
});

describe("plural", () => {
  it.each([
    [0, "feed", undefined, "0 feeds"],
    [1, "feed", undefined, "1 feed"],
    [2, "feed", undefined, "2 feeds"],
    [1, "delivery", "deliveries", "1 delivery"],
    [3, "delivery", "deliveries", "3 deliveries"],
    [1, "send-log entry", "send-log entries", "1 send-log entry"],
  ])("%i %s", (n, one, many, text) => {
    expect(plural(n, one, many)).toBe(text);
  });
});

describe("deliveries", () => {
  it("a given-up row has no next attempt (null, not MAX_SAFE_INTEGER), in JSON and in text", () => {
    const view = deliveryView(row({ state: "failed", attempts: 8, nextAttemptAt: NEVER, remoteId: null, remoteUrl: null, reason: "gave up after 8 attempts: HTTP 500" }));
    expect(view).toMatchObject({ nextAttemptAt: null, gaveUp: true });
    expect(JSON.stringify(view)).not.toContain(String(Number.MAX_SAFE_INTEGER));
    const text = formatDeliveries([view]);
    expect(text).toContain("#7 failed    news -> tg · 8 attempts · gave up (crier retry 7 starts afresh) · updated 2026-12-06 12:00:00Z");
    expect(text).not.toMatch(/never|9007199254740991/);
  });

  it.each([
    ["failed with a next attempt", row({ state: "failed", nextAttemptAt: T + 60_000, remoteId: null, remoteUrl: null }), / · 1 attempt · next attempt 2026-12-06 12:01:00Z · updated /],
    ["sent: the post and the remote id, labelled", row(), /\n {6}post: https:\/\/t\.me\/news\/42 · remote id: 42\n/],
    ["sent without a URL", row({ remoteUrl: null }), /\n {6}remote id: 42\n/],
    ["uncertain with the checkpoint its send saved", row({ state: "uncertain", remoteId: null, remoteUrl: null, reason: "lost", checkpoint: '{"publishId":"p_pub_url~v2.1"}' }), /\n {6}lost\n {6}checkpoint: \{"publishId":"p_pub_url~v2\.1"\}\n/],
    ["skipped with its reason", row({ state: "skipped", attempts: 0, remoteId: null, remoteUrl: null, reason: "first run: recorded, not posted" }), / · 0 attempts · [\s\S]*\n {6}first run: recorded, not posted\n/],
  ])("%s", (_name, r, pattern) => {
    expect(formatDeliveries([deliveryView(r)])).toMatch(pattern);
  });

  it("says when more rows match than are shown", () => {
    expect(formatDeliveries([deliveryView(row())], true)).toMatch(/\n… more deliveries match: the newest 1 are shown \(--limit N for more, or narrow with --state, --feed, --destination\)\n$/);
    expect(formatDeliveries([deliveryView(row())], false)).not.toMatch(/more deliveries/);
    expect(formatDeliveries([])).toBe("no deliveries match\n");
  });
});

describe("feedView", () => {
  const stored = (over: Partial<FeedStatus>): FeedStatus => ({
    feedId: "news", heldAt: null, heldReason: null, acceptMode: null, lastError: null, errorStreak: 0, lastPolledAt: T - 60_000, lastOkAt: T - 60_000,
    nextPollAt: null, demotedAt: null, freshUntil: null, ...over,
  });
  const feed = { id: "news", enabled: true };
  it.each([
    ["ok", stored({}), "ok", "news: ok · last polled 2026-12-06 11:59:00Z\n", false],
    ["held", stored({ heldAt: T - 3_600_000, heldReason: "8 of 10 items are new" }), "held",
      "news: HELD since 2026-12-06 11:00:00Z: 8 of 10 items are new\n    crier feed accept news --post (post the held items) or crier feed accept news (record them without posting)\n", true],
    ["held, already accepted", stored({ heldAt: T - 3_600_000, heldReason: "flood", acceptMode: "post" }), "held",
      "news: HELD since 2026-12-06 11:00:00Z: flood; accepted (to post): the next poll releases it\n", false],
    ["backing off", stored({ errorStreak: 2, lastError: "HTTP 500", nextPollAt: T + 120_000 }), "backing-off",
      "news: BACKING OFF until 2026-12-06 12:02:00Z after 2 failed polls; last error: HTTP 500\n    crier feed resume news (poll it at its next schedule instead)\n", true],
    ["failing, due again", stored({ errorStreak: 1, lastError: "HTTP 500", nextPollAt: T - 1 }), "failing", "news: FAILING · 1 failed poll in a row; polled again on its schedule; last error: HTTP 500\n", true],
    ["demoted", stored({ errorStreak: 10, lastError: "timeout", demotedAt: T - 60_000, nextPollAt: T + 3_600_000 }), "demoted",
      "news: DEMOTED to a slow probe since 2026-12-06 11:59:00Z after 10 failed polls; next probe 2026-12-06 13:00:00Z; last error: timeout\n    crier feed resume news (poll it again at once; it also comes back by itself on its first success)\n", true],
    ["server asked to wait", stored({ freshUntil: T + 300_000 }), "ok", "news: ok · last polled 2026-12-06 11:59:00Z; the server asked not to be polled before 2026-12-06 12:05:00Z\n", false],
    ["never polled", undefined, "not-polled", "news: not polled yet\n", false],
  ])("%s", (_name, status, state, text, attention) => {
    const view = feedView(feed, status, T);
    expect(view.state).toBe(state);
    expect(formatFeeds([view])).toBe(text);
    expect(view.attention).toBe(attention);
  });

  it("a disabled feed is disabled, whatever the store says", () => {
    expect(formatFeeds([feedView({ id: "old", enabled: false }, stored({ errorStreak: 3 }), T)])).toBe("old: disabled · enabled: false in the config\n");
  });
});

describe("words for machines' names", () => {
  it.each([
    [{ idempotentSend: true, idempotencyTtlMs: 3_600_000, images: true, delete: true }, ["safe retries (the platform recognises a repeated post by its key for 1 hour)", "posts images", "deletes posts (crier unpost)"]],
    [{ idempotentSend: true, images: true, delete: true }, ["safe retries (the platform recognises a repeated post by its key)", "posts images", "deletes posts (crier unpost)"]],
    [{ idempotentSend: false, images: false, delete: false }, []],
  ])("capabilities %j", (caps, words) => {
    expect(capabilityText(caps)).toEqual(words);
  });
});

describe("formatPollResult", () => {
  it("ends with what needs attention", () => {
    const text = formatPollResult({ feeds: [{ feedId: "news", status: "parsed", items: 1, new: 1, queued: 1, skipped: 0 }], deliveries: [], wouldPost: [] }, ["destination tg is paused: no token; 1 delivery waiting"]);
    expect(text).toBe("feed news: 1 item, 1 new, 1 queued, 0 recorded without posting\nneeds attention:\n  - destination tg is paused: no token; 1 delivery waiting\n");
  });
});
