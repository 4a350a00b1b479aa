/**
 * The URL a platform that pulls images (ImageLimits.delivery "pull": Instagram, Threads, TikTok)
 * fetches the post's image from: the article's own, when the fitted image is those very bytes and
 * the platform would take that URL; else one on Crier's public listener (media-shelf.ts). Pure.
 *
 * What a platform takes: it fetches from the public internet, so https (TikTok: "The media URL
 * must use https"; Meta's image_url references only say the image "must be on a public server",
 * and Crier does not rely on http there). Plain http is accepted only for a loopback host, and only
 * when `network.allowPrivateAddresses` is set: no platform can reach one, so that is a test setup
 * whose "platform" is a local double. Then the adapter's own host rule (TikTok: under the domain
 * verified for the app) has its say.
 */
import { refusedRange } from "../net/address-range.js";

export interface PullRules {
  /** `network.allowPrivateAddresses`: http is then taken for a loopback host (a local test double). */
  allowPrivateAddresses: boolean;
  /** The adapter's own rule for this destination (`Adapter.imageUrlProblem`), when it has one. */
  hostProblem?: ((url: string) => string | null) | undefined;
}

/** `url`: hand the platform this URL. `serve`: serve the fitted bytes from the public listener instead, because of this. */
export type PullUrlChoice = { url: string } | { serve: string };

/** Why a platform would not pull from `url`, in words, or null when it would. Pure; never throws. */
export function pullUrlProblem(url: string, rules: PullRules): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (u.protocol === "http:") {
    if (!(rules.allowPrivateAddresses && isLoopback(u.hostname))) return `${u.origin} is plain http: platforms pull images over https`;
  } else if (u.protocol !== "https:") {
    return `${u.protocol} URLs cannot be pulled`;
  }
  return rules.hostProblem?.(u.href) ?? null;
}

/**
 * The article's own image URL when the platform can pull exactly the fitted bytes from it
 * (`unchanged`: fitting kept the downloaded bytes; `sourceUrl`: where they were downloaded from,
 * after redirects, so the platform follows none), else why the image must be served by Crier. Pure.
 */
export function pullUrlFor(image: { unchanged: boolean; sourceUrl: string }, rules: PullRules): PullUrlChoice {
  if (!image.unchanged) return { serve: "the image was fitted to the platform's rules" };
  const problem = pullUrlProblem(image.sourceUrl, rules);
  return problem ? { serve: problem } : { url: image.sourceUrl };
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || refusedRange(host) === "loopback";
}
