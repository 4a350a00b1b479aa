/**
 * Every pause and resume decision about a destination, in one place. Pure: each function takes a
 * destination's state and returns the next one; DestinationStates (destination-states.ts) keeps
 * and stores the result.
 */
import type { DestinationState } from "../store/destinations.js";

/** A destination's state while the process runs: what the store keeps, and the rate gate's hold. */
export interface LiveDestinationState extends DestinationState {
  /** The rate gate holds the next send until this time (not stored: counted again from the send log). */
  readonly heldUntil: number | null;
}

/** What of a destination's config its pause depends on. */
export interface PauseConfig {
  /** `enabled: false` in the config: switched off on purpose. */
  readonly enabled: boolean;
  /** Why the config itself keeps it from running (a secret missing from the environment), or null. */
  readonly configReason: string | null;
}

/** A pause to apply: until a time (a platform's rate limit), or (null) until the operator resumes. */
export interface Pause {
  readonly until: number | null;
  readonly reason: string;
}

/** The state a destination starts a process with: the stored one, or a clean one. */
export function initialState(destinationId: string, stored: DestinationState | undefined): LiveDestinationState {
  return {
    destinationId,
    pausedUntil: stored?.pausedReason ? stored.pausedUntil : null,
    pausedReason: stored?.pausedReason ?? null,
    consecutiveRejections: stored?.consecutiveRejections ?? 0,
    heldUntil: null,
  };
}

/** Why nothing is sent to the destination now, or null. */
export function pauseReason(config: PauseConfig, state: LiveDestinationState, now: number): string | null {
  if (!config.enabled) return "disabled in the config";
  if (config.configReason) return config.configReason;
  if (state.pausedReason !== null && (state.pausedUntil === null || state.pausedUntil > now)) return state.pausedReason;
  return null;
}

/** The pause in force needs the operator: a missing or refused secret, a broken channel, rejections in a row. */
export function needsOperator(config: PauseConfig, state: LiveDestinationState, now: number): boolean {
  if (pauseReason(config, state, now) === null) return false;
  if (!config.enabled) return false; // switched off on purpose
  if (config.configReason !== null) return true;
  return state.pausedReason !== null && state.pausedUntil === null;
}

/** A post went out: a rejection streak ends. */
export function afterSent(state: LiveDestinationState): LiveDestinationState {
  return state.consecutiveRejections === 0 ? state : { ...state, consecutiveRejections: 0 };
}

/**
 * After a failed send: `pause` is what the record stage decided for this error (a rate limit, a
 * refused credential); a content rejection counts towards `maxConsecutiveRejections`, and at that
 * many in a row the destination waits for the operator. Returns the next state and the pause it
 * starts, if any.
 */
export function afterFailure(
  state: LiveDestinationState,
  failure: { pause?: Pause | undefined; rejected: string | null; maxConsecutiveRejections: number },
): { state: LiveDestinationState; paused: Pause | null } {
  let next = state;
  let pause = failure.pause ?? null;
  if (failure.rejected !== null) {
    const streak = state.consecutiveRejections + 1;
    next = { ...next, consecutiveRejections: streak };
    if (streak >= failure.maxConsecutiveRejections) {
      pause = { until: null, reason: `${streak} posts in a row were rejected by the platform; last: ${failure.rejected}` };
    }
  }
  if (pause) next = { ...next, pausedUntil: pause.until, pausedReason: pause.reason };
  return { state: next, paused: pause };
}

/**
 * The operator's `crier resume`: clears the pause and the rejection streak. A pause the config
 * makes (a missing secret) is not Crier's to lift: refused with the reason.
 */
export function resume(config: PauseConfig, state: LiveDestinationState): { ok: true; state: LiveDestinationState } | { ok: false; reason: string } {
  if (config.configReason) return { ok: false, reason: `paused by its config: ${config.configReason}` };
  return { ok: true, state: { ...state, pausedUntil: null, pausedReason: null, consecutiveRejections: 0 } };
}

/** The rate gate holds the next send until `until` (null: nothing held). */
export function hold(state: LiveDestinationState, until: number | null): LiveDestinationState {
  return state.heldUntil === until ? state : { ...state, heldUntil: until };
}

/**
 * When the destination may send again by itself (the gate's hold, or a pause with an end), or
 * null when it is not waiting for a time (free now, or paused until the operator acts).
 */
export function wakeAt(config: PauseConfig, state: LiveDestinationState, now: number): number | null {
  if (state.heldUntil !== null && state.heldUntil > now) return state.heldUntil;
  if (state.pausedReason !== null && state.pausedUntil !== null && state.pausedUntil > now && !config.configReason) return state.pausedUntil;
  return null;
}

/** True when the stored part of two states differs (the hold is not stored). */
export function storedPartChanged(a: DestinationState, b: DestinationState): boolean {
  return a.pausedUntil !== b.pausedUntil || a.pausedReason !== b.pausedReason || a.consecutiveRejections !== b.consecutiveRejections;
}
