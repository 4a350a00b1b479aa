/** WebSub discovery (W3C WebSub §4): what a feed says of its hub and its own URL. Pure. */

/** Hub URLs (in the order given, without repeats) and the feed's self URL (the topic). */
export interface WebSubLinks {
  hubs: string[];
  self: string | null;
}

/** Collects rel="hub" and rel="self" from links of any source (document or Link headers); rel may list several relations. */
export function collectWebSubLinks(links: Iterable<{ href: string; rel: string }>): WebSubLinks {
  const found: WebSubLinks = { hubs: [], self: null };
  for (const { href, rel } of links) {
    const rels = rel.toLowerCase().split(/\s+/);
    if (rels.includes("hub") && !found.hubs.includes(href)) found.hubs.push(href);
    if (rels.includes("self")) found.self ??= href;
  }
  return found;
}
