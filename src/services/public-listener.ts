/**
 * The public listener of `crier run` (fastify, `publicListener.listen`): WebSub callbacks and the
 * images served to platforms that pull them. Opened only when one of them is on; loaded only then.
 */
import { createHttpServer, listen } from "../http/server.js";
import { registerMediaRoute } from "../http/media-route.js";
import { createWebSub, webSubBodyLimit, type RunningWebSub } from "../websub/index.js";
import type { Crier } from "./open.js";

export interface PublicListener {
  websub: RunningWebSub | null;
  /** The address bound. */
  address: string;
  close: () => Promise<void>;
}

/** Null when neither WebSub nor served images need it. @throws when it cannot listen (the port is taken). */
export async function startPublicListener(crier: Crier, onQueued: () => void): Promise<PublicListener | null> {
  const { config, logger } = crier;
  const listenAt = config.publicListener?.listen;
  if (!listenAt || (!config.websub && !crier.publicMedia)) {
    if (config.websubOffReason) logger.warn({ reason: config.websubOffReason }, "WebSub is configured but off; feeds are only polled");
    return null;
  }
  const bodyLimit = webSubBodyLimit(config);
  const server = await createHttpServer({ bodyLimit });
  const websub = createWebSub(server, {
    config,
    store: crier.store.subscriptions,
    logger,
    now: crier.now,
    scrub: crier.scrub,
    acceptPushed: (feedId, content) => crier.intake.acceptPushed(feedId, content),
    onQueued,
  });
  if (crier.publicMedia) registerMediaRoute(server, crier.publicMedia.shelf, { now: crier.now, logger });
  const address = await listen(server, { host: listenAt.host, port: listenAt.port, bodyLimit, logger });
  // After listening: a hub verifies a subscription as soon as it is asked for.
  await websub?.start();
  return {
    websub,
    address,
    close: async () => {
      await server.close();
      await websub?.close();
    },
  };
}
