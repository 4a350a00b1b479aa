/**
 * The connected client: a JsonClient on the destination's apiBase with its bearer token. Loaded by
 * `connect` only, on first use (the JSON client loads undici): `crier adapters`, `validate` and the
 * core's start-up load no HTTP client. COPYING: with an SDK, `await import()` it here and hang
 * whatever library value `send` needs on the client.
 */
import { JsonClient } from "../../src/core/kit/json-client.js";
import type { ExampleConfig } from "./config.js";
import type { ExampleClient } from "./send.js";

/** Opens a client: no network until the first call. */
export function openExample(cfg: ExampleConfig): ExampleClient {
  return {
    cfg,
    // The token is taken out of every error's route (it never is in a path here, but could be).
    http: new JsonClient({ baseUrl: cfg.apiBase, headers: { authorization: `Bearer ${cfg.token}` }, secrets: [cfg.token] }),
  };
}
