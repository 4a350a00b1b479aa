/** Fits an image to a platform's ImageLimits with sharp: resize keeping the aspect ratio, re-encode, shrink until small enough. */
import type { AttachedImage, ImageLimits } from "../core/adapter.js";

/** A downloaded image, checked to be one (media.ts downloads it; fitting needs only this). */
export interface SourceImage {
  bytes: Buffer;
  format: string;
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

const MIME: Record<string, string> = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp", gif: "image/gif" };

export async function fitImage(src: SourceImage, limits: ImageLimits): Promise<AttachedImage> {
  const base = { alt: src.alt, url: src.url };
  const format = src.format as ImageLimits["formats"][number];
  if (limits.formats.includes(format) && src.bytes.length <= limits.maxBytes && src.width <= limits.maxWidth && src.height <= limits.maxHeight) {
    return { ...base, bytes: src.bytes, mime: MIME[format] ?? "application/octet-stream", width: src.width, height: src.height };
  }
  const sharp = await loadSharp();
  const target = limits.formats.includes("jpeg") ? "jpeg" : (limits.formats[0] ?? "jpeg");
  let width = Math.min(src.width, limits.maxWidth);
  let height = Math.min(src.height, limits.maxHeight);
  for (let round = 0; round < 6; round++) {
    for (const quality of [85, 72, 60]) {
      let pipeline = sharp(src.bytes, { animated: false }).rotate().resize({ width, height, fit: "inside", withoutEnlargement: true });
      if (target === "jpeg") pipeline = pipeline.flatten({ background: "#ffffff" }).jpeg({ quality, mozjpeg: true });
      else if (target === "webp") pipeline = pipeline.webp({ quality });
      else if (target === "png") pipeline = pipeline.png({ compressionLevel: 9 });
      else pipeline = pipeline.gif();
      const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
      if (data.length <= limits.maxBytes) return { ...base, bytes: data, mime: MIME[target] ?? "image/jpeg", width: info.width, height: info.height };
    }
    width = Math.max(1, Math.floor(width * 0.75));
    height = Math.max(1, Math.floor(height * 0.75));
  }
  throw new Error(`cannot make the image smaller than ${limits.maxBytes} bytes`);
}
