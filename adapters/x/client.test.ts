import http from "node:http";
import { describe, expect, it } from "vitest";
import type { ITwitterApiBeforeRequestConfigHookArgs, ITwitterApiBeforeRequestHookArgs } from "twitter-api-v2";
import { apiBasePlugin, withSignal } from "./client.js";

/** Runs the plugin's hooks on one request the way twitter-api-v2 does, after signing. */
async function through(apiBase: string, url: string, opts: { httpAgent?: http.Agent } = {}) {
  const plugin = apiBasePlugin({ apiBase, ...opts });
  const params = { url, method: "POST" } as ITwitterApiBeforeRequestConfigHookArgs["params"];
  await plugin.onBeforeRequestConfig?.({ params } as ITwitterApiBeforeRequestConfigHookArgs);
  const computedParams = { url: new URL(url) } as ITwitterApiBeforeRequestHookArgs["computedParams"];
  const requestOptions: ITwitterApiBeforeRequestHookArgs["requestOptions"] = {};
  await plugin.onBeforeRequest?.({ params, computedParams, requestOptions } as ITwitterApiBeforeRequestHookArgs);
  return { url: computedParams.url.href, requestOptions, params };
}

describe("apiBasePlugin", () => {
  const agent = new http.Agent();
  it.each([
    ["official base: untouched", "https://api.x.com", "https://api.x.com/2/tweets", "https://api.x.com/2/tweets"],
    ["official base, old host: untouched", "https://api.twitter.com", "https://api.twitter.com/2/users/me", "https://api.twitter.com/2/users/me"],
    ["loopback over http", "http://127.0.0.1:4010", "https://api.x.com/2/tweets/123?x=1", "http://127.0.0.1:4010/2/tweets/123?x=1"],
    ["old api host too", "http://127.0.0.1:4010", "https://api.twitter.com/2/tweets", "http://127.0.0.1:4010/2/tweets"],
    ["upload host too", "http://127.0.0.1:4010", "https://upload.x.com/2/media/upload/initialize", "http://127.0.0.1:4010/2/media/upload/initialize"],
    ["https proxy with a path", "https://proxy.example/x/", "https://upload.twitter.com/1.1/media/upload.json", "https://proxy.example/x/1.1/media/upload.json"],
    ["other hosts are left alone", "http://127.0.0.1:4010", "https://example.com/2/tweets", "https://example.com/2/tweets"],
  ])("%s", async (_name, base, from, to) => {
    expect((await through(base, from, { httpAgent: agent })).url).toBe(to);
  });

  it("gives rewritten plain-HTTP requests an http.Agent, and nothing else", async () => {
    expect((await through("http://127.0.0.1:4010", "https://api.x.com/2/tweets", { httpAgent: agent })).requestOptions.agent).toBe(agent);
    expect((await through("http://127.0.0.1:4010", "https://api.x.com/2/tweets")).requestOptions.agent).toBe(http.globalAgent);
    expect((await through("https://api.x.com", "https://api.x.com/2/tweets")).requestOptions.agent).toBeUndefined();
  });

  it("sets no timeout of its own: the core's signal bounds every call", async () => {
    expect((await through("https://api.x.com", "https://api.x.com/2/tweets")).params).not.toHaveProperty("timeout");
  });

  it("attaches the signal of the surrounding withSignal call", async () => {
    const controller = new AbortController();
    const inside = await withSignal(controller.signal, () => through("https://api.x.com", "https://api.x.com/2/tweets"));
    expect(inside.requestOptions.signal).toBe(controller.signal);
    expect((await through("https://api.x.com", "https://api.x.com/2/tweets")).requestOptions.signal).toBeUndefined();
  });
});
