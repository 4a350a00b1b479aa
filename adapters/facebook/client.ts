/**
 * The connected client: a JsonClient on `<apiBase>/<apiVersion>` and the token parameters every
 * call carries. Loaded by `connect` only (it loads undici and node:crypto).
 */
import { createHmac } from "node:crypto";
import type { ConnectDeps } from "../../src/core/index.js";
import { JsonClient } from "../../src/core/kit/json-client.js";
import type { FacebookConfig } from "./config.js";
import type { FacebookClient, TokenParams } from "./send.js";

/**
 * `access_token` as a parameter, as every Meta example sends it (Page Posts guide,
 * https://developers.facebook.com/docs/pages-api/posts; debug_token reference) — in the form body
 * of a POST and the query of a GET or DELETE. `appsecret_proof` when the app secret is configured:
 * "a sha256 hash of your access token, using your app secret as the key", required by apps with
 * "Require App Secret" (Secure Graph API Calls, https://developers.facebook.com/docs/graph-api/guides/secure-requests).
 */
function tokenParams(token: string, appSecret: string | undefined): TokenParams {
  return appSecret ? { access_token: token, appsecret_proof: createHmac("sha256", appSecret).update(token).digest("hex") } : { access_token: token };
}

export async function openFacebook(cfg: FacebookConfig, _deps: ConnectDeps, now: () => number = Date.now): Promise<FacebookClient> {
  // debug_token takes "an app access token" (debug_token reference, https://developers.facebook.com/docs/graph-api/reference/debug_token);
  // the app token `{app-id}|{app-secret}` needs no call to obtain (Access Tokens guide, "App Access Tokens").
  const appToken = cfg.appId && cfg.appSecret ? `${cfg.appId}|${cfg.appSecret}` : undefined;
  const secrets = [cfg.pageAccessToken, cfg.appSecret, appToken].filter((s): s is string => typeof s === "string");
  const http = new JsonClient({ baseUrl: `${cfg.apiBase.replace(/\/+$/, "")}/${cfg.apiVersion}`, secrets, now });
  return {
    http,
    cfg,
    now,
    page: tokenParams(cfg.pageAccessToken, cfg.appSecret),
    ...(appToken ? { app: tokenParams(appToken, cfg.appSecret) } : {}),
  };
}
