/**
 * Opening a Slack destination: one JsonClient for the mode configured. Loaded by `connect` only, on
 * first use (the JSON client loads undici). No network until the first call.
 */
import type { ConnectDeps } from "../../src/core/index.js";
import { JsonClient } from "../../src/core/kit/json-client.js";
import { modeOf, webhookTarget, type SlackConfig } from "./config.js";
import type { SlackClient } from "./send.js";

export function openSlack(cfg: SlackConfig, deps: ConnectDeps): SlackClient {
  const mode = modeOf(cfg);
  if (mode.kind === "webhook") {
    const target = new URL(webhookTarget(mode.url, cfg.webhookBase));
    // The whole URL is the credential: its path is taken out of every error's route.
    const http = new JsonClient({ baseUrl: target.origin, secrets: [target.pathname, mode.url] });
    return { mode, http, webhookPath: target.pathname, logger: deps.logger };
  }
  return {
    mode,
    http: new JsonClient({ baseUrl: cfg.apiBase, headers: { authorization: `Bearer ${mode.token}` }, secrets: [mode.token] }),
    logger: deps.logger,
  };
}
