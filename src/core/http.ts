/**
 * undici's HTTP client (its `Agent` and `request`), without the rest of undici.
 *
 * Why: undici's index also loads fetch, WebSocket, EventSource, the cache stores and the mocks,
 * ~9 MB of every Crier process's memory (20 MB for the index against 11 for these parts), none of
 * which Crier uses. This loads undici's own files for the two it does use and wires them as its
 * index does. undici ships without an `exports` map, so these paths are part of its package;
 * package.json keeps undici on one minor line, and every HTTP test of Crier goes through here.
 */
import { createRequire } from "node:module";
import type { Agent as UndiciAgent, buildConnector as undiciBuildConnector, Dispatcher } from "undici";

const require = createRequire(import.meta.url);

export type { Dispatcher };

interface UndiciParts {
  Agent: typeof UndiciAgent;
  buildConnector: typeof undiciBuildConnector;
  parseURL: (url: string | URL) => URL;
  getGlobalDispatcher: () => Dispatcher;
}
let parts: UndiciParts | undefined;

/**
 * undici's files, loaded on first use: a command that sends no request (`crier --help`,
 * `validate`, `deliveries`) never loads them, though every adapter's client module names them.
 */
function undici(): UndiciParts {
  if (parts) return parts;
  // What undici's index does: the request API lives on every dispatcher's prototype.
  const DispatcherBase: { prototype: object } = require("undici/lib/dispatcher/dispatcher.js");
  Object.assign(DispatcherBase.prototype, require("undici/lib/api/index.js"));
  parts = {
    Agent: require("undici/lib/dispatcher/agent.js"),
    buildConnector: require("undici/lib/core/connect.js"),
    parseURL: (require("undici/lib/core/util.js") as Pick<UndiciParts, "parseURL">).parseURL,
    getGlobalDispatcher: (require("undici/lib/global.js") as Pick<UndiciParts, "getGlobalDispatcher">).getGlobalDispatcher,
  };
  return parts;
}

/**
 * undici's Agent: one pool of kept-alive connections per origin. `new Agent(opts)` constructs
 * undici's own class (loaded then); the object is undici's, as `instanceof` on it is not needed.
 */
export const Agent = function Agent(opts?: UndiciAgent.Options) {
  return new (undici().Agent)(opts);
} as unknown as typeof UndiciAgent;
export type Agent = UndiciAgent;

/** undici's connector factory: what an `Agent` opens its sockets with (used to wrap it with a check). */
export const buildConnector: typeof undiciBuildConnector = (options) => undici().buildConnector(options);

export type RequestOptions = Omit<Dispatcher.RequestOptions, "origin" | "path" | "method"> & {
  method?: Dispatcher.HttpMethod;
  /** Default: undici's global dispatcher, as for `undici.request`. */
  dispatcher?: Dispatcher;
};

/** Where a request goes, as `Dispatcher#request` takes it. */
export interface RequestTarget {
  origin: string;
  path: string;
}

/**
 * A URL checked by undici's own parser (http or https only) and split into origin and path as
 * undici's index does. @throws undici's InvalidArgumentError for anything else.
 */
export function requestTarget(url: string | URL): RequestTarget {
  const parsed = undici().parseURL(url);
  return { origin: parsed.origin, path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname };
}

/** `undici.request(url, opts)`. */
export function request(url: string | URL, opts: RequestOptions): Promise<Dispatcher.ResponseData> {
  const { origin, path } = requestTarget(url);
  return (opts.dispatcher ?? undici().getGlobalDispatcher()).request({ ...opts, origin, path, method: opts.method ?? (opts.body ? "PUT" : "GET") });
}
