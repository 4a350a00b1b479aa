/**
 * The twitter-api-v2 client for one destination. Loaded by connect, on first use (it loads the
 * SDK). twitter-api-v2 always talks HTTPS to the official hosts and has no base-URL option, and no
 * AbortSignal either: one request plugin adds both. No timeout of its own: the core's signal (the
 * send timeout, shutdown) is the only bound on a call.
 */
import http from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import { TwitterApi, type ITwitterApiClientPlugin } from "twitter-api-v2";
import type { XConfig } from "./config.js";
import type { XClient } from "./send.js";

/** Hosts twitter-api-v2 sends to (API v2 and v1.1, media upload), under their current and former names. */
const OFFICIAL_ORIGINS = new Set(["https://api.x.com", "https://api.twitter.com", "https://upload.x.com", "https://upload.twitter.com"]);

/** The abort signal of the send/check/delete in progress: twitter-api-v2's methods take none. */
const currentSignal = new AsyncLocalStorage<AbortSignal>();

/** Runs `call` so that every request it makes is aborted with `signal`. */
export function withSignal<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  return currentSignal.run(signal, call);
}

export interface BasePluginOptions {
  /** Configured API base, e.g. `https://api.x.com` or `http://127.0.0.1:4010`. */
  apiBase: string;
  /** Agent for a plain-HTTP base (https.request takes `http:` URLs only with an http.Agent); default the global one. */
  httpAgent?: http.Agent;
}

/**
 * Request plugin. The rewrite happens in `onBeforeRequest`, i.e. after twitter-api-v2 signed the
 * request: the OAuth 1.0a signature covers the official URL, as X (and the loopback) verify it.
 */
export function apiBasePlugin(opts: BasePluginOptions): ITwitterApiClientPlugin {
  const base = new URL(opts.apiBase);
  const prefix = base.pathname.replace(/\/+$/, "");
  const rewrite = !(OFFICIAL_ORIGINS.has(base.origin) && prefix === "");
  return {
    onBeforeRequest({ computedParams, requestOptions }) {
      const signal = currentSignal.getStore();
      if (signal) requestOptions.signal = signal;
      const url = computedParams.url;
      if (!rewrite || !OFFICIAL_ORIGINS.has(url.origin)) return;
      url.protocol = base.protocol;
      url.host = base.host;
      url.pathname = prefix + url.pathname;
      if (base.protocol === "http:") requestOptions.agent = opts.httpAgent ?? http.globalAgent;
    },
  };
}

/** Builds the client (OAuth 1.0a user context). No I/O. */
export function createXClient(cfg: XConfig): XClient {
  const plain = new URL(cfg.apiBase).protocol === "http:";
  const httpAgent = plain ? new http.Agent({ keepAlive: true }) : undefined;
  const api = new TwitterApi(
    { appKey: cfg.appKey, appSecret: cfg.appSecret, accessToken: cfg.accessToken, accessSecret: cfg.accessSecret },
    { plugins: [apiBasePlugin({ apiBase: cfg.apiBase, httpAgent })] },
  );
  return {
    api,
    username: cfg.username,
    withSignal,
    async close() {
      httpAgent?.destroy();
    },
  };
}
