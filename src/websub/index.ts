/** Starts WebSub for `crier run`: the HTTP listener and the subscriber, on what the composition gives them. */
import type { CrierConfig } from "../config/load.js";
import { createHttpServer, listen } from "../http/server.js";
import { WebSubSubscriber, type WebSubHost } from "./subscriber.js";

export interface RunningWebSub {
  /** Also what intake tells of each feed's hub, and asks how often a pushed feed is still polled. */
  subscriber: WebSubSubscriber;
  /** The address the listener bound. */
  address: string;
  close: () => Promise<void>;
}

export interface WebSubDeps extends Omit<WebSubHost, "userAgent" | "feeds" | "allowPrivateAddresses"> {
  config: Pick<CrierConfig, "websub" | "websubOffReason" | "userAgent" | "feeds" | "network">;
}

/** Null when `websub` is not configured (or its secret is missing: logged, polling only). */
export async function startWebSub(deps: WebSubDeps): Promise<RunningWebSub | null> {
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
  const bodyLimit = Math.max(1024 * 1024, ...config.feeds.map((f) => f.maxBytes));
  const server = await createHttpServer({ bodyLimit });
  subscriber.register(server);
  const address = await listen(server, { host: websub.listen.host, port: websub.listen.port, bodyLimit, logger });
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
