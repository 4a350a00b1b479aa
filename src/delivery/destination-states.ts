/**
 * The one owner of every destination's state (pause, rejection streak, the rate gate's hold):
 * loaded from the store once, changed only through pause.ts's decisions, and written back when
 * the stored part changes. Nothing else reads or writes the destinations table.
 */
import type { Destination } from "../config/load.js";
import type { DestinationStore } from "../store/destinations.js";
import { initialState, storedPartChanged, type LiveDestinationState, type PauseConfig } from "./pause.js";

/** What of a destination's config its pause decisions read. */
export function pauseConfig(destination: Destination): PauseConfig {
  return { enabled: destination.common.enabled, configReason: destination.pausedReason };
}

export class DestinationStates {
  private constructor(
    private readonly store: DestinationStore,
    private readonly states: Map<string, LiveDestinationState>,
  ) {}

  /** Each configured destination's state as stored (a clean one when the store has none). */
  static async load(store: DestinationStore, destinations: readonly Destination[]): Promise<DestinationStates> {
    const stored = new Map((await store.getDestinationStates()).map((s) => [s.destinationId, s]));
    return new DestinationStates(store, new Map(destinations.map((d) => [d.id, initialState(d.id, stored.get(d.id))])));
  }

  /** @throws Error for a destination not in the config (a bug: callers take ids from the config). */
  get(destinationId: string): LiveDestinationState {
    const state = this.states.get(destinationId);
    if (!state) throw new Error(`no state for destination "${destinationId}"`);
    return state;
  }

  /** Replaces a destination's state (as pause.ts decided it); writes it when its stored part changed. */
  async set(next: LiveDestinationState, now: number): Promise<void> {
    const before = this.get(next.destinationId);
    this.states.set(next.destinationId, next);
    if (storedPartChanged(before, next)) {
      const { heldUntil: _held, ...stored } = next;
      await this.store.putDestinationState(stored, now);
    }
  }
}
