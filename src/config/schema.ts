/**
 * The config file's shape: the single source of truth for its types, its errors and its docs.
 * Platform fields of a destination are validated by the adapter's own schema (see load.ts).
 * Descriptions (the docs' text, src/docs/) are registered on each field's own schema with zod's
 * `.register(z.globalRegistry, …)`: `.describe()` would build a copy of the schema to carry the text,
 * a quarter of the schemas every command builds when it loads this module.
 * Each schema is built on its first call and kept (`once`): a command builds the sections its file
 * has, and a section the file leaves out takes its default from ./section-defaults.ts (load.ts).
 */
import { z } from "zod";
import cron from "node-cron";
import type { TextPattern } from "../text/pattern.js";
import { once, shapeOf, sparse } from "./lazy-schema.js";

// A function, not one shared schema: each field registers its own description on its own instance
// (registering on a shared one would give every field the last text).
const id = (): z.ZodString => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be 1-64 letters, digits, '_', '.' or '-'");

// Values most fields share: each field wraps one in its own `.default()`/`.optional()` and registers
// its description there, so the checks are built once, not once per field. Only a schema that carries
// no description of its own is shared.
const positiveInt = once(() => z.number().int().positive());
const wholeNumber = once(() => z.number().int().min(0));
const positiveNumber = once(() => z.number().positive());
const text = once(() => z.string());
const nonEmpty = once(() => z.string().min(1));
const nonEmptyList = once(() => z.array(nonEmpty()));
const flag = once(() => z.boolean());
/** `enabled` of a feed or a destination: on unless switched off (no description). */
const enabledFlag = once(() => flag().default(true));

const timezone = once(() => z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin"));
const validCron = new Map<string, boolean>();
/** node-cron's check, once per distinct expression (10,000 feeds share a handful of schedules). */
function isCronExpression(value: string): boolean {
  let valid = validCron.get(value);
  if (valid === undefined) validCron.set(value, (valid = cron.validate(value)));
  return valid;
}
const cronExpression = once(() => z.string().refine(isCronExpression, "must be a cron expression (5 or 6 fields)"));

const validZones = new Map<string, boolean>();
let canonicalZones: ReadonlySet<string> | undefined;

/**
 * ICU's canonical zone names first (~2 ms for the list); an alias ("UTC", "Europe/Kiev") through
 * a DateTimeFormat, whose first construction loads ICU's zone data (~20 ms). Once per distinct value.
 */
function isTimeZone(value: string): boolean {
  let valid = validZones.get(value);
  if (valid !== undefined) return valid;
  canonicalZones ??= new Set(Intl.supportedValuesOf("timeZone"));
  valid = canonicalZones.has(value);
  if (!valid) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: value });
      valid = true;
    } catch {
      valid = false;
    }
  }
  validZones.set(value, valid);
  return valid;
}

export const storageSchema = once(() =>
  z.strictObject({
    type: z.literal("sqlite").default("sqlite").register(z.globalRegistry, { description: "Store driver." }),
    path: nonEmpty().default("data/crier.db").register(z.globalRegistry, { description: "SQLite file; relative to the config file's folder." }),
    cacheMB: positiveNumber()
      .default(2)
      .register(z.globalRegistry, { description: "SQLite's page cache, in MB. The file's pages stay in the operating system's cache too, so a small one costs little; better-sqlite3's own 16 MB filled up with seen items was most of a first poll's memory." }),
  }),
);

/** Defaults of the feed fields that stand as their default in an entry that leaves them out (`sparse`). */
const FEED_DEFAULTS = { schedule: "*/5 * * * *", timezone: "UTC", image: { fromArticlePage: true, minWidth: 200 } };

const feedFields = {
  id: once(() => id().register(z.globalRegistry, { description: "Stable feed id; used in records and CLI commands." })),
  url: once(() => z.string().min(1).register(z.globalRegistry, { description: "http(s) URL, or a local file path (relative to the config file's folder)." })),
  schedule: once(() => cronExpression().default(FEED_DEFAULTS.schedule).register(z.globalRegistry, { description: "When to poll (cron, 5 or 6 fields)." })),
  timezone: once(() => timezone().default(FEED_DEFAULTS.timezone).register(z.globalRegistry, { description: "IANA time zone the schedule is read in." })),
  backlog: once(() =>
    wholeNumber()
      .default(0)
      .register(z.globalRegistry, { description: "On a route's first run: post the newest N items; record the rest without posting." })
  ),
  timeoutMs: once(() => positiveInt().default(15_000).register(z.globalRegistry, { description: "Whole-request timeout for fetching the feed." })),
  maxBytes: once(() => positiveInt().default(10 * 1024 * 1024).register(z.globalRegistry, { description: "Largest feed body accepted." })),
  maxRedirects: once(() => wholeNumber().default(5).register(z.globalRegistry, { description: "Redirects followed before giving up." })),
  enabled: once(() => enabledFlag()),
  image: once(() =>
    z
      .strictObject({
        fromArticlePage: flag().default(true).register(z.globalRegistry, { description: "When the feed gives no image, look for og:image / twitter:image on the article page." }),
        fallbackUrl: z.string().url().optional().register(z.globalRegistry, { description: "Image used when an article has none (e.g. the publication's logo card)." }),
        minWidth: wholeNumber().default(200).register(z.globalRegistry, { description: "An <img> in the content declared narrower than this is skipped (icons, pixels)." }),
      })
      .default(FEED_DEFAULTS.image)
      .register(z.globalRegistry, { description: "How this feed's article images are found." })
  ),
  websub: once(() =>
    flag()
      .default(true)
      .register(z.globalRegistry, { description: "When `websub` is configured and the feed names a hub, subscribe for pushed updates (polling continues as a slow safety net)." })
  ),
};
export const feedSchema = once(() => z.strictObject(shapeOf(feedFields)));
/** feedSchema for this entry: a feed without a schedule, time zone or image settings builds none of their checks (`sparse`). */
export const feedSchemaFor = sparse(feedFields, ["schedule", "timezone", "image"], (shape) => z.strictObject(shape) as unknown as ReturnType<typeof feedSchema>, FEED_DEFAULTS);

const clockTime = (): z.ZodString => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour)");

/** A posting budget: at most `posts` sends in any `windowMs`. */
export const rateWindowSchema = once(() =>
  z.strictObject({
    posts: z.number().int().positive().register(z.globalRegistry, { description: "Sends allowed in the window." }),
    windowMs: z.number().int().positive().register(z.globalRegistry, { description: "Window length in milliseconds." }),
  }),
);

export const quietHoursSchema = once(() =>
  z.strictObject({
    from: clockTime().register(z.globalRegistry, { description: "Start of the quiet period (local time)." }),
    to: clockTime().register(z.globalRegistry, { description: "End of the quiet period (local time); may be past midnight." }),
    timezone: timezone().default("UTC").register(z.globalRegistry, { description: "IANA time zone of from/to." }),
  }),
);

/** Defaults of the destination fields that stand as their default in an entry that leaves them out (`sparse`). */
const DESTINATION_DEFAULTS = { hashtagMap: {}, hashtagIgnore: [], budget: [], ambiguous: "hold" as const };

/** Fields every destination has (each built on first use); the rest belong to its platform's adapter. */
const destinationFields = {
  id: once(() => id().register(z.globalRegistry, { description: "Stable destination id; stored in delivery records." })),
  platform: once(() => z.string().min(1).register(z.globalRegistry, { description: "Adapter name (see `crier adapters`)." })),
  enabled: once(() => enabledFlag()),
  template: once(() => nonEmpty().optional().register(z.globalRegistry, { description: "Post template; placeholders {title} {summary} {link} {author} {hashtags} {feed}." })),
  maxLength: once(() => positiveInt().optional().register(z.globalRegistry, { description: "Tighter length limit than the platform's (never looser)." })),
  maxHashtags: once(() => wholeNumber().default(3).register(z.globalRegistry, { description: "Hashtags made from categories, at most." })),
  hashtagMap: once(() =>
    z
      .record(text(), text())
      .default(DESTINATION_DEFAULTS.hashtagMap)
      .register(z.globalRegistry, { description: "Category -> hashtag text, e.g. { \"Local politics\": \"Politics\" } (case-insensitive; an empty value drops it)." })
  ),
  hashtagIgnore: once(() => z.array(text()).default(DESTINATION_DEFAULTS.hashtagIgnore).register(z.globalRegistry, { description: "Categories never made into hashtags (case-insensitive), e.g. Uncategorized." })),
  utm: once(() =>
    z
      .strictObject({
        source: z.string().min(1).register(z.globalRegistry, { description: "utm_source, e.g. telegram." }),
        medium: nonEmpty().default("social").register(z.globalRegistry, { description: "utm_medium." }),
        campaign: nonEmpty().default("{feed}").register(z.globalRegistry, { description: "utm_campaign; {feed} is the feed id." }),
      })
      .optional()
      .register(z.globalRegistry, { description: "Tag posted links for analytics (never part of an article's identity; existing utm_* replaced, never doubled)." })
  ),
  timeoutMs: once(() => positiveInt().default(30_000).register(z.globalRegistry, { description: "Timeout of one send." })),
  budget: once(() =>
    z
      .array(rateWindowSchema())
      .default(DESTINATION_DEFAULTS.budget)
      .register(z.globalRegistry, { description: "Posting budgets on top of the platform's documented ones (which always apply); counted from the delivery log." })
  ),
  minSpacingMs: once(() => wholeNumber().default(0).register(z.globalRegistry, { description: "Least time between two sends." })),
  quietHours: once(() => quietHoursSchema().optional().register(z.globalRegistry, { description: "No sends in this daily period; posts wait until it ends." })),
  maxAgeHours: once(() =>
    positiveNumber()
      .optional()
      .register(z.globalRegistry, { description: "Never post an article older than this (checked again just before each send; undated articles use the time first seen)." })
  ),
  ambiguous: once(() =>
    z
      .enum(["hold", "retry"])
      .default(DESTINATION_DEFAULTS.ambiguous)
      .register(z.globalRegistry, { description: "A send whose outcome is unknown (timeout, reset, 5xx): hold it as uncertain for the operator, or retry (may double-post)." })
  ),
  maxConsecutiveRejections: once(() =>
    positiveInt()
      .default(5)
      .register(z.globalRegistry, { description: "Pause the destination after this many content rejections in a row." })
  ),
};
/** Fields every destination has; the rest belong to its platform's adapter. */
export const destinationCommonSchema = once(() => z.object(shapeOf(destinationFields)));
/** The keys every destination has (the rest are its platform's). */
export const destinationCommonKeys = once(() => Object.keys(destinationFields));
/** A destination entry as the list is checked: the common fields, the platform's let through. */
export const destinationEntrySchema = once(() => z.looseObject(shapeOf(destinationFields)));
/** Fields most destinations leave out: their schemas are built only for a destination that has one. */
const RARE_DESTINATION_FIELDS = ["hashtagMap", "hashtagIgnore", "utm", "budget", "quietHours", "ambiguous"] as const;
/** destinationEntrySchema for this entry (its common fields; `sparse`). */
export const destinationEntrySchemaFor = sparse(destinationFields, RARE_DESTINATION_FIELDS, (shape) => z.looseObject(shape) as unknown as ReturnType<typeof destinationEntrySchema>, DESTINATION_DEFAULTS);

/** Which items a rule matches: any listed keyword, the regex, any category, or any author. */
const matcherSchema = once(() =>
  z.strictObject({
    keywords: nonEmptyList().default([]).register(z.globalRegistry, { description: "Words or phrases in the title or summary (case-insensitive)." }),
    regex: text()
      .optional()
      .register(z.globalRegistry, {
        description: "A regular expression (JavaScript syntax) tested against the title and summary (case-insensitive). Filters run in linear time: lookahead, lookbehind and backreferences are refused.",
      }),
    categories: nonEmptyList().default([]).register(z.globalRegistry, { description: "Category names (case-insensitive)." }),
    authors: nonEmptyList().default([]).register(z.globalRegistry, { description: "Author names (case-insensitive)." }),
  }),
);

export const routeFilterSchema = once(() =>
  z.strictObject({
    include: matcherSchema().optional().register(z.globalRegistry, { description: "Post only items that match." }),
    exclude: matcherSchema().optional().register(z.globalRegistry, { description: "Never post items that match." }),
    maxAgeHours: positiveNumber().optional().register(z.globalRegistry, { description: "Never post an item published more than this long ago." }),
  }),
);

const routeFields = {
  feed: once(() => id().register(z.globalRegistry, { description: "A feed id." })),
  to: once(() => z.array(id()).min(1).register(z.globalRegistry, { description: "Destination ids this feed posts to." })),
  filter: once(() => routeFilterSchema().optional().register(z.globalRegistry, { description: "Which of the feed's items go to these destinations; the rest are recorded as skipped with the rule." })),
};
export const routeSchema = once(() => z.strictObject(shapeOf(routeFields)));
/** routeSchema for this entry: a route without a filter builds none (`sparse`). */
export const routeSchemaFor = sparse(routeFields, ["filter"], (shape) => z.strictObject(shape) as unknown as ReturnType<typeof routeSchema>);

export const deliverySchema = once(() =>
  z.strictObject({
    retryBaseMs: positiveInt().default(30_000).register(z.globalRegistry, { description: "First retry delay; doubles each attempt." }),
    retryMaxMs: positiveInt().default(60 * 60_000).register(z.globalRegistry, { description: "Longest retry delay." }),
    maxAttempts: positiveInt().default(8).register(z.globalRegistry, { description: "Attempts before a failed delivery is given up." }),
    imageAttempts: positiveInt()
      .default(3)
      .register(z.globalRegistry, { description: "Attempts at attaching an article's image (its upload failing) before the post goes out without it; an image the platform refuses goes at once." }),
    maxRetryAgeMs: positiveInt().default(24 * 60 * 60_000).register(z.globalRegistry, { description: "A delivery still failing this long after it was queued is given up." }),
    batchSize: positiveInt().default(100).register(z.globalRegistry, { description: "Due deliveries taken per delivery pass." }),
    intervalSchedule: cronExpression().default("* * * * *").register(z.globalRegistry, { description: "How often `crier run` retries due deliveries. A post held by a rate limit or a budget goes out at its time, not at this schedule." }),
    onceMaxWaitMs: wholeNumber()
      .default(60_000)
      .register(z.globalRegistry, { description: "`crier poll --once` waits this long at most for posts held by a budget, spacing or a platform's short wait." }),
  }),
);

export const imagesSchema = once(() =>
  z.strictObject({
    enabled: flag().default(true).register(z.globalRegistry, { description: "Attach article images on platforms that show them." }),
    maxBytes: positiveInt().default(15 * 1024 * 1024).register(z.globalRegistry, { description: "Largest image downloaded." }),
    timeoutMs: positiveInt().default(15_000).register(z.globalRegistry, { description: "Timeout of one image or article-page download." }),
    allowPrivateAddresses: flag()
      .optional()
      .register(z.globalRegistry, { description: "Deprecated: write `network.allowPrivateAddresses`, which also covers WebSub hubs. Still read when that is not given." }),
  }),
);

export const networkSchema = once(() =>
  z.strictObject({
    allowPrivateAddresses: flag()
      .default(false)
      .register(z.globalRegistry, {
        description: "Let what a feed names (images, article pages, WebSub hubs) be on private, loopback, link-local and other non-public addresses, IPv4 ones embedded in IPv6 included. Off: a feed cannot make Crier connect into your network; the feed URLs you configure are not affected.",
      }),
  }),
);

export const alertsSchema = once(() =>
  z.strictObject({
    destination: id().register(z.globalRegistry, { description: "A configured destination that receives operator alerts (e.g. a private Telegram chat)." }),
    throttleMs: positiveInt().default(15 * 60_000).register(z.globalRegistry, { description: "At most one alert per subject in this period." }),
    maxPerHour: positiveInt().default(20).register(z.globalRegistry, { description: "At most this many alerts an hour in all." }),
  }),
);

export const feedHealthSchema = once(() =>
  z.strictObject({
    retryBaseMs: positiveInt().default(60_000).register(z.globalRegistry, { description: "After a failed poll, wait this long (doubling per failure) before polling again." }),
    retryMaxMs: positiveInt().default(30 * 60_000).register(z.globalRegistry, { description: "Longest wait between polls of a failing feed." }),
    demoteAfter: positiveInt().default(10).register(z.globalRegistry, { description: "Failures in a row before the feed is demoted to a slow probe and an alert is sent." }),
    probeIntervalMs: positiveInt().default(60 * 60_000).register(z.globalRegistry, { description: "How often a demoted feed is probed." }),
  }),
);

export const pollingSchema = once(() =>
  z.strictObject({
    concurrency: positiveInt().default(8).register(z.globalRegistry, { description: "Feeds fetched at the same time." }),
    connectionsPerHost: positiveInt()
      .default(4)
      .register(z.globalRegistry, { description: "Kept-alive connections per feed server (scheme, host and port) at most; more requests to it wait their turn." }),
    spread: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .register(z.globalRegistry, { description: "Polls of one schedule are spread over this fraction of its interval (a fixed offset per feed), so thousands of feeds never fire in the same second; 0: all at the tick." }),
    maxSpreadMs: wholeNumber().default(5 * 60_000).register(z.globalRegistry, { description: "Longest spread, whatever the interval." }),
    maxCacheAgeMs: wholeNumber()
      .default(60 * 60_000)
      .register(z.globalRegistry, { description: "A feed server's `Cache-Control: max-age` is honoured (no request before it runs out) up to this long; 0: ignore it." }),
    maxRetryAfterMs: wholeNumber()
      .default(6 * 60 * 60_000)
      .register(z.globalRegistry, { description: "A feed server's `Retry-After` on 429/503 is honoured (without counting as a failure) up to this long." }),
  }),
);

export const retentionSchema = once(() =>
  z.strictObject({
    itemsDays: positiveNumber()
      .default(30)
      .register(z.globalRegistry, { description: "A seen item that has left its feed (and has no delivery rows left) is forgotten after this many days." }),
    deliveriesDays: positiveNumber()
      .default(90)
      .register(z.globalRegistry, { description: "Finished delivery rows (sent, rejected, skipped, deleted) are kept this long; the link guard against reposting lasts as long." }),
    schedule: cronExpression().default("17 4 * * *").register(z.globalRegistry, { description: "When `crier run` prunes the store and checkpoints the SQLite WAL (`crier poll --once` does it when a day has passed)." }),
  }),
);

export const credentialsSchema = once(() =>
  z.strictObject({
    watchSchedule: cronExpression()
      .default("41 8 * * *")
      .register(z.globalRegistry, { description: "When `crier run` checks every destination's credential (the harmless call of `crier check`) and alerts 14, 3 and 1 days before one lapses, and for what the platform says needs the operator (e.g. an API version near retirement)." }),
  }),
);

export const ownershipSchema = once(() =>
  z.strictObject({
    leaseSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(120)
      .register(z.globalRegistry, {
        description: "One process polls and delivers on a store at a time: it holds a lease, renewed every quarter of this while it runs and measured on the database's clock. Another process takes a lease that was not renewed for this long (a holder killed on this host is taken over at once). Keep it far longer than the longest pause of the process (a first poll of 10,000 feeds) and than any destination's timeoutMs.",
      }),
  }),
);

const listenSchema = once(() =>
  z.strictObject({
    host: nonEmpty().default("127.0.0.1").register(z.globalRegistry, { description: "Address the listener binds to (put a TLS proxy in front of it)." }),
    port: z.number().int().min(0).max(65_535).default(8080).register(z.globalRegistry, { description: "Port of the listener; 0 picks a free one." }),
  }),
);
const LISTEN_DEFAULT = { host: "127.0.0.1", port: 8080 };

export const publicListenerSchema = once(() =>
  z.strictObject({
    url: z
      .url({ protocol: /^https?$/ })
      .register(z.globalRegistry, {
        description: "Base URL at which the outside world reaches this Crier's public listener (your TLS proxy in front of `listen`), e.g. https://crier.example.org: WebSub hubs call {url}/websub/…, and platforms that pull images by URL fetch the images Crier fitted for them from {url}/media/…. Use https: platforms pull images over https only.",
      }),
    listen: listenSchema().default(LISTEN_DEFAULT).register(z.globalRegistry, { description: "Where `crier run` binds the public listener. Only `crier run` listens." }),
    mediaGraceMs: wholeNumber()
      .default(60 * 60_000)
      .register(z.globalRegistry, { description: "An image served for a platform that pulls it stays served this long after its delivery is final (sent, rejected, skipped), then is deleted (retention sweeps what is left)." }),
  }),
);

export const websubSchema = once(() =>
  z.strictObject({
    publicUrl: z.string().url().optional().register(z.globalRegistry, { description: "Deprecated: write `publicListener.url`, which also serves images to platforms that pull them. Still read when `publicListener` is not given." }),
    listen: listenSchema().optional().register(z.globalRegistry, { description: "Deprecated: write `publicListener.listen`. Still read when `publicListener` is not given." }),
    secret: z
      .string()
      .min(16)
      .register(z.globalRegistry, { description: "Master key (from the environment: ${CRIER_WEBSUB_SECRET}) from which each subscription's HMAC secret is derived; never stored." }),
    leaseSeconds: positiveInt().default(7 * 24 * 3600).register(z.globalRegistry, { description: "Lease asked of the hub (it may grant another)." }),
    renewBeforeSeconds: positiveInt().default(3600).register(z.globalRegistry, { description: "Renew a subscription this long before its lease runs out." }),
    safetyNetPollMs: positiveInt()
      .default(60 * 60_000)
      .register(z.globalRegistry, { description: "While a feed's subscription is active, it is polled at most this often (a safety net for missed pushes)." }),
    timeoutMs: positiveInt().default(10_000).register(z.globalRegistry, { description: "Timeout of a subscription request to a hub." }),
    retryMs: positiveInt()
      .default(15 * 60_000)
      .register(z.globalRegistry, { description: "A subscription the hub refused, did not verify or did not renew is asked for again after this long (a denial: four times as long)." }),
  }),
);

/**
 * Deprecated and ignored: Crier no longer changes V8's settings at run time (Node's documentation
 * warns that doing so after start-up may crash the process). Still accepted, with a warning (load.ts).
 */
export const memorySchema = once(() =>
  z.strictObject({
    youngGenerationMB: z.number().int().min(0).max(64).optional().register(z.globalRegistry, { description: "Deprecated and ignored (was a run-time cap on V8's young generation)." }),
    optimizeForSizeWhileParsing: flag().optional().register(z.globalRegistry, { description: "Deprecated and ignored (was V8's size mode while feeds were parsed)." }),
    optimizeWasm: flag().optional().register(z.globalRegistry, { description: "Deprecated and ignored (was V8's optimizing compiler for WebAssembly)." }),
  }),
);

/**
 * How the config's schemas parse: each parses a few values once per process, so zod's fast path,
 * a function it generates and compiles (`new Function`) per object schema on first parse, costs a
 * command more than it saves (17 such per command; 10,000 feeds parse no slower without it).
 */
export const PARSE_ONCE = { jitless: true } as const;

/**
 * The top level's fields, each built on first use (`configSchema()` builds them all; load.ts only
 * those its file has). A section's default is its own schema's parse of nothing, which
 * ./section-defaults.ts holds as data, so that a file without the section never builds it.
 */
const topFields = {
  storage: once(() => storageSchema().default(storageSchema().parse({}, PARSE_ONCE)).register(z.globalRegistry, { description: "Where the delivery log lives." }),),
  userAgent: once(() =>
    z
      .string()
      .default("Crier/0.1 (+https://github.com/crier-news/crier)")
      .register(z.globalRegistry, { description: "User-Agent of feed requests; put a contact URL in it." }),
  ),
  logLevel: once(() => z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").register(z.globalRegistry, { description: "Least severe log level written." }),),
  delivery: once(() => deliverySchema().default(deliverySchema().parse({}, PARSE_ONCE)).register(z.globalRegistry, { description: "Retries and delivery passes." }),),
  feedHealth: once(() => feedHealthSchema().default(feedHealthSchema().parse({}, PARSE_ONCE)).register(z.globalRegistry, { description: "Backoff and demotion of failing feeds." }),),
  images: once(() => imagesSchema().default(imagesSchema().parse({}, PARSE_ONCE)).register(z.globalRegistry, { description: "Downloading article images." }),),
  network: once(() => networkSchema().default(networkSchema().parse({}, PARSE_ONCE)).register(z.globalRegistry, { description: "Which addresses what a feed names may make Crier connect to." }),),
  polling: once(() => pollingSchema().default(pollingSchema().parse({}, PARSE_ONCE)).register(z.globalRegistry, { description: "How feeds are fetched: concurrency, spread, what feed servers ask." }),),
  retention: once(() => retentionSchema().default(retentionSchema().parse({}, PARSE_ONCE)).register(z.globalRegistry, { description: "How long the store keeps what it has seen and done." }),),
  ownership: once(() => ownershipSchema().default(ownershipSchema().parse({}, PARSE_ONCE)).register(z.globalRegistry, { description: "Which process may write the delivery log (see README \"One process owns the delivery log\")." }),),
  publicListener: once(() =>
    publicListenerSchema()
      .optional()
      .register(z.globalRegistry, { description: "The HTTP listener `crier run` opens to the outside world: WebSub callbacks, and images served to platforms that pull them by URL." }),
  ),
  websub: once(() => websubSchema().optional().register(z.globalRegistry, { description: "Pushed updates (W3C WebSub) for feeds that name a hub; without it feeds are only polled. Hubs call back on `publicListener`." }),),
  alerts: once(() => alertsSchema().optional().register(z.globalRegistry, { description: "Where operator alerts go; without it alerts are only logged." }),),
  memory: once(() => memorySchema().optional().register(z.globalRegistry, { description: "Deprecated and ignored: Crier sets no V8 flags at run time (see README \"Memory\"). Accepted with a warning; remove it." }),),
  credentials: once(() => credentialsSchema().default(credentialsSchema().parse({}, PARSE_ONCE)).register(z.globalRegistry, { description: "The daily watch over destinations' credentials." }),),
  feeds: once(() => z.array(feedSchema()).default([]).register(z.globalRegistry, { description: "The feeds to watch." }),),
  destinations: once(() => z.array(destinationEntrySchema()).default([]).register(z.globalRegistry, { description: "Where posts go: one entry per channel or account." }),),
  routes: once(() => z.array(routeSchema()).default([]).register(z.globalRegistry, { description: "Which feeds post to which destinations." }),),
};
type TopFields = { [K in keyof typeof topFields]: ReturnType<(typeof topFields)[K]> };
/** A key of the file's top level. */
export type TopKey = keyof TopFields;
/** The top level's keys, in the order the file's problems are reported. */
export const TOP_KEYS = Object.keys(topFields) as TopKey[];
/** The schema of one top-level key (its section's, with its default or optional, and its description). */
export const topField = <K extends TopKey>(key: K): TopFields[K] => topFields[key]() as TopFields[K];

/** The whole config file's schema: the docs, "did you mean" on a top-level key, and the tests read it. */
export const configSchema = once(() => z.strictObject(Object.fromEntries(TOP_KEYS.map((key) => [key, topField(key)])) as TopFields));

export type FeedConfig = z.infer<ReturnType<typeof feedSchema>>;
export type DestinationCommon = z.infer<ReturnType<typeof destinationCommonSchema>>;
export type RouteConfig = z.infer<ReturnType<typeof routeSchema>>;
export type DeliveryConfig = z.infer<ReturnType<typeof deliverySchema>>;
export type RawConfig = z.infer<ReturnType<typeof configSchema>>;
export type RateWindow = z.infer<ReturnType<typeof rateWindowSchema>>;
export type RouteFilterConfig = z.infer<ReturnType<typeof routeFilterSchema>>;
/** A route's filter as the pipeline runs it: its patterns compiled once, at config load (load.ts). */
export type RouteFilter = Omit<RouteFilterConfig, "include" | "exclude"> & { include?: Matcher; exclude?: Matcher };
export type Matcher = Omit<z.infer<ReturnType<typeof matcherSchema>>, "regex"> & { regex?: TextPattern };
export type QuietHours = z.infer<ReturnType<typeof quietHoursSchema>>;
export type AlertsConfig = z.infer<ReturnType<typeof alertsSchema>>;
export type FeedHealthConfig = z.infer<ReturnType<typeof feedHealthSchema>>;
export type ImagesConfig = z.infer<ReturnType<typeof imagesSchema>>;
export type NetworkConfig = z.infer<ReturnType<typeof networkSchema>>;
export type PollingConfig = z.infer<ReturnType<typeof pollingSchema>>;
export type RetentionConfig = z.infer<ReturnType<typeof retentionSchema>>;
export type CredentialsConfig = z.infer<ReturnType<typeof credentialsSchema>>;
export type OwnershipConfig = z.infer<ReturnType<typeof ownershipSchema>>;
export type WebSubConfig = z.infer<ReturnType<typeof websubSchema>>;
export type PublicListenerConfig = z.infer<ReturnType<typeof publicListenerSchema>>;
/** WebSub as it runs: the callback base is the public listener's URL. */
export type WebSubSettings = Omit<WebSubConfig, "publicUrl" | "listen"> & { publicUrl: string };
