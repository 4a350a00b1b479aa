/** Opens the client: the kit's JSON client (undici) and the token source. Loaded by connect, on first use. */
import type { Logger } from "pino";
import type { ConnectDeps } from "../../src/core/index.js";
import { JsonClient } from "../../src/core/kit/json-client.js";
import type { ThreadsConfig } from "./config.js";
import type { TokenSource } from "./token.js";

export interface ThreadsClient {
  http: JsonClient;
  cfg: ThreadsConfig;
  tokens: TokenSource;
  logger?: Logger;
}

export async function openThreads(cfg: ThreadsConfig, deps: Partial<ConnectDeps> = {}): Promise<ThreadsClient> {
  // The token goes as the documented `access_token` parameter (every curl example of the reference),
  // in the query or the form body; the client never names it in an error.
  const http = new JsonClient({ baseUrl: cfg.apiBase, secrets: [cfg.accessToken] });
  const tokens: TokenSource = { http, configured: cfg.accessToken, credentials: deps.credentials, now: Date.now };
  return { http, cfg, tokens, ...(deps.logger ? { logger: deps.logger } : {}) };
}
