/**
 * The URL a platform that pulls images (ImageLimits.delivery "pull") fetches the post's image
 * from: the article's own, when the fitted image is those very bytes and the platform would take
 * that URL; else one on Crier's public listener (media-shelf.ts). Pure.
 *
 * What any platform takes (https; http only for a local test double): src/net/pullable-url.ts;
 * then the adapter's own host rule (`Adapter.imageUrlProblem`, e.g. a domain verified for the app).
 */
import { pullableUrlProblem } from "../net/pullable-url.js";

export interface PullRules {
  /** `network.allowPrivateAddresses`: http is then taken for a loopback host (a local test double). */
  allowPrivateAddresses: boolean;
  /** The adapter's own rule for this destination (`Adapter.imageUrlProblem`), when it has one. */
  hostProblem?: ((url: string) => string | null) | undefined;
}

/** `url`: hand the platform this URL. `serve`: serve the fitted bytes from the public listener instead, because of this. */
export type PullUrlChoice = { url: string } | { serve: string };

/** Why this platform would not pull from `url`, in words, or null when it would. Pure; never throws. */
export function pullUrlProblem(url: string, rules: PullRules): string | null {
  return pullableUrlProblem(url, rules.allowPrivateAddresses) ?? rules.hostProblem?.(new URL(url).href) ?? null;
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
