/** Opens the client: the instance's limits, then masto's REST client. Loaded by connect, on first use (it loads masto and undici). */
import { createRestAPIClient, type mastodon } from "masto";
import type { ConnectDeps } from "../../src/core/index.js";
import { JsonClient } from "../../src/core/kit/json-client.js";
import type { MastodonConfig } from "./config.js";
import { fetchInstance } from "./instance.js";
import type { MastodonClient } from "./send.js";

/**
 * masto's client, without a `timeout` of its own: every call carries the core's signal (the send
 * timeout, shutdown). masto 7 uses the global fetch, so there is no socket pool to release. No I/O.
 */
export function restClient(cfg: MastodonConfig): mastodon.rest.Client {
  return createRestAPIClient({ url: cfg.instance, accessToken: cfg.accessToken, log: "error" });
}

/** Reads the instance's limits, then opens the client. Network I/O; may throw (see instance.ts), classified like a send's error. */
export async function openMastodon(cfg: MastodonConfig, deps: Pick<ConnectDeps, "timeoutMs" | "logger">): Promise<MastodonClient> {
  // The token is not needed on an open server, but limited-federation servers require it here.
  const http = new JsonClient({ baseUrl: cfg.instance, headers: { authorization: `Bearer ${cfg.accessToken}` }, secrets: [cfg.accessToken] });
  let info;
  try {
    // connect gets no signal from the core: the destination's timeout bounds the discovery.
    info = await fetchInstance(http, new URL(cfg.instance).host, AbortSignal.timeout(deps.timeoutMs));
  } finally {
    await http.close();
  }
  deps.logger.debug({ limits: info.limits, domain: info.domain }, "mastodon instance limits discovered");
  return { rest: restClient(cfg), domain: info.domain, limits: info.limits };
}
