// Instagram "cURLs" the image_url when the container is created: "We will cURL the image using the
// URL that you specify so the image must be on a public server" (IG User Media reference, Markdown
// served 2026-09-11, https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media).
// The loopback fetches it over real HTTP and applies the feed-image rules of that page:
// JPEG only, 8 MB at most, aspect ratio within 4:5 to 1.91:1; widths outside 320–1440 are scaled,
// not refused ("will be scaled up to the minimum" / "scaled down"). Errors: the error-codes page.
import type { Reply } from "../harness.js";
import { IG } from "./graph-errors.js";
import { imageFacts } from "./jpeg.js";

/** "It should be less than 8 MiB" (error-codes page, 36000/2207004). */
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
/** "Must be within a 4:5 to 1.91:1 range" (IG User Media reference), inclusive. */
export const MIN_RATIO = 4 / 5;
export const MAX_RATIO = 1.91;

export interface FetchedImage {
  bytes: number;
  width: number;
  height: number;
  /** The width Instagram would store it at: 320–1440. */
  storedWidth: number;
}

export interface ImageFetch {
  url: string;
  at: number;
  outcome: string;
}

async function readCapped(res: Response, max: number): Promise<Buffer | "too-large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += (chunk as Uint8Array).length;
    if (size > max) return "too-large";
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

/** Fetches and checks one image; resolves to its facts or to the Graph error Instagram answers. */
export async function fetchImage(url: string, timeoutMs: number, log: ImageFetch[]): Promise<FetchedImage | Reply> {
  const note = (outcome: string) => log.push({ url, at: Date.now(), outcome });
  let parsed: URL;
  try {
    parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http");
  } catch {
    note("not an http(s) URL");
    return IG.fetchFailed(url);
  }
  const signal = AbortSignal.timeout(timeoutMs);
  let body: Buffer | "too-large";
  try {
    const res = await fetch(parsed, { signal, redirect: "follow" });
    if (!res.ok) {
      note(`HTTP ${res.status}`);
      return IG.fetchFailed(url);
    }
    body = await readCapped(res, MAX_IMAGE_BYTES);
  } catch (err) {
    const slow = signal.aborted;
    note(slow ? "timed out" : `failed: ${(err as Error).message}`);
    return slow ? IG.downloadTimeout() : IG.fetchFailed(url);
  }
  if (body === "too-large") return (note("over 8 MiB"), IG.tooLarge());
  const facts = imageFacts(body);
  if (facts.format !== "jpeg" || facts.width === undefined || facts.height === undefined) {
    return (note(`format ${facts.format}`), IG.format(facts.format.toUpperCase()));
  }
  const ratio = facts.width / facts.height;
  if (ratio < MIN_RATIO || ratio > MAX_RATIO) return (note(`ratio ${ratio.toFixed(4)}`), IG.aspectRatio(`${facts.width}:${facts.height}`));
  note("ok");
  return { bytes: body.length, width: facts.width, height: facts.height, storedWidth: Math.min(1440, Math.max(320, facts.width)) };
}
