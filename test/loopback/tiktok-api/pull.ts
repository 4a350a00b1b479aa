// TikTok's side of PULL_FROM_URL: which URLs the app owns, and the download of each picture.
//
// https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide (snapshot fetched 2026-09-11):
// - "The media URL must use https and should not redirect to another URL"; "Redirections are not
//   followed. URLs that return HTTP 3xx are considered invalid."
// - Domain: "all paths under that domain or its subdomains are considered owned" (static.example.com
//   covers video.static.example.com, not example.com). URL prefix (https:// + host + path + /):
//   "all URLs with the exact prefix are considered owned".
// - Image restrictions: "WebP, JPEG"; "Maximum 1080p"; "Maximum of 20MB for each image".
// Fail reasons (https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status, "Fail reasons",
// and the research note of 2026-10-02 for photo_pull_failed): file_format_check_failed,
// picture_size_check_failed, photo_pull_failed.
//
// Loopback choices: the verified hosts are not resolved by DNS but through `hosts` (host → the
// http://127.0.0.1 image server standing in for it); "1080p" is taken as at most 1080 on the
// short side and 1920 on the long side, either orientation.
import sharp from "sharp";

export const MAX_PHOTO_BYTES = 20 * 1024 * 1024;

/** True when `url` is https and under one of the verified domains or URL prefixes. */
export function owned(url: string, verified: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== "https:") return false;
  return verified.some((v) => (v.startsWith("https://") ? u.href.startsWith(v) : u.hostname === v || u.hostname.endsWith(`.${v}`)));
}

export type PullResult = { ok: true; bytes: number } | { ok: false; failReason: string; why: string };

/** Downloads one picture as TikTok would (no redirects), through the host map; checks format, size and pixels. */
export async function pullPhoto(url: string, hosts: Readonly<Record<string, string>>): Promise<PullResult> {
  const u = new URL(url);
  const base = hosts[u.host] ?? hosts[u.hostname];
  if (!base) return { ok: false, failReason: "photo_pull_failed", why: `no route to ${u.host}` };
  let res: Response;
  try {
    res = await fetch(`${base.replace(/\/$/, "")}${u.pathname}${u.search}`, { redirect: "manual" });
  } catch (err) {
    return { ok: false, failReason: "photo_pull_failed", why: String(err) };
  }
  if (res.status !== 200) return { ok: false, failReason: "photo_pull_failed", why: `HTTP ${res.status}${res.status >= 300 && res.status < 400 ? " (redirects are not followed)" : ""}` };
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > MAX_PHOTO_BYTES) return { ok: false, failReason: "picture_size_check_failed", why: `${bytes.length} bytes` };
  const jpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const webp = bytes.length > 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP";
  if (!jpeg && !webp) return { ok: false, failReason: "file_format_check_failed", why: "neither JPEG nor WebP" };
  let meta: { width?: number; height?: number };
  try {
    meta = await sharp(bytes).metadata();
  } catch {
    return { ok: false, failReason: "file_format_check_failed", why: "unreadable picture" };
  }
  const [short, long] = [Math.min(meta.width ?? 0, meta.height ?? 0), Math.max(meta.width ?? 0, meta.height ?? 0)];
  if (short > 1080 || long > 1920) return { ok: false, failReason: "picture_size_check_failed", why: `${meta.width}x${meta.height} is over 1080p` };
  return { ok: true, bytes: bytes.length };
}
