/** Opens the client: loaded by connect, on first use (the JsonClient loads undici). */
import type { ConnectDeps } from "../../src/core/index.js";
import { JsonClient } from "../../src/core/kit/json-client.js";
import type { InstagramConfig } from "./config.js";
import type { InstagramClient } from "./send.js";
import { TokenKeeper, type RefreshAnswer } from "./token.js";

export async function openInstagram(cfg: InstagramConfig, deps: ConnectDeps): Promise<InstagramClient> {
  const http = new JsonClient({ baseUrl: cfg.apiBase, secrets: [cfg.accessToken] });
  const tokens = new TokenKeeper({
    configured: cfg.accessToken,
    refreshDays: cfg.refreshDaysBeforeExpiry,
    store: deps.credentials,
    logger: deps.logger,
    // Unversioned, token in the query: the reference's only form (see token.ts).
    refresh: async (token, signal) =>
      (await http.get<RefreshAnswer>("/refresh_access_token", { signal, query: { grant_type: "ig_refresh_token", access_token: token } })).body,
  });
  // A due refresh now, so that `crier check` shows the new expiry; it never throws.
  await tokens.current(AbortSignal.timeout(deps.timeoutMs));
  return { http, cfg, tokens, now: Date.now };
}
