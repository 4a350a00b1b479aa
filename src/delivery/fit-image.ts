/**
 * Fits an image to a platform's ImageLimits with sharp: to an allowed aspect ratio (crop or pad),
 * within its pixel bounds (down, or up to minWidth), in a format it takes, shrunk until small enough.
 */
import type { AttachedImage, ImageLimits } from "../core/adapter.js";
import { meetsGeometry, planFit } from "./fit-geometry.js";

/** A downloaded image, checked to be one (media.ts downloads it; fitting needs only this). */
export interface SourceImage {
  bytes: Buffer;
  format: string;
  /** Pixels as the image is shown (EXIF orientation applied: a portrait photo stored sideways is tall). */
  width: number;
  height: number;
  url: string;
  alt: string;
}

type Sharp = typeof import("sharp").default;
let loaded: Promise<Sharp> | undefined;
/** sharp (libvips, ~30 MB) is loaded on the first image, not by every process that never posts one. */
export function loadSharp(): Promise<Sharp> {
  loaded ??= import("sharp").then((m) => m.default as Sharp);
  return loaded;
}

const WHITE = { r: 255, g: 255, b: 255, alpha: 1 };
const MIME: Record<string, string> = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp", gif: "image/gif" };

/**
 * The image within `limits`: the original bytes when they already meet every rule (format, bytes,
 * pixels, ratio), else re-encoded at the size planFit gives (cropped or padded to an allowed ratio,
 * scaled down, or up to minWidth), shrinking further until small enough. @throws Error when it cannot be made small enough.
 */
export async function fitImage(src: SourceImage, limits: ImageLimits): Promise<AttachedImage> {
  const base = { alt: src.alt, url: src.url };
  const format = src.format as ImageLimits["formats"][number];
  if (limits.formats.includes(format) && src.bytes.length <= limits.maxBytes && meetsGeometry(src.width, src.height, limits)) {
    return { ...base, bytes: src.bytes, mime: MIME[format] ?? "application/octet-stream", width: src.width, height: src.height };
  }
  const sharp = await loadSharp();
  const target = limits.formats.includes("jpeg") ? "jpeg" : (limits.formats[0] ?? "jpeg");
  let shrink = 1;
  for (let round = 0; round < 6; round++) {
    const plan = planFit(src.width, src.height, limits, shrink);
    for (const quality of [85, 72, 60]) {
      // rotate(): EXIF orientation applied first, so the plan (made on the image as shown) fits what is cut.
      let pipeline = sharp(src.bytes, { animated: false }).rotate().resize({ width: plan.width, height: plan.height, fit: plan.resize, position: "centre", background: WHITE });
      if (target === "jpeg") pipeline = pipeline.flatten({ background: WHITE }).jpeg({ quality, mozjpeg: true });
      else if (target === "webp") pipeline = pipeline.webp({ quality });
      else if (target === "png") pipeline = pipeline.png({ compressionLevel: 9 });
      else pipeline = pipeline.gif();
      const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
      if (data.length <= limits.maxBytes) return { ...base, bytes: data, mime: MIME[target] ?? "image/jpeg", width: info.width, height: info.height };
    }
    shrink *= 0.75;
  }
  throw new Error(`cannot make the image smaller than ${limits.maxBytes} bytes`);
}
