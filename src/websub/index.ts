/** Starts WebSub for `crier run`: the HTTP listener, the subscriber, and their hooks into the app. */
import type { App } from "../app.js";
import { createHttpServer, listen } from "../http/server.js";
import { WebSubSubscriber } from "./subscriber.js";

export interface RunningWebSub {
  subscriber: WebSubSubscriber;
  /** The address the listener bound. */
  address: string;
  close: () => Promise<void>;
}

/** Null when `websub` is not configured (or its secret is missing: logged, polling only). */
export async function startWebSub(app: App, onQueued: () => void): Promise<RunningWebSub | null> {
  const { config, logger } = app;
  if (config.websubOffReason) logger.warn({ reason: config.websubOffReason }, "WebSub is configured but off; feeds are only polled");
  const websub = config.websub;
  if (!websub) return null;
  const subscriber = new WebSubSubscriber(websub, {
    store: app.store.subscriptions,
    logger: logger.child({ component: "websub" }),
    now: app.now,
    userAgent: config.userAgent,
    feeds: config.feeds,
    acceptPushed: (feedId, content) => app.acceptPushed(feedId, content),
    onQueued,
    scrub: app.scrub,
    allowPrivateAddresses: config.network.allowPrivateAddresses,
  });
  const bodyLimit = Math.max(1024 * 1024, ...config.feeds.map((f) => f.maxBytes));
  const server = await createHttpServer({ bodyLimit });
  subscriber.register(server);
  const address = await listen(server, { host: websub.listen.host, port: websub.listen.port, bodyLimit, logger });
  app.onDiscovery = (feed, links) => subscriber.discovered(feed, links);
  app.safetyNetMs = (feedId) => subscriber.safetyNetMs(feedId);
  await subscriber.start();
  return {
    subscriber,
    address,
    close: async () => {
      await server.close();
      await subscriber.close();
    },
  };
}
