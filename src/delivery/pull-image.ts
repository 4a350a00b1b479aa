/**
 * The URL a platform that pulls images (ImageLimits.delivery "pull") gets for one delivery: the
 * article's own (pull-url.ts), else the fitted bytes put on the media shelf and served by `crier
 * run`'s public listener. Without a listener (`poll --once`, or none configured) or when the
 * platform would not pull from it, the post goes without the image, and the reason says why.
 */
import type { AttachedImage } from "../core/adapter.js";
import type { Destination } from "../config/load.js";
import type { MediaShelf } from "./media-shelf.js";
import { pullUrlFor, pullUrlProblem, type PullRules } from "./pull-url.js";

/** The public listener's media, in a process that runs it (`crier run` with `publicListener`). */
export interface PublicMedia {
  shelf: MediaShelf;
  /** `<publicListener.url>/media/`: served names are appended to it. */
  mediaUrl: string;
}

export interface PullContext {
  allowPrivateAddresses: boolean;
  /** Present only while this process runs the public listener. */
  publicMedia: PublicMedia | undefined;
  /** Whether a public listener is configured at all (for the reason's advice). */
  listenerConfigured: boolean;
  now: number;
}

/** `url`: give the platform this. `dropped`: post without the image, because of this. */
export type PulledImage = { url: string } | { dropped: string };

/** Never throws: a file that cannot be stored drops the image, with the reason. */
export async function publicUrlFor(destination: Destination, delivery: { id: number; queuedAt: number }, image: AttachedImage, unchanged: boolean, ctx: PullContext): Promise<PulledImage> {
  const { adapter, cfg } = destination;
  const own = adapter.imageUrlProblem;
  const rules: PullRules = { allowPrivateAddresses: ctx.allowPrivateAddresses, hostProblem: own ? (url) => own(url, cfg) : undefined };
  const choice = pullUrlFor({ unchanged, sourceUrl: image.url }, rules);
  if ("url" in choice) return choice;
  const platform = adapter.platform;
  if (!ctx.publicMedia) {
    const where = ctx.listenerConfigured ? "only `crier run` serves it (with `poll --once`, only article images that already meet its rules are posted)" : "no publicListener is configured to serve it from";
    return { dropped: `${platform} pulls images by URL; ${choice.serve}, and ${where}` };
  }
  const servedProblem = pullUrlProblem(ctx.publicMedia.mediaUrl, rules);
  if (servedProblem) return { dropped: `${platform} pulls images by URL; ${choice.serve}, and it cannot pull from Crier's public listener: ${servedProblem}` };
  try {
    const name = await ctx.publicMedia.shelf.put(delivery, image, ctx.now);
    return { url: `${ctx.publicMedia.mediaUrl}${name}` };
  } catch (err) {
    return { dropped: `${platform} pulls images by URL; ${choice.serve}, and it could not be stored for serving: ${(err as Error).message}` };
  }
}
