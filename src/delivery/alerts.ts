/**
 * Operator alerts: a destination paused, a feed failing, rows turned uncertain. Sent to the
 * configured alert destination (any adapter), throttled per subject and per hour through the
 * store so that an outage sends a few alerts, not thousands. Always logged too.
 */
import type { Logger } from "pino";
import type { AlertsConfig } from "../config/schema.js";
import type { DeliveryStore } from "../store/types.js";
import type { FeedItem } from "../core/feed-item.js";
import type { DestinationRuntime } from "./destination-runtime.js";

export interface Alert {
  /** Throttle subject, e.g. "destination-paused:x-main". */
  key: string;
  title: string;
  detail: string;
}

export class Alerter {
  constructor(
    private readonly cfg: AlertsConfig | null,
    private readonly store: DeliveryStore,
    private readonly runtimes: readonly DestinationRuntime[],
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** Never throws: an alert that cannot be sent is logged. */
  async send(alert: Alert): Promise<void> {
    this.logger.warn({ alert: alert.key, detail: alert.detail }, `alert: ${alert.title}`);
    if (!this.cfg) return;
    const runtime = this.runtimes.find((r) => r.id === this.cfg?.destination);
    const now = this.now();
    try {
      if (!runtime || runtime.isPaused(now)) return;
      if (!(await this.store.claimAlert(alert.key, now, this.cfg.throttleMs, this.cfg.maxPerHour))) return;
      const connection = await runtime.connect();
      const item: FeedItem = {
        feedId: "crier",
        guid: null,
        link: null,
        title: `Crier alert: ${alert.title}`,
        summary: alert.detail,
        author: null,
        categories: [],
        imageUrl: null,
        publishedAt: new Date(now).toISOString(),
      };
      const rendered = runtime.render(item, connection, { template: "{title}\n\n{summary}", maxHashtags: 0, link: null });
      await connection.send(rendered.payload, {
        deliveryId: 0,
        idempotencyKey: `crier-alert-${alert.key}-${now}`,
        queuedAt: now,
        signal: AbortSignal.timeout(runtime.destination.common.timeoutMs),
      });
    } catch (err) {
      this.logger.error({ alert: alert.key, error: (err as Error)?.message }, "could not send the alert");
    }
  }
}
