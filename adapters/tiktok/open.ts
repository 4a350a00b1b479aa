/** Opens the client: loaded by connect, on first use (the JSON client loads undici). No I/O. */
import type { ConnectDeps } from "../../src/core/adapter.js";
import { JsonClient } from "../../src/core/kit/json-client.js";
import type { TikTokClient } from "./api.js";
import type { TikTokConfig } from "./config.js";
import { sessionCredentials } from "./tokens.js";

export function openTikTok(cfg: TikTokConfig, deps: ConnectDeps, now: () => number = Date.now): TikTokClient {
  // Secrets travel in form bodies and headers, never in paths; listed anyway, so that no error can name them.
  const http = new JsonClient({ baseUrl: cfg.apiBase, secrets: [cfg.clientSecret, cfg.refreshToken], now });
  if (!deps.credentials) deps.logger.debug("no credential store from the core: TikTok tokens are kept in the destination's session file");
  return { cfg, http, credentials: deps.credentials ?? sessionCredentials(deps.session), now, refreshTimeoutMs: deps.timeoutMs, logger: deps.logger };
}
