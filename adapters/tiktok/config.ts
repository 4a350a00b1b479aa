import { z } from "zod";
import { SECRET } from "../../src/core/kit/secret-fields.js";

/** https://developers.tiktok.com/doc/content-posting-api-reference-photo-post (snapshot fetched 2026-09-11): "open.tiktokapis.com". */
export const TIKTOK_API_BASE = "https://open.tiktokapis.com";

// The core validates the structure before it resolves `${ENV}` (src/config/load.ts).
const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
const TOKENISH = /^[\x21-\x7e]{4,512}$/;
const credential = (what: string) => z.string().refine((v) => TOKENISH.test(v) || ENV_REF.test(v), `must be ${what} (printable, no spaces) or a \${ENV} reference`);

/** Privacy levels of a photo post: photo-post reference, `post_info.privacy_level` (snapshot 2026-09-11). */
export const PRIVACY_LEVELS = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"] as const;
export type PrivacyLevel = (typeof PRIVACY_LEVELS)[number];

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/**
 * Why TikTok would refuse to pull `url` for this destination, or null when it would take it. Pure.
 * https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide (snapshot fetched 2026-09-11), "Pull from URL":
 * the URL "must use https and should not redirect"; a verified Domain covers "all paths under that
 * domain or its subdomains" (`static.example.com` covers `video.static.example.com`, not
 * `example.com`); a verified URL Prefix (https:// + host + path + /) covers "all URLs with the exact prefix".
 * The core's `validate` calls it with each image URL it would hand TikTok (the public listener's
 * base URL, a destination's fallback picture); `send` calls it before every init.
 */
export function imageHostProblem(url: string, cfg: { verifiedDomain: string }): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (u.protocol !== "https:") return `TikTok pulls pictures over https only, not from ${u.protocol}//${u.host}`;
  const verified = cfg.verifiedDomain;
  if (verified.startsWith("https://")) {
    const prefix = new URL(verified).href;
    return u.href.startsWith(prefix) ? null : `${u.origin}${u.pathname} is not under the URL prefix ${prefix} verified in the TikTok developer portal (verifiedDomain)`;
  }
  const host = u.hostname.toLowerCase();
  return host === verified || host.endsWith(`.${verified}`)
    ? null
    : `${host} is not ${verified} nor one of its subdomains, the domain verified in the TikTok developer portal (verifiedDomain)`;
}

export const tiktokConfig = z
  .object({
    clientKey: credential("the app's client key").register(z.globalRegistry, { description: "Client key of the TikTok app (developer portal → your app → App credentials)." }),
    clientSecret: credential("the app's client secret").register(z.globalRegistry, { ...SECRET, description: "Client secret of the same app: write it as ${TIKTOK_CLIENT_SECRET}." }),
    refreshToken: credential("a refresh token")
      .register(z.globalRegistry, { ...SECRET, description: "The creator's first refresh token (from the OAuth code exchange), as ${TIKTOK_REFRESH_TOKEN}. TikTok replaces it at every refresh; Crier keeps the new one in its credential store and starts again from this value only when you change it." }),
    mode: z
      .enum(["MEDIA_UPLOAD", "DIRECT_POST"])
      .default("MEDIA_UPLOAD")
      .register(z.globalRegistry, { description: "MEDIA_UPLOAD (default): each post lands in the creator's TikTok inbox as a draft that a person finishes in the app (scope video.upload). DIRECT_POST: published at once (scope video.publish; private until the app passes TikTok's audit)." }),
    privacyLevel: z
      .enum(PRIVACY_LEVELS)
      .optional()
      .register(z.globalRegistry, { description: "Who may see a DIRECT_POST post. Required for DIRECT_POST (TikTok sets no default); used only when the creator's account offers it (creator_info), else the send fails naming what it offers." }),
    verifiedDomain: z
      .string()
      .refine((v) => DOMAIN.test(v) || /^https:\/\/[^/?#@]+\/(?:[^?#]*\/)?$/.test(v), "must be a domain like media.example.org, or a URL prefix like https://example.org/tiktok/ (https, ending in /)")
      .refine((v) => !/^https:\/\/\[|^https:\/\/\d+\.\d+\.\d+\.\d+[:/]/.test(v), "a URL prefix's host must be a domain, not an IP address (TikTok's rule)")
      .register(z.globalRegistry, { description: "The Domain or URL Prefix verified for this app in the TikTok developer portal (Manage URL properties). TikTok pulls each picture from a URL under it; Crier refuses any other." }),
    fallbackImageUrl: z
      .url({ protocol: /^https$/ })
      .optional()
      .register(z.globalRegistry, { description: "A JPEG or WebP picture (at most 1080 px wide, 1920 high, 20 MB) under verifiedDomain, posted with articles that have no usable picture. Without it, such articles are skipped: a TikTok photo post needs a picture." }),
    apiBase: z.url({ protocol: /^https?$/ }).default(TIKTOK_API_BASE).register(z.globalRegistry, { description: "API server; change only for a proxy or a test double." }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.mode === "DIRECT_POST" && cfg.privacyLevel === undefined) {
      ctx.addIssue({ code: "custom", path: ["privacyLevel"], message: `DIRECT_POST needs privacyLevel (one of ${PRIVACY_LEVELS.join(", ")}): TikTok sets no default` });
    }
    if (cfg.mode === "MEDIA_UPLOAD" && cfg.privacyLevel !== undefined) {
      ctx.addIssue({ code: "custom", path: ["privacyLevel"], message: "privacyLevel applies to DIRECT_POST only: in MEDIA_UPLOAD the creator picks it in the app" });
    }
    const problem = cfg.fallbackImageUrl === undefined ? null : imageHostProblem(cfg.fallbackImageUrl, cfg);
    if (problem) ctx.addIssue({ code: "custom", path: ["fallbackImageUrl"], message: problem });
  });

export type TikTokConfig = z.infer<typeof tiktokConfig>;
