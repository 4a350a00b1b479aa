/**
 * The address guard: HTTP connections that a feed's content chooses (images, article pages, WebSub
 * hubs) go only to public addresses, unless `network.allowPrivateAddresses` says otherwise.
 *
 * The check runs when a socket is opened, on the address actually connected to: a literal host is
 * judged as it is, a name by every address it resolves to. So every redirect hop is checked, and a
 * name that resolves to a public address for a check and a private one for the connection (DNS
 * rebinding) cannot slip past.
 */
import type { LookupAddress, LookupOptions } from "node:dns";
import net from "node:net";
import { Agent, buildConnector } from "../core/http.js";
import { refusedRange } from "./address-range.js";

/** A connection refused because it would reach a private, loopback, link-local (…) address. */
export class PrivateAddressError extends Error {
  override name = "PrivateAddressError";
  readonly code = "EPRIVATE";
  constructor(
    /** The host as the URL gave it. */
    readonly host: string,
    /** The address it is or resolved to. */
    readonly address: string,
    /** What kind of address that is, in words ("loopback"). */
    readonly range: string,
  ) {
    super(host === address ? `${address} is a private address (${range})` : `${host} resolves to a private address (${address}, ${range})`);
  }
}

/** The guard's refusal behind an HTTP client error (undici passes the connector's error on, maybe as a cause), or null. */
export function privateAddressRefusal(err: unknown): PrivateAddressError | null {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof PrivateAddressError) return e;
  }
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that fails when any address of the name is refused, so that no answer of it is tried. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  // node:dns when a name is first looked up: a poll of file or cached feeds connects nowhere (~1.5 ms to load).
  process.getBuiltinModule("node:dns").lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, "");
    const list = addresses as LookupAddress[];
    for (const a of list) {
      const range = refusedRange(a.address);
      if (range) return callback(new PrivateAddressError(hostname, a.address, range), "");
    }
    if (options.all) return callback(null, list);
    const first = list[0];
    return first ? callback(null, first.address, first.family) : callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "");
  });
}

/** An undici connector that refuses private addresses (node:net skips `lookup` for a literal address: it is judged here). */
export function guardedConnector(options: Parameters<typeof buildConnector>[0] = {}): ReturnType<typeof buildConnector> {
  const connect = buildConnector({ ...options, lookup: guardedLookup as never });
  return (opts, callback) => {
    const range = net.isIP(opts.hostname) ? refusedRange(opts.hostname) : null;
    // Asynchronously, as a socket's own errors arrive.
    if (range) return void process.nextTick(() => callback(new PrivateAddressError(opts.hostname, opts.hostname, range), null));
    connect(opts, callback);
  };
}

export interface GuardedAgentOptions {
  /** Off: private, loopback, link-local (…) addresses are refused (the default of `network.allowPrivateAddresses`). */
  allowPrivateAddresses: boolean;
  connections?: number;
  keepAliveTimeout?: number;
}

/** An undici Agent for requests a feed's content chose; with the guard unless private addresses are allowed. */
export function createGuardedAgent(opts: GuardedAgentOptions): Agent {
  const { allowPrivateAddresses, ...pool } = opts;
  return new Agent({ ...pool, ...(allowPrivateAddresses ? {} : { connect: guardedConnector() }) });
}
