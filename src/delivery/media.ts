/**
 * Stage between render and send for platforms that show images: find the article's picture (the
 * feed's, else the page's og:image / twitter:image, else the feed's fallback), download it safely
 * once per item, and fit it to each platform (fit-image.ts). Never fatal: a post goes out without
 * its image, and the reason is recorded.
 */
import { request, type Dispatcher } from "../core/http.js";
import { createGuardedAgent, privateAddressRefusal } from "../net/address-guard.js";
import type { FeedItem } from "../core/feed-item.js";
import type { AttachedImage, ImageLimits } from "../core/adapter.js";
import { fitImage, loadSharp, type SourceImage } from "./fit-image.js";
import type { ImagesConfig, NetworkConfig } from "../config/schema.js";
import type { Feed } from "../config/load.js";
import { resolveLink } from "../text/link.js";

export type ImageResult = { ok: true; image: SourceImage } | { ok: false; reason: string };

/**
 * What a platform gets: a reference (URL and alt) and, for platforms with ImageLimits, the fitted
 * bytes (`unchanged`: they are the downloaded bytes, as the image's URL serves them).
 */
export type AttachmentResult = { ok: true; ref: { url: string; alt: string }; image?: AttachedImage; unchanged?: boolean } | { ok: false; reason: string };

/** Why a download was refused or failed, in words for the delivery record. */
export class MediaError extends Error {
  override name = "MediaError";
}

const IMAGE_FORMATS = new Set(["jpeg", "png", "webp", "gif", "avif", "heif", "tiff"]);
const MAX_REDIRECTS = 3;

export class MediaFetcher {
  private agent: Dispatcher | null = null;
  private readonly cache = new Map<string, Promise<ImageResult>>();
  private readonly fitted = new Map<string, Promise<AttachmentResult>>();

  constructor(
    private readonly cfg: ImagesConfig,
    private readonly userAgent: string,
    private readonly network: NetworkConfig,
  ) {}

  /** Made on the first download (a command that downloads nothing loads no HTTP client). */
  private get dispatcher(): Dispatcher {
    // The address guard checks every connection, so every redirect hop and every DNS answer.
    return (this.agent ??= createGuardedAgent({ keepAliveTimeout: 10_000, connections: 4, allowPrivateAddresses: this.network.allowPrivateAddresses }));
  }

  /** The item's image, downloaded once per item and shared by every destination. Never throws. */
  imageFor(item: FeedItem, itemKey: string, feed: Feed | undefined): Promise<ImageResult> {
    const key = `${item.feedId}\u0000${itemKey}`;
    let result = this.cache.get(key);
    if (!result) {
      result = this.find(item, feed).catch((err: unknown): ImageResult => ({ ok: false, reason: (err as Error).message }));
      this.cache.set(key, result);
      if (this.cache.size > 200) this.cache.delete(this.cache.keys().next().value as string);
    }
    return result;
  }

  private async find(item: FeedItem, feed: Feed | undefined): Promise<ImageResult> {
    const alt = item.imageAlt || item.title;
    const tried: string[] = [];
    const candidates: Array<() => Promise<string | null>> = [
      async () => item.imageUrl,
      async () => (feed?.image.fromArticlePage && item.link ? this.pageImage(item.link) : null),
      async () => feed?.image.fallbackUrl ?? null,
    ];
    for (const next of candidates) {
      let url: string | null;
      try {
        url = await next();
      } catch (err) {
        tried.push(`article page: ${(err as Error).message}`);
        continue;
      }
      if (!url) continue;
      try {
        return { ok: true, image: { ...(await this.download(url, "image")), alt } };
      } catch (err) {
        tried.push(`${url}: ${(err as Error).message}`);
      }
    }
    return { ok: false, reason: tried.length ? tried.join("; ") : "the article has no image" };
  }

  /** og:image or twitter:image from the article page's <head>. */
  async pageImage(pageUrl: string): Promise<string | null> {
    const page = await this.get(pageUrl, "text/html,application/xhtml+xml");
    const html = page.body.toString("utf8");
    let found: string | null = null;
    const { Parser } = await import("htmlparser2"); // only when an article page is read
    const parser = new Parser(
      {
        onopentag(name, attrs) {
          if (found || name !== "meta") return;
          const key = (attrs.property ?? attrs.name ?? "").toLowerCase();
          if (["og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"].includes(key) && attrs.content) {
            found = resolveLink(attrs.content, page.url);
          }
        },
        onopentagname(name) {
          if (name === "body") parser.reset(); // the head is over
        },
      },
      { decodeEntities: true },
    );
    parser.write(html);
    parser.end();
    return found;
  }

  private async download(url: string, what: string): Promise<Omit<SourceImage, "alt">> {
    const { body, url: finalUrl } = await this.get(url, "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.5");
    const sharp = await loadSharp();
    let meta: Awaited<ReturnType<ReturnType<typeof sharp>["metadata"]>>;
    try {
      meta = await sharp(body).metadata();
    } catch {
      throw new MediaError(`not an ${what} (the bytes are no image format)`);
    }
    if (!meta.format || !IMAGE_FORMATS.has(meta.format) || !meta.width || !meta.height) throw new MediaError(`not an ${what} (${meta.format ?? "unknown format"})`);
    // EXIF orientations 5-8 turn the picture a quarter: as shown, its width is the stored height.
    const turned = (meta.orientation ?? 1) >= 5;
    return { bytes: body, format: meta.format, width: turned ? meta.height : meta.width, height: turned ? meta.width : meta.height, url: finalUrl };
  }

  /** GET with the limits of feeds: http(s) only, size cap, timeout, redirects followed, private addresses refused (by the dispatcher). */
  private async get(url: string, accept: string): Promise<{ body: Buffer; url: string }> {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const parsed = new URL(current);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new MediaError(`refused: ${parsed.protocol} URLs are not fetched`);
      let res: Dispatcher.ResponseData<unknown>;
      try {
        res = await request(current, {
          dispatcher: this.dispatcher,
          headers: { "user-agent": this.userAgent, accept },
          signal: AbortSignal.timeout(this.cfg.timeoutMs),
          headersTimeout: this.cfg.timeoutMs,
          bodyTimeout: this.cfg.timeoutMs,
        });
      } catch (err) {
        const refused = privateAddressRefusal(err);
        if (refused) throw new MediaError(`refused: ${refused.message}`);
        const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
        const code = e.code ?? e.cause?.code;
        throw new MediaError(code === "UND_ERR_HEADERS_TIMEOUT" || (err as Error).name === "TimeoutError" ? `no answer within ${this.cfg.timeoutMs} ms` : `${code ?? "network error"}: ${e.message}`);
      }
      const location = res.headers.location;
      if (res.statusCode >= 300 && res.statusCode < 400 && location) {
        await res.body.dump();
        current = new URL(String(location), current).toString();
        continue;
      }
      if (res.statusCode < 200 || res.statusCode >= 300) {
        await res.body.dump();
        throw new MediaError(`HTTP ${res.statusCode}`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > this.cfg.maxBytes) {
          res.body.destroy();
          throw new MediaError(`over the ${this.cfg.maxBytes}-byte limit`);
        }
        chunks.push(chunk as Buffer);
      }
      return { body: Buffer.concat(chunks, size), url: current };
    }
    throw new MediaError(`more than ${MAX_REDIRECTS} redirects`);
  }

  /** The item's image fitted to one platform's limits (cached per item and platform). Never throws. */
  attachmentFor(item: FeedItem, itemKey: string, feed: Feed | undefined, platform: string, limits: ImageLimits | undefined): Promise<AttachmentResult> {
    const key = `${item.feedId}\u0000${itemKey}\u0000${platform}`;
    let result = this.fitted.get(key);
    if (!result) {
      result = this.imageFor(item, itemKey, feed).then(async (found): Promise<AttachmentResult> => {
        if (!found.ok) return found;
        const ref = { url: found.image.url, alt: found.image.alt };
        if (!limits) return { ok: true, ref };
        try {
          const image = await fitImage(found.image, limits);
          return { ok: true, ref, image, unchanged: image.bytes === found.image.bytes };
        } catch (err) {
          return { ok: false, reason: `${found.image.url}: ${(err as Error).message}` };
        }
      });
      this.fitted.set(key, result);
      if (this.fitted.size > 400) this.fitted.delete(this.fitted.keys().next().value as string);
    }
    return result;
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }
}
