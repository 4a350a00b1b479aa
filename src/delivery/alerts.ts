/**
 * Operator alerts: a destination paused, a feed failing, rows turned uncertain. Sent to the
 * configured alert destination (any adapter), throttled per subject and per hour through the
 * store so that an outage sends a few alerts, not thousands. Always logged too.
 */
import type { Logger } from "pino";
import type { AlertsConfig } from "../config/schema.js";
import type { Destination } from "../config/load.js";
import type { MetaStore } from "../store/meta.js";
import type { FeedItem } from "../core/feed-item.js";
import type { Connections } from "./connections.js";
import type { DestinationStates } from "./destination-states.js";
import { pauseConfig } from "./destination-states.js";
import { pauseReason } from "./pause.js";
import { renderPost } from "./render.js";

export interface Alert {
  /** Throttle subject, e.g. "destination-paused:x-main". */
  key: string;
  title: string;
  detail: string;
  /** At most one alert with this key in this period (default `alerts.throttleMs`). */
  throttleMs?: number;
}

/** An alert as a post: its title and detail, no link, no hashtags. */
const ALERT_STYLE = { template: "{title}\n\n{summary}", maxHashtags: 0, link: null };

export class Alerter {
  constructor(
    private readonly cfg: AlertsConfig | null,
    /** The alert destination (the one `alerts.destination` names), when configured. */
    private readonly destination: Destination | undefined,
    private readonly deps: { meta: MetaStore; states: DestinationStates; connections: Connections; logger: Logger; now: () => number },
  ) {}

  /** Never throws: an alert that cannot be sent is logged. */
  async send(alert: Alert): Promise<void> {
    const { logger, now: clock } = this.deps;
    logger.warn({ alert: alert.key, detail: alert.detail }, `alert: ${alert.title}`);
    const { cfg, destination } = this;
    if (!cfg) return;
    const now = clock();
    try {
      if (!destination || pauseReason(pauseConfig(destination), this.deps.states.get(destination.id), now) !== null) return;
      if (!(await this.deps.meta.claimAlert(alert.key, now, alert.throttleMs ?? cfg.throttleMs, cfg.maxPerHour))) return;
      const connection = await this.deps.connections.get(destination);
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
      const rendered = renderPost(destination, item, { limits: connection.limits, style: ALERT_STYLE });
      await connection.send(rendered.payload, {
        deliveryId: 0,
        idempotencyKey: `crier-alert-${alert.key}-${now}`,
        queuedAt: now,
        signal: AbortSignal.timeout(destination.common.timeoutMs),
      });
    } catch (err) {
      logger.error({ alert: alert.key, error: (err as Error)?.message }, "could not send the alert");
    }
  }
}
