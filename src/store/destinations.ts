/**
 * What outlives a process of each destination's state: its pause (until when, why) and its
 * content rejections in a row. Owned by delivery's DestinationStates; nothing else writes it.
 */

export interface DestinationState {
  readonly destinationId: string;
  /** Paused until this time; null with a reason: until the operator resumes it. */
  readonly pausedUntil: number | null;
  readonly pausedReason: string | null;
  readonly consecutiveRejections: number;
}

export interface DestinationStore {
  /** Every destination with a stored state (one never paused or rejected may have none). */
  getDestinationStates(): Promise<readonly DestinationState[]>;
  /** Writes a destination's whole state (an upsert). */
  putDestinationState(state: DestinationState, now: number): Promise<void>;
}
