/** WebSub for `crier run`: the subscriber, its callback routes on the public listener, on what the composition gives them. */
import type { FastifyInstance } from "fastify";
import type { CrierConfig } from "../config/load.js";
import { WebSubSubscriber, type WebSubHost } from "./subscriber.js";

export interface RunningWebSub {
  /** Also what intake tells of each feed's hub, and asks how often a pushed feed is still polled. */
  subscriber: WebSubSubscriber;
  /** Loads and renews subscriptions: call once the listener listens (a hub verifies at once). */
  start: () => Promise<void>;
  close: () => Promise<void>;
}

export interface WebSubDeps extends Omit<WebSubHost, "userAgent" | "feeds" | "allowPrivateAddresses"> {
  config: Pick<CrierConfig, "websub" | "websubOffReason" | "userAgent" | "feeds" | "network">;
}

/** The largest body a hub may push: the largest feed Crier would fetch, at least 1 MB. */
export function webSubBodyLimit(config: Pick<CrierConfig, "feeds">): number {
  return Math.max(1024 * 1024, ...config.feeds.map((f) => f.maxBytes));
}

/** The subscriber with its routes on `server`; null when `websub` is not configured (or its secret is missing: logged, polling only). */
export function createWebSub(server: FastifyInstance, deps: WebSubDeps): RunningWebSub | null {
  const { config, logger } = deps;
  if (config.websubOffReason) logger.warn({ reason: config.websubOffReason }, "WebSub is configured but off; feeds are only polled");
  const websub = config.websub;
  if (!websub) return null;
  const subscriber = new WebSubSubscriber(websub, {
    store: deps.store,
    logger: logger.child({ component: "websub" }),
    now: deps.now,
    userAgent: config.userAgent,
    feeds: config.feeds,
    acceptPushed: deps.acceptPushed,
    onQueued: deps.onQueued,
    scrub: deps.scrub,
    allowPrivateAddresses: config.network.allowPrivateAddresses,
  });
  subscriber.register(server);
  return { subscriber, start: () => subscriber.start(), close: () => subscriber.close() };
}
