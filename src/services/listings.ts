/**
 * The read-only listings (deliveries, feeds, destinations, WebSub subscriptions) as plain data:
 * they need the config and the store, never intake or delivery, so `crier deliveries` and the
 * other listings open only these (./open-listings.ts) and compile nothing that polls or sends.
 * Operations serves the same listings to `crier run`'s callers.
 */
import type { CrierConfig, Destination } from "../config/load.js";
import type { Store } from "../store/index.js";
import type { DeliveryFilter, DeliveryRecord } from "../store/deliveries.js";
import type { FeedStatus } from "../store/feeds.js";
import type { WebSubSubscription } from "../store/subscriptions.js";
import { pauseConfig, type DestinationStates } from "../delivery/destination-states.js";
import { needsOperator, pauseReason, type LiveDestinationState } from "../delivery/pause.js";

export interface DestinationView {
  readonly destination: Destination;
  readonly state: LiveDestinationState;
  /** Why nothing is sent to it now, or null. */
  readonly paused: string | null;
  readonly needsOperator: boolean;
}

/** Each destination of the config with its live state and pause, at `now` (pure). */
export function destinationViews(destinations: readonly Destination[], states: DestinationStates, now: number): DestinationView[] {
  return destinations.map((destination) => {
    const state = states.get(destination.id);
    const config = pauseConfig(destination);
    return { destination, state, paused: pauseReason(config, state, now), needsOperator: needsOperator(config, state, now) };
  });
}

export interface DestinationStatus {
  id: string;
  platform: string;
  /** Why nothing is sent to it now, or null. */
  paused: string | null;
  /** Paused until this time (a rate limit); null while paused: until the operator acts. */
  pausedUntil: number | null;
  /** The pause needs the operator: a missing or refused secret, a broken channel, rejections in a row. */
  needsOperator: boolean;
  /** Paused by the config (a secret missing from the environment): fixed there, not by `crier resume`. */
  pausedByConfig: boolean;
  consecutiveRejections: number;
  /** Deliveries by state. */
  deliveries: Record<string, number>;
}

export interface FeedWithStatus {
  id: string;
  enabled: boolean;
  /** As stored; absent for a feed never polled. */
  status: FeedStatus | undefined;
}

export interface ListingsDeps {
  config: CrierConfig;
  store: Pick<Store, "deliveries" | "feeds" | "subscriptions">;
  /** The destinations' views now (the delivery service's, or destinationViews over loaded states). */
  views: () => DestinationView[];
}

export class Listings {
  constructor(private readonly deps: ListingsDeps) {}

  async listDeliveries(filter: DeliveryFilter & { limit: number }): Promise<{ rows: readonly DeliveryRecord[]; more: boolean }> {
    // One row more than asked: whether more match, without counting them all.
    const rows = await this.deps.store.deliveries.listDeliveries({ ...filter, limit: filter.limit + 1 });
    return { rows: rows.slice(0, filter.limit), more: rows.length > filter.limit };
  }
  async listDestinations(): Promise<DestinationStatus[]> {
    const counts = await this.deps.store.deliveries.countByState();
    return this.deps.views().map(({ destination: d, state, paused, needsOperator }) => ({
      id: d.id,
      platform: d.platform,
      paused,
      pausedUntil: paused ? state.pausedUntil : null,
      needsOperator,
      pausedByConfig: d.pausedReason !== null,
      consecutiveRejections: state.consecutiveRejections,
      deliveries: Object.fromEntries(counts.filter((c) => c.destinationId === d.id).map((c) => [c.state, c.count])),
    }));
  }
  async listSubscriptions(): Promise<readonly WebSubSubscription[]> {
    return this.deps.store.subscriptions.listSubscriptions();
  }
  async listFeeds(): Promise<FeedWithStatus[]> {
    const stored = new Map((await this.deps.store.feeds.listFeeds()).map((s) => [s.feedId, s]));
    return this.deps.config.feeds.map((f) => ({ id: f.id, enabled: f.enabled, status: stored.get(f.id) }));
  }
}
