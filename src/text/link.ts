/**
 * Link normalisation: the one definition of "the same article URL", used for identity and for
 * the one-link-per-destination rule. Changing it changes stored keys: ship a migration.
 */

/** Query parameters that only track the click, never select content. */
const TRACKING_PARAMS = new Set(["fbclid", "gclid", "mc_cid", "mc_eid"]);
const isTrackingParam = (name: string): boolean =>
  TRACKING_PARAMS.has(name.toLowerCase()) || /^utm_/i.test(name);

/**
 * Lowercases scheme and host, drops the default port and the fragment, strips tracking
 * parameters, keeps every other query parameter in its order and encoding.
 * Returns null for anything that is not an absolute http(s) URL. Pure.
 */
export function normalizeLink(raw: string): string | null {
  // Nearly every feed link is already in this form: a URL parse (and a search rewrite) per item
  // would be most of what identifying a known item costs.
  if (isCanonicalHttpUrl(raw) && !raw.includes("?")) {
    const hash = raw.indexOf("#");
    return hash === -1 ? raw : raw.slice(0, hash);
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.hash = ""; // WHATWG URL already lowercased scheme/host and dropped the default port
  dropTracking(url);
  return url.toString();
}

/** Removes tracking parameters in place, keeping the others in their order and exact encoding. */
function dropTracking(url: URL): void {
  // Always assigned: for a lone "?" `url.search` is "" yet serialises as "?" until set.
  const kept = url.search
    .slice(1)
    .split("&")
    .filter((pair) => pair !== "" && !isTrackingParam(decodeParamName(pair)));
  url.search = kept.length ? `?${kept.join("&")}` : "";
}

/**
 * The link as followers should get it: the feed's tracking parameters (utm_*, fbclid, ...)
 * removed, everything else (fragment included) untouched. Returns the input when there is
 * nothing to remove or it is not a URL. Pure.
 */
export function stripTracking(link: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return link;
  }
  const before = url.search;
  dropTracking(url);
  return url.search === before ? link : url.toString();
}

function decodeParamName(pair: string): string {
  const name = pair.split("=", 1)[0] ?? "";
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

/**
 * An absolute http(s) URL that the WHATWG parser gives back unchanged (`new URL(s).href === s`):
 * lowercase scheme and host of plain ASCII labels (no IDNA, no number-like last label, no port,
 * no user info), a path without dot segments, and only characters no component percent-encodes.
 * False says nothing: parse then. Pure.
 */
export function isCanonicalHttpUrl(text: string): boolean {
  return CANONICAL.test(text) && !DOT_SEGMENT.test(text);
}

/** Characters kept as they are: unreserved, sub-delimiters, ":" and "@", or a percent-encoded byte. */
const PCHAR = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})";
/** The query percent-encodes `'` in special schemes (WHATWG URL, special-query percent-encode set). */
const QCHAR = "(?:[A-Za-z0-9\\-._~!$&()*+,;=:@/?]|%[0-9A-Fa-f]{2})";
const LABEL = "(?!xn--)[a-z0-9]+(?:-[a-z0-9]+)*";
const CANONICAL = new RegExp(
  `^https?://(?:${LABEL}\\.)*(?!xn--)[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:/${PCHAR}*)+(?:\\?${QCHAR}*)?(?:#(?:${PCHAR}|[/?])*)?$`,
);
/** A "." or ".." path segment, also percent-encoded (`%2e`): the parser removes it. */
const DOT_SEGMENT = /^[^?#]*?\/(?:\.|%2e){1,2}(?:[/?#]|$)/i;

/** Resolves `href` against `base`; null when it cannot be made an absolute http(s) URL. Pure. */
export function resolveLink(href: string | null | undefined, ...bases: Array<string | null | undefined>): string | null {
  if (!href) return null;
  const trimmed = href.trim();
  if (!trimmed) return null;
  if (isCanonicalHttpUrl(trimmed)) return trimmed; // what the parse would give, without it
  for (const base of [undefined, ...bases]) {
    try {
      const url = base === undefined ? new URL(trimmed) : base === null ? null : new URL(trimmed, base);
      if (!url) continue;
      if (url.protocol === "http:" || url.protocol === "https:") return url.toString();
    } catch {
      // try the next base
    }
  }
  return null;
}

/**
 * Adds utm_source/medium/campaign to a link for analytics, replacing any utm_* already there so
 * that a link is never tagged twice. Identity never sees this: it uses normalizeLink. Pure.
 */
export function tagLink(link: string, utm: { source: string; medium: string; campaign: string }): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return link;
  }
  const kept = url.search
    .slice(1)
    .split("&")
    .filter((pair) => pair !== "" && !/^utm_/i.test(decodeParamName(pair)));
  const tags = [`utm_source=${encodeURIComponent(utm.source)}`, `utm_medium=${encodeURIComponent(utm.medium)}`, `utm_campaign=${encodeURIComponent(utm.campaign)}`];
  url.search = `?${[...kept, ...tags].join("&")}`;
  return url.toString();
}
