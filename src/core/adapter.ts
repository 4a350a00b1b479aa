import type { z } from "zod";
import type { Logger } from "pino";
import type { FeedItem } from "./feed-item.js";
import type { DeliveryError } from "./delivery-error.js";

/**
 * How long a post may be, in the platform's own units. Pure data.
 * `source` says where the numbers came from, so that a preview can tell the operator.
 */
export interface Limits {
  /** Maximum post length in `unit`s. */
  maxLength: number;
  /** How the platform counts, in words, e.g. "weighted characters (twitter-text)". */
  unit: string;
  /** "default": the adapter's documented default; "config": set by the operator; "discovered": announced by the platform at connect. */
  source: "default" | "config" | "discovered";
}

/** At most `posts` sends in any window of `windowMs` milliseconds. */
export interface RateLimit {
  posts: number;
  windowMs: number;
}

/** What an adapter can do beyond posting text. The core reads these instead of platform names. */
export interface Capabilities {
  /** The platform honours an idempotency key, so a send may be retried whatever the outcome. */
  idempotentSend: boolean;
  /**
   * How long the platform remembers a key, in ms (Mastodon: one hour). After that a retry could
   * post twice, so older unknown outcomes are held like any other. Absent: forever.
   */
  idempotencyTtlMs?: number;
  /**
   * Posts can carry an image: with `Adapter.imageLimits` the core hands the bytes to `send`
   * (`ctx.image`); without, the platform embeds the image by URL (`style.image.url`).
   */
  images: boolean;
  /** A sent post can be deleted through the API (`Connection.delete`). */
  delete: boolean;
}

/** A rendered post: the platform payload plus what an operator needs to judge it. Plain data. */
export interface Rendered<Payload> {
  /** What `Connection.send` takes. JSON-serialisable. */
  payload: Payload;
  /** The post as a follower would read it (text form, for previews and logs). */
  preview: string;
  /** Length of the post as the platform counts it, in `limits.unit`s. */
  length: number;
  /** The limits the post was fitted to. */
  limits: Limits;
}

/** What a platform accepts as an attached image; the core resizes and re-encodes to fit. */
export interface ImageLimits {
  /** Largest file in bytes. */
  maxBytes: number;
  /** Largest width and height in pixels. */
  maxWidth: number;
  maxHeight: number;
  /** Encodings the platform takes, in order of preference for re-encoding. */
  formats: ReadonlyArray<"jpeg" | "png" | "webp" | "gif">;
  /** Smallest width in pixels the platform takes (Instagram: 320); smaller images are enlarged. */
  minWidth?: number;
  /**
   * Width / height the platform takes, inclusive (Instagram: 0.8 to 1.91). An image outside it is
   * cropped to the nearest allowed ratio around its centre, or padded when `fit` is "pad".
   */
  aspectRatio?: { min: number; max: number };
  /** How an image outside `aspectRatio` is brought in: "crop" (default) or "pad" (letterbox on white). */
  fit?: "crop" | "pad";
  /**
   * "upload" (default): the adapter sends `ctx.image.bytes` itself. "pull": the platform fetches
   * the image from a URL (Instagram, Threads, TikTok): the core sets `ctx.image.publicUrl` to the
   * article's own image URL when it already meets these limits, else to a URL on Crier's public
   * listener that serves exactly `ctx.image.bytes` until the post is published.
   */
  delivery?: "upload" | "pull";
}

/** An image ready to attach: fetched once per item, fitted to this platform's ImageLimits. */
export interface AttachedImage {
  bytes: Buffer;
  /** e.g. "image/jpeg". */
  mime: string;
  width: number;
  height: number;
  /** Alt text: the feed's, else the article title. */
  alt: string;
  /** Where the image came from (also what URL-only platforms embed). */
  url: string;
  /**
   * For `ImageLimits.delivery: "pull"` only: a URL the platform can fetch exactly these bytes from
   * (the original when it met the limits unchanged, else Crier's public listener). Absent otherwise.
   */
  publicUrl?: string;
}

/** How the operator wants posts made, from the destination's config. Plain data. */
export interface PostStyle {
  /** Template with placeholders {title} {summary} {link} {author} {hashtags} {feed}. */
  template: string;
  /** Hashtags made from the item's categories, at most. */
  maxHashtags: number;
  /** The hashtags to use ("#LocalNews"), already mapped, filtered and capped by the core; when absent, made from the categories. */
  hashtags?: readonly string[];
  /** The link to post (the item's link, possibly tagged for analytics), or null. */
  link: string | null;
  /**
   * The image that will go with the post, when the adapter takes images and one was found and
   * fitted; absent otherwise. Render may shape the post for it (e.g. a shorter photo caption).
   */
  image?: { url: string; alt: string } | undefined;
}

/** Thrown by `Adapter.render` when an item cannot be made into a valid post (e.g. no link and no title). */
export class RenderError extends Error {
  override name = "RenderError";
}

/**
 * Where a sent post now lives. The URL format is each adapter's to document in its README;
 * the ones shipped: Telegram `https://t.me/<channel username>/<message_id>` (public chats) or
 * `https://t.me/c/<chat id without -100>/<message_id>` (private supergroups/channels), null for
 * private chats; X `https://x.com/<username>/status/<id>`; console: none.
 */
export interface SentPost {
  /** The platform's id of the post (message id, tweet id, ...), as a string. */
  remoteId: string;
  /** Public URL of the post, or null when the platform gives none (e.g. a private chat). */
  remoteUrl: string | null;
  /** Something the operator should know about a post that went out, e.g. "image refused by the platform: …". */
  note?: string;
}

/** Given to every send. */
export interface SendContext {
  /** Crier's delivery id; stable across retries. */
  deliveryId: number;
  /** Stable key derived from the delivery, for platforms that honour idempotency keys. */
  idempotencyKey: string;
  /** When the delivery was queued (epoch ms); stable across retries (e.g. to derive a record key). */
  queuedAt: number;
  /** Aborted when the destination's send timeout elapses or the process shuts down. */
  signal: AbortSignal;
  /** The image to attach natively (bytes within `Adapter.imageLimits`), when `style.image` was given to render. */
  image?: AttachedImage | undefined;
  /**
   * What an earlier attempt of this same delivery saved with `saveCheckpoint` (e.g. the id of a
   * media container it created), or null when none did. Kept across retries, restarts and
   * `crier retry`. A two-step send resumes from it instead of starting over (and creating a
   * second container). Absent only where there is no delivery (an operator alert): read
   * `ctx.checkpoint ?? null`.
   */
  checkpoint?: string | null;
  /**
   * Saves a small opaque value for this delivery, at most CHECKPOINT_MAX_LENGTH characters,
   * replacing the previous one. Resolves once it is stored durably (on the delivery row), so that
   * a retry, or the next process after a crash, gets it as `checkpoint`. Call it right after the
   * step it records and before the step that depends on it. Never put a secret in it (a value
   * holding one of the destination's secrets is refused). Absent only where there is no delivery.
   * @throws when the value is too long or holds a secret, when the delivery is no longer this
   *   send's (another process took it over), or when the store fails: let it through (it is classified).
   */
  saveCheckpoint?(value: string): Promise<void>;
}

/** Longest checkpoint a delivery keeps, in characters: an id or two, not a payload. */
export const CHECKPOINT_MAX_LENGTH = 1024;

/** What `Connection.check` found. Plain data. */
export interface CheckResult {
  /** One line naming the account, e.g. "Page Riverside Courier (id 1234)". */
  account: string;
  /** When the credential in use lapses, epoch ms; null: it does not lapse; absent: not known. */
  expiresAt?: number | null;
  /**
   * What the operator must act on, e.g. "Graph API v21.0 retires on 2027-01-21: set apiVersion to
   * v27.0". Any warning makes `crier check` exit 3 and is alerted by `crier run`'s credential watch.
   */
  warnings?: readonly string[];
  /** What the operator should know but need not act on (e.g. "posts arrive as drafts"). Printed, never alerted. */
  notes?: readonly string[];
}

/** An open client to one destination. Not pure: every method does network I/O. */
export interface Connection<Payload> {
  /** Limits in force: the adapter's defaults, the operator's, or what the platform announced. */
  limits: Limits;
  /**
   * Publishes one post. May throw whatever the platform client throws; the core passes the
   * error to `Adapter.classify`. Must honour `ctx.signal`.
   */
  send(payload: Payload, ctx: SendContext): Promise<SentPost>;
  /**
   * Verifies credentials with a harmless call; resolves to a one-line identity ("@crier_bot"), or a
   * CheckResult when there is more to say (the token's expiry, an API version near retirement). May throw.
   */
  check(signal: AbortSignal): Promise<string | CheckResult>;
  /** Deletes a sent post. Present only when `capabilities.delete`. May throw. */
  delete?(remoteId: string, signal: AbortSignal): Promise<void>;
  /** Releases sockets. Never throws. */
  close(): Promise<void>;
}

/**
 * Opaque per-destination storage for state that must outlive a process (e.g. Bluesky's access
 * and refresh tokens). Kept by the core in a file readable only by its owner (mode 0600) under
 * the data folder — never in the delivery database. Values are strings; the adapter owns the format.
 */
export interface SessionStore {
  /** The saved session, or null when there is none. May throw on I/O errors. */
  load(): Promise<string | null>;
  /** Replaces the saved session. May throw on I/O errors. */
  save(data: string): Promise<void>;
  /** Forgets the saved session (e.g. after the platform revoked it). */
  clear(): Promise<void>;
}

/**
 * A token that lapses and is renewed by the adapter (Threads and Instagram: 60-day tokens
 * refreshed before they lapse; TikTok: access tokens for a day, refresh tokens for a year and
 * single-use). Plain data, kept by the core per destination, never in the delivery database or a log.
 */
export interface RefreshableCredential {
  accessToken: string;
  /** When the access token lapses, epoch ms; null when the platform gives no expiry. */
  expiresAt: number | null;
  /** The token to renew with, when the platform issues one; a single-use one is replaced by every refresh. */
  refreshToken?: string | null;
  /** When the refresh token lapses, epoch ms, when the platform says. */
  refreshExpiresAt?: number | null;
  /**
   * A fingerprint of what this credential was derived from (e.g. sha-256 of the configured token),
   * never the token itself: when the operator puts a new token in the config, the fingerprint
   * differs and the adapter starts again from the config instead of the stored refresh.
   */
  origin?: string;
}

/**
 * The stored credential of one destination. The core shows `expiresAt` in `crier check` and
 * alerts before it lapses.
 */
export interface CredentialStore {
  /** The stored credential, or null when none was stored yet (start from the config). May throw on I/O errors. */
  load(): Promise<RefreshableCredential | null>;
  /**
   * Runs `renew` with the stored credential (null when none) and stores what it returns, access
   * token, expiries and refresh token together (one atomic write), before resolving with it. One
   * renewal at a time per destination: a caller that arrives during one waits and gets its result,
   * so a single-use refresh token is spent once. When `renew` throws, nothing is stored and the
   * error is let through. May throw on I/O errors (the refreshed token is then lost: say so).
   */
  refresh(renew: (current: RefreshableCredential | null) => Promise<RefreshableCredential>): Promise<RefreshableCredential>;
  /** Forgets the credential (the platform revoked it; the operator must authorise again). */
  clear(): Promise<void>;
}

/** What the core gives `connect`. */
export interface ConnectDeps {
  /** Per-request timeout in milliseconds for the adapter's HTTP client. */
  timeoutMs: number;
  /** Child logger bound to the destination; secrets are redacted by the core. */
  logger: Logger;
  /** Folder of the config file: relative paths in the destination's config resolve against it. */
  baseDir: string;
  /** This destination's session store. */
  session: SessionStore;
  /**
   * This destination's refreshable credential, kept by the core in a 0600 file under the data
   * folder. Always given by Crier (optional for adapters' own tests).
   */
  credentials?: CredentialStore;
}

/**
 * One platform. Lives in `adapters/<platform>/`; registered in `adapters/registry.ts`.
 * An adapter reads no environment, opens no database, never sleeps and makes no client at import time.
 */
export interface Adapter<Cfg = unknown, Payload = unknown> {
  /** Stable id, used as `platform:` in the config and stored in delivery records. */
  platform: string;
  /** One line for `crier adapters`. */
  description: string;
  /**
   * zod schema of the platform's own destination fields (the core adds id, platform, template, ...).
   * Each field's description (`.register(z.globalRegistry, { description })`: no copy, unlike
   * `.describe()`) feeds the generated docs. Strict: unknown keys are errors.
   */
  config: z.ZodType<Cfg>;
  /** Top-level config fields that hold secrets: masked in printouts and logs. */
  secrets: readonly string[];
  capabilities: Capabilities;
  /**
   * The platform's documented posting limits for one destination (e.g. Telegram: ~20 messages a
   * minute to one channel). Always enforced; a destination's `budget` can only add to them.
   */
  rateLimits: readonly RateLimit[];
  /** What an attached image may be (bytes, pixels, formats); absent when images go by URL or not at all. */
  imageLimits?: ImageLimits;
  /** Template used when the destination sets none. Placeholders: see src/render/template.ts. */
  defaultTemplate: string;
  /**
   * Limits before connecting: the platform's documented defaults. Pure. `cfg` is absent when
   * Crier lists the installed adapters, so the result must not need it.
   */
  defaultLimits(cfg?: Cfg): Limits;
  /**
   * Makes the post for one item. Pure: no I/O, clock, environment or randomness.
   * Never exceeds `limits.maxLength` as the platform counts; the link is never cut.
   * @throws RenderError when no valid post can be made.
   */
  render(item: FeedItem, cfg: Cfg, limits: Limits, style: PostStyle): Rendered<Payload>;
  /** Opens a client; may call the platform to discover limits. Network I/O; may throw. */
  connect(cfg: Cfg, deps: ConnectDeps): Promise<Connection<Payload>>;
  /** Maps whatever `send` threw to a DeliveryError. Pure; never throws. */
  classify(err: unknown): DeliveryError;
  /**
   * True when a send that stopped with `checkpoint` saved (a crash, or an `unknown-outcome` error)
   * can be run again without posting twice: the next send resumes from the checkpoint and finds
   * out what became of the post (e.g. reads a media container's status before publishing it).
   * The core then queues such a delivery again instead of holding it as `uncertain`. Absent: never.
   * Pure; never throws.
   */
  resumesFrom?(checkpoint: string): boolean;
  /**
   * What the operator should know about this destination's config beyond its schema, given what
   * the rest of the config decides (`crier validate` prints each line as a warning; `crier run`
   * logs it). Pure. `cfg` is as written: `${ENV}` references are not resolved.
   */
  validate?(cfg: Cfg, context: ValidateContext): readonly string[];
  /**
   * For `imageLimits.delivery: "pull"`: why the platform would not pull an image from `url` for
   * this destination (e.g. a host outside the domain verified for the app), or null when it would.
   * The core then serves the image from its public listener instead of handing out the article's
   * own URL, and drops the image when its own URL fails too. Pure.
   */
  imageUrlProblem?(url: string, cfg: Cfg): string | null;
}

/** What the rest of the config decides, for `Adapter.validate`. Plain data. */
export interface ValidateContext {
  /** `publicListener.url`, or null when no public listener is configured. */
  publicUrl: string | null;
  /** The prefix of every image URL the public listener serves (`<publicUrl>/media/`), or null. */
  mediaUrl: string | null;
}

/** An adapter with its type parameters erased, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAdapter = Adapter<any, any>;
