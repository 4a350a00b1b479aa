/**
 * Which picture belongs to an article, from the feed alone. First match wins: an image
 * enclosure; the largest media:content / media:thumbnail; the first meaningful <img> of the
 * content (not a tracking pixel, an icon or an image declared narrower than `minWidth`). Pure.
 * (The article page's og:image and the feed's fallback image are looked up at delivery, in media.ts.)
 */
import { Parser } from "htmlparser2";
import { resolveLink } from "../text/link.js";

export interface FoundImage {
  url: string;
  alt: string | null;
}

type Raw = Record<string, unknown>;

/** Images that are never the article's picture: counters, emoji, avatars, share buttons. */
const NOT_A_PICTURE = /(?:^data:|\/emoji\/|gravatar\.com|\/avatar|pixel|1x1|spacer|blank\.gif|stats\.wordpress\.com|feeds\.feedburner\.com\/~|\/share[-_]?button|\.svg(?:$|\?))/i;

export function imageOf(raw: Raw, html: string, base: string | null, minWidth = 200): FoundImage | null {
  const enclosure = raw.enclosure as { url?: string; type?: string } | undefined;
  if (enclosure?.url && /^image\//i.test(enclosure.type ?? "")) {
    const url = resolveLink(enclosure.url, base);
    if (url) return { url, alt: null };
  }
  const groups = (raw.mediaGroup as Array<Record<string, unknown>> | undefined) ?? [];
  const media = [
    ...((raw.mediaContent as unknown[]) ?? []),
    ...((raw.mediaThumbnail as unknown[]) ?? []),
    ...groups.flatMap((g) => [...((g?.["media:content"] as unknown[]) ?? []), ...((g?.["media:thumbnail"] as unknown[]) ?? [])]),
  ];
  let best: { url: string; width: number; alt: string | null } | null = null;
  for (const m of media) {
    const node = m as { $?: Record<string, string>; "media:description"?: unknown[] } | null;
    const attrs = node?.$ ?? {};
    if (!attrs.url) continue;
    const isImage = attrs.medium === "image" || /^image\//i.test(attrs.type ?? "") || (!attrs.medium && !attrs.type);
    if (!isImage) continue;
    const width = Number(attrs.width ?? 0);
    const description = node?.["media:description"]?.[0];
    const alt = typeof description === "string" ? description : ((description as { _?: string } | undefined)?._ ?? null);
    if (!best || width > best.width) best = { url: attrs.url, width, alt };
  }
  if (best) {
    const url = resolveLink(best.url, base);
    if (url) return { url, alt: best.alt };
  }
  return firstPictureIn(html, base, minWidth);
}

/** The first <img> in HTML that looks like a picture, parsed with a real HTML parser. */
export function firstPictureIn(html: string, base: string | null, minWidth: number): FoundImage | null {
  if (!html || !/<img/i.test(html)) return null;
  let found: FoundImage | null = null;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (found || name !== "img") return;
        const src = attrs.src ?? attrs["data-src"];
        if (!src || NOT_A_PICTURE.test(src)) return;
        const width = Number(attrs.width);
        const height = Number(attrs.height);
        if ((Number.isFinite(width) && width > 0 && width < minWidth) || (Number.isFinite(height) && height > 0 && height < 16)) return;
        const url = resolveLink(src, base);
        if (url) {
          found = { url, alt: attrs.alt?.trim() || null };
          parser.pause(); // the rest of the article is not read
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  if (!found) parser.end();
  return found;
}
