/**
 * `defineAdapter`: an adapter in which each fact is declared once, turned into the `Adapter` the
 * core reads (src/core/adapter.ts), so that old and new adapters run side by side.
 *
 * - Capabilities follow from the definition: `delete` defined ⇒ `capabilities.delete`;
 *   `images: ImageLimits` ⇒ attached natively (`imageLimits`), `images: "by-url"` ⇒ embedded by
 *   URL, absent ⇒ none; `idempotency` ⇒ `idempotentSend` (+ `idempotencyTtlMs`); `resumesFrom`
 *   ⇒ a send stopped with that checkpoint is queued again instead of held `uncertain`.
 * - Secret fields come from the config schema's `.meta({ secret: true })` (secret-fields.ts), read
 *   when first asked for (the docs ask; a command's start-up walks no schema for them).
 * - Capabilities, limits and rate limits are plain data: available without connecting.
 * - `connect` opens a client (the only place an SDK is loaded: import it there, dynamically);
 *   `send`, `check`, `delete` and `close` are functions of that client, in a module that imports
 *   the SDK's types only.
 * - `classify` says what the platform's own errors mean and returns undefined for anything else:
 *   network failures are classified by the kit (network-error.ts), and whatever is left is an
 *   unknown outcome. The result never throws.
 */
import type { z } from "zod";
import type { Adapter, Capabilities, CheckResult, ConnectDeps, Connection, ImageLimits, Limits, PostStyle, RateLimit, Rendered, SendContext, SentPost, ValidateContext } from "../adapter.js";
import { deliveryError, errorText, type DeliveryError } from "../delivery-error.js";
import type { FeedItem } from "../feed-item.js";
import { networkDeliveryError, type NetworkWording } from "./network-error.js";
import { secretFields } from "./secret-fields.js";

/** One platform, each fact once. `Client` is whatever `connect` opens (an SDK instance, a JsonClient, ...). */
export interface AdapterDefinition<Cfg, Payload, Client> {
  /** Stable id: `platform:` in configs, stored in every delivery record. Never renamed. */
  platform: string;
  /** How operators know the platform, in messages: "Discord", "the Mastodon server", "the PDS". */
  displayName: string;
  /** One line for `crier adapters`. */
  description: string;
  /** Strict zod object of the platform's fields; each registers `{ description }` (secrets: `{ ...SECRET, description }`) in `z.globalRegistry`. */
  config: z.ZodType<Cfg>;
  /**
   * The platform de-duplicates by `ctx.idempotencyKey`: "forever", or how long it remembers a key
   * (Mastodon: one hour). Absent: no idempotency, so a send that may have arrived is never retried blindly.
   */
  idempotency?: "forever" | { ttlMs: number };
  /**
   * A send that stopped with this checkpoint saved can run again without posting twice (it resumes
   * and finds out what became of the post). Pure. Declare it only when every step after the save
   * that can post is covered by the checkpoint; absent: never.
   */
  resumesFrom?(checkpoint: string): boolean;
  /** Attached natively within these limits, or embedded by URL; absent: posts carry no image. */
  images?: ImageLimits | "by-url";
  /** The platform's documented posting limits for one destination, each with its doc line. */
  rateLimits: readonly RateLimit[];
  defaultTemplate: string;
  /** Documented limits. Pure; works without `cfg` (`crier adapters`). */
  defaultLimits(cfg?: Cfg): Limits;
  /** Pure: no I/O, clock, environment or randomness. @throws RenderError */
  render(item: FeedItem, cfg: Cfg, limits: Limits, style: PostStyle): Rendered<Payload>;
  /** The platform's own errors (HttpError statuses, an SDK's typed errors); undefined for anything else. Pure. */
  classify(err: unknown): DeliveryError | undefined;
  /** Wording of the kit's network classification: a note for unknown outcomes, and a redact for secrets in lower layers' messages. */
  network?: Omit<NetworkWording, "platform">;
  /** Opens the client. Network I/O allowed (e.g. limits discovery); may throw (classified like a send's error). */
  connect(cfg: Cfg, deps: ConnectDeps): Promise<Client>;
  /** Limits in force for this client (discovered ones); default `defaultLimits(cfg)`. */
  limits?(client: Client, cfg: Cfg): Limits;
  /** Publishes one post; lets the client's errors through for `classify`. Honours `ctx.signal`. */
  send(client: Client, payload: Payload, ctx: SendContext): Promise<SentPost>;
  /** A harmless call proving the credentials; one line naming the account. */
  check(client: Client, signal: AbortSignal): Promise<string | CheckResult>;
  /** Deletes a sent post (`crier unpost`). Defining it is what declares the capability. */
  delete?(client: Client, remoteId: string, signal: AbortSignal): Promise<void>;
  /** For platforms where only some modes can delete (Slack's webhooks cannot): false hides `delete` on this client. */
  canDelete?(client: Client): boolean;
  /** Releases the client's sockets. Errors are swallowed. */
  close?(client: Client): Promise<void>;
  /** Config warnings beyond the schema, given the rest of the config (`Adapter.validate`). Pure. */
  validate?(cfg: Cfg, context: ValidateContext): readonly string[];
  /** Pulled images: why the platform would not pull from `url` for this destination, or null (`Adapter.imageUrlProblem`). Pure. */
  imageUrlProblem?(url: string, cfg: Cfg): string | null;
}

/** Capabilities as the definition implies them. Pure. */
export function capabilitiesOf(def: Pick<AdapterDefinition<unknown, unknown, unknown>, "idempotency" | "images" | "delete">): Capabilities {
  const caps: Capabilities = { idempotentSend: def.idempotency !== undefined, images: def.images !== undefined, delete: typeof def.delete === "function" };
  if (typeof def.idempotency === "object") caps.idempotencyTtlMs = def.idempotency.ttlMs;
  return caps;
}

function checkDefinition(def: AdapterDefinition<unknown, unknown, unknown>): void {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]*$/.test(def.platform)) problems.push(`platform "${def.platform}" must be lowercase letters, digits and -`);
  if (def.canDelete && !def.delete) problems.push("canDelete is given but delete is not");
  if (typeof def.idempotency === "object" && !(def.idempotency.ttlMs > 0)) problems.push("idempotency.ttlMs must be a positive number of ms");
  for (const r of def.rateLimits) if (!(r.posts > 0 && r.windowMs > 0)) problems.push(`rate limit ${JSON.stringify(r)} must have posts and windowMs above 0`);
  if (problems.length) throw new Error(`adapter definition ${def.platform}: ${problems.join("; ")}`);
}

/**
 * Builds the core's Adapter from a definition. Checks the definition (@throws Error naming what is
 * wrong, at import time, so a broken adapter fails every test at once). Loads nothing.
 */
export function defineAdapter<Cfg, Payload, Client>(def: AdapterDefinition<Cfg, Payload, Client>): Adapter<Cfg, Payload> {
  checkDefinition(def as AdapterDefinition<unknown, unknown, unknown>);
  const wording: NetworkWording = { platform: def.displayName, ...def.network };
  const redact = (text: string): string => {
    try {
      return wording.redact ? wording.redact(text) : text;
    } catch {
      return "(withheld: it could not be redacted)";
    }
  };
  let secrets: string[] | undefined;
  const adapter: Adapter<Cfg, Payload> = {
    platform: def.platform,
    description: def.description,
    config: def.config,
    get secrets(): string[] {
      return (secrets ??= secretFields(def.config));
    },
    capabilities: capabilitiesOf(def as AdapterDefinition<unknown, unknown, unknown>),
    rateLimits: def.rateLimits,
    defaultTemplate: def.defaultTemplate,
    defaultLimits: (cfg) => def.defaultLimits(cfg),
    render: (item, cfg, limits, style) => def.render(item, cfg, limits, style),
    async connect(cfg, deps): Promise<Connection<Payload>> {
      const client = await def.connect(cfg, deps);
      const connection: Connection<Payload> = {
        limits: def.limits ? def.limits(client, cfg) : def.defaultLimits(cfg),
        send: (payload, ctx) => def.send(client, payload, ctx),
        check: (signal) => def.check(client, signal),
        async close() {
          try {
            await def.close?.(client);
          } catch {
            // close() never throws: the sockets are the client's to lose
          }
        },
      };
      const remove = def.delete;
      if (remove && (def.canDelete?.(client) ?? true)) connection.delete = (remoteId, signal) => remove(client, remoteId, signal);
      return connection;
    },
    classify(err): DeliveryError {
      try {
        const detail = () => redact(errorText(err)).slice(0, 300);
        const known = def.classify(err) ?? networkDeliveryError(err, wording);
        if (known) return known;
        if (err instanceof Error && err.name === "ResponseBodyError") {
          return deliveryError("unknown-outcome", `${def.displayName} accepted the request but its answer was unreadable; the post probably exists`, { detail: detail() });
        }
        return deliveryError("unknown-outcome", `unexpected error while posting to ${def.displayName}; the post may or may not exist`, { detail: detail() });
      } catch {
        return deliveryError("unknown-outcome", `unreadable error from the ${def.displayName} client; the post may or may not exist`);
      }
    },
  };
  if (def.images !== undefined && def.images !== "by-url") adapter.imageLimits = def.images;
  const resumes = def.resumesFrom;
  if (resumes) {
    adapter.resumesFrom = (checkpoint) => {
      try {
        return resumes(checkpoint) === true;
      } catch {
        return false; // a checkpoint it cannot read is no promise
      }
    };
  }
  if (def.validate) adapter.validate = def.validate;
  if (def.imageUrlProblem) adapter.imageUrlProblem = def.imageUrlProblem;
  return adapter;
}
