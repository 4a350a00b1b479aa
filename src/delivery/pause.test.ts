/** Every pause and resume decision about a destination, table by table. */
import { describe, expect, it } from "vitest";
import { afterFailure, afterSent, hold, initialState, needsOperator, pauseReason, resume, storedPartChanged, wakeAt, type LiveDestinationState, type PauseConfig } from "./pause.js";

const NOW = Date.UTC(2026, 11, 6, 12);
const on: PauseConfig = { enabled: true, configReason: null };
const state = (over: Partial<LiveDestinationState> = {}): LiveDestinationState => ({
  destinationId: "tg", pausedUntil: null, pausedReason: null, consecutiveRejections: 0, heldUntil: null, ...over,
});

describe("initialState", () => {
  it("takes the stored pause and streak; a stored end without a reason is no pause", () => {
    expect(initialState("tg", undefined)).toEqual(state());
    expect(initialState("tg", { destinationId: "tg", pausedUntil: NOW, pausedReason: "rate limited", consecutiveRejections: 2 })).toEqual(state({ pausedUntil: NOW, pausedReason: "rate limited", consecutiveRejections: 2 }));
    expect(initialState("tg", { destinationId: "tg", pausedUntil: NOW, pausedReason: null, consecutiveRejections: 0 })).toEqual(state());
  });
});

describe("pauseReason and needsOperator", () => {
  it.each([
    ["active", on, state(), null, false],
    ["a missing secret (paused by the config)", { enabled: true, configReason: "environment variable X is not set" }, state(), "environment variable X is not set", true],
    ["refused credentials or a broken channel (until resumed)", on, state({ pausedReason: "credentials refused" }), "credentials refused", true],
    ["a rate limit (until a time)", on, state({ pausedReason: "rate limited until …", pausedUntil: NOW + 60_000 }), "rate limited until …", false],
    ["a rate limit that has run out", on, state({ pausedReason: "rate limited until …", pausedUntil: NOW - 1 }), null, false],
    ["switched off in the config", { enabled: false, configReason: null }, state({ pausedReason: "credentials refused" }), "disabled in the config", false],
  ] as const)("%s", (_name, config, s, reason, needs) => {
    expect(pauseReason(config, s, NOW)).toBe(reason);
    expect(needsOperator(config, s, NOW)).toBe(needs);
  });
});

describe("afterFailure", () => {
  it("applies the record stage's pause (a rate limit until a time)", () => {
    const pause = { until: NOW + 5_000, reason: "rate limited by the platform until …" };
    expect(afterFailure(state(), { pause, rejected: null, maxConsecutiveRejections: 3 })).toEqual({ state: state({ pausedUntil: pause.until, pausedReason: pause.reason }), paused: pause });
  });

  it("counts rejections in a row and pauses, for the operator, at the limit", () => {
    const first = afterFailure(state(), { rejected: "too long", maxConsecutiveRejections: 2 });
    expect(first).toEqual({ state: state({ consecutiveRejections: 1 }), paused: null });
    const second = afterFailure(first.state, { rejected: "spam", maxConsecutiveRejections: 2 });
    expect(second.paused).toEqual({ until: null, reason: "2 posts in a row were rejected by the platform; last: spam" });
    expect(second.state).toEqual(state({ consecutiveRejections: 2, pausedUntil: null, pausedReason: second.paused?.reason }));
  });

  it("a failure that is neither leaves the state as it was", () => {
    const s = state({ consecutiveRejections: 1 });
    expect(afterFailure(s, { rejected: null, maxConsecutiveRejections: 3 })).toEqual({ state: s, paused: null });
  });
});

describe("afterSent, resume, hold", () => {
  it("a post that went out ends the streak (the same object when there was none)", () => {
    const clean = state();
    expect(afterSent(clean)).toBe(clean);
    expect(afterSent(state({ consecutiveRejections: 2 }))).toEqual(state());
  });

  it("resume clears the pause and the streak; a pause made by the config is refused", () => {
    expect(resume(on, state({ pausedReason: "credentials refused", consecutiveRejections: 4 }))).toEqual({ ok: true, state: state() });
    expect(resume({ enabled: true, configReason: "X is not set" }, state())).toEqual({ ok: false, reason: "paused by its config: X is not set" });
  });

  it("the gate's hold is not stored; the pause and streak are", () => {
    const s = state();
    expect(hold(s, null)).toBe(s);
    expect(storedPartChanged(s, hold(s, NOW))).toBe(false);
    expect(storedPartChanged(s, state({ consecutiveRejections: 1 }))).toBe(true);
  });
});

describe("wakeAt", () => {
  it.each([
    ["free", on, state(), null],
    ["held by the gate", on, state({ heldUntil: NOW + 1_000 }), NOW + 1_000],
    ["paused until a time", on, state({ pausedReason: "rate limited", pausedUntil: NOW + 9_000 }), NOW + 9_000],
    ["paused until the operator acts", on, state({ pausedReason: "credentials refused" }), null],
    ["paused by the config", { enabled: true, configReason: "X is not set" }, state({ pausedReason: "rate limited", pausedUntil: NOW + 9_000 }), null],
  ] as const)("%s", (_name, config, s, at) => {
    expect(wakeAt(config, s, NOW)).toBe(at);
  });
});
