// What Threads does with `image_url`: "We will cURL your image using the URL provided so it must be on
// a public server" (https://developers.facebook.com/documentation/threads/posts, updated Apr 14, 2026),
// then checks it against "Image Specifications" (same page): JPEG or PNG, 8 MB maximum, aspect ratio
// within 10:1; widths under 320 or over 1440 are scaled, not refused. Fetched over real HTTP when the
// container is made (when Meta fetches it is unconfirmed: loopback choice). The pixels are read by sharp.
import sharp from "sharp";

export interface ImageFetch {
  url: string;
  /** The HTTP status, or null when nothing answered. */
  status: number | null;
  bytes: number;
  format?: string;
  width?: number;
  height?: number;
  /** The container's `error_message` when the image is refused; absent when it is taken. */
  problem?: string;
}

const MAX_BYTES = 8 * 1024 * 1024; // "8 MB maximum", read leniently here (the adapter keeps to 8,000,000)

/**
 * The documented `error_message` values (https://developers.facebook.com/documentation/threads/troubleshooting)
 * are video ones and UNKNOWN: an image that cannot be fetched or read, or is too large, is UNKNOWN
 * and one outside 10:1 is INVALID_ASPEC_RATIO (sic) (loopback choice).
 */
export async function fetchImage(url: string): Promise<ImageFetch> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(10_000) });
  } catch {
    return { url, status: null, bytes: 0, problem: "UNKNOWN" };
  }
  const body = Buffer.from(await res.arrayBuffer());
  const seen: ImageFetch = { url, status: res.status, bytes: body.length };
  if (res.status !== 200 || body.length > MAX_BYTES) return { ...seen, problem: "UNKNOWN" };
  try {
    const { format, width, height } = await sharp(body).metadata();
    const info = { ...seen, format, width, height };
    if ((format !== "jpeg" && format !== "png") || !width || !height) return { ...info, problem: "UNKNOWN" };
    const ratio = width / height;
    return ratio > 10 || ratio < 0.1 ? { ...info, problem: "INVALID_ASPEC_RATIO" } : info;
  } catch {
    return { ...seen, problem: "UNKNOWN" };
  }
}
