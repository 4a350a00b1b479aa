/** WebSub subscriptions: one row per feed, kept by the subscriber. */

/** "unsubscribed": kept so that turning WebSub back on for the feed knows its hub without a new fetch. */
export type WebSubState = "requested" | "active" | "denied" | "unsubscribing" | "unsubscribed" | "failed";

export interface WebSubSubscription {
  readonly feedId: string;
  readonly hub: string;
  readonly topic: string;
  /** The random last segment of the callback URL; the HMAC secret is derived from it. */
  readonly callbackId: string;
  readonly state: WebSubState;
  readonly leaseSeconds: number | null;
  readonly expiresAt: number | null;
  readonly requestedAt: number;
  readonly verifiedAt: number | null;
  readonly lastPushAt: number | null;
  readonly lastError: string | null;
}

export interface SubscriptionStore {
  listSubscriptions(): Promise<readonly WebSubSubscription[]>;
  getSubscription(feedId: string): Promise<WebSubSubscription | null>;
  getSubscriptionByCallback(callbackId: string): Promise<WebSubSubscription | null>;
  putSubscription(subscription: WebSubSubscription): Promise<void>;
}
