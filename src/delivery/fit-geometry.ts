/**
 * The pixel geometry of fitting an image to a platform's ImageLimits: whether an image already
 * meets them, and else the exact size to make it and how (crop around the centre, or pad). Pure;
 * fit-image.ts does the pixels with sharp.
 */
import type { ImageLimits } from "../core/adapter.js";

type Geometry = Pick<ImageLimits, "maxWidth" | "maxHeight" | "minWidth" | "aspectRatio" | "fit">;

/** What to make of an image: exactly `width` × `height`, cropped around its centre ("cover") or letterboxed ("contain"). */
export interface FitPlan {
  width: number;
  height: number;
  resize: "cover" | "contain";
}

/** True when `ratio` (width / height) is within the platform's range, bounds included. Pure. */
export function ratioAllowed(width: number, height: number, range: ImageLimits["aspectRatio"]): boolean {
  if (!range) return true;
  const ratio = width / height;
  return ratio >= range.min && ratio <= range.max;
}

/** True when a `width` × `height` image meets every pixel rule of `limits` as it is. Pure. */
export function meetsGeometry(width: number, height: number, limits: Geometry): boolean {
  return width <= limits.maxWidth && height <= limits.maxHeight && width >= (limits.minWidth ?? 1) && ratioAllowed(width, height, limits.aspectRatio);
}

/**
 * The size to make a `width` × `height` image so that it meets `limits`: first its ratio is brought
 * to the nearest allowed one (cropping the long side, or with `fit: "pad"` adding white to the short
 * one), then it is scaled down to the largest size within maxWidth × maxHeight, or up to minWidth.
 * The result is rounded inward: its own width / height is within the range, never over a bound by
 * a rounding (a 1.9103 panorama for Instagram's 1.91 becomes 1.9093, not 1.9103). Pure.
 * `shrink` (0 < shrink ≤ 1) scales the result further down when the bytes are too many; never below minWidth.
 */
export function planFit(width: number, height: number, limits: Geometry, shrink = 1): FitPlan {
  const range = limits.aspectRatio;
  const ratio = width / height;
  const target = range ? Math.min(range.max, Math.max(range.min, ratio)) : ratio;
  const pad = limits.fit === "pad" && target !== ratio;
  // The content box at the source's scale: what is kept of the image (crop), or the canvas around it (pad).
  const [boxW, boxH] = pad ? (target > ratio ? [height * target, height] : [width, width / target]) : target < ratio ? [height * target, height] : [width, width / target];
  const minWidth = limits.minWidth ?? 1;
  let scale = Math.min(1, limits.maxWidth / boxW, limits.maxHeight / boxH) * shrink;
  if (boxW * scale < minWidth) scale = minWidth / boxW;
  let w = clamp(Math.round(boxW * scale), minWidth, limits.maxWidth);
  let h = clamp(Math.round(boxH * scale), 1, limits.maxHeight);
  if (range) {
    // Inward: a pixel or so of rounding must not take the ratio out of range. Too wide: narrower,
    // or taller when the width is at minWidth. Too tall: shorter.
    while (w / h > range.max && (w > 1 || h < limits.maxHeight)) {
      if ((w > minWidth || h >= limits.maxHeight) && w > 1) w--;
      else h++;
    }
    while (h > 1 && w / h < range.min) h--;
  }
  return { width: w, height: h, resize: pad ? "contain" : "cover" };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
