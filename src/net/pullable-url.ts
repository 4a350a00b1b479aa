/**
 * Whether a platform that pulls images by URL could fetch from a URL at all, by its scheme and
 * host. Pure. Platforms fetch from the public internet, so https (TikTok: "The media URL must use
 * https"; Meta's image_url references only say the image "must be on a public server", and Crier
 * does not rely on http there). Plain http is taken only for a loopback host with
 * `network.allowPrivateAddresses` set: no platform reaches one, so that is a test setup whose
 * "platform" is a local double. A platform's own rules (TikTok's verified domain) come on top.
 */
import { refusedRange } from "./address-range.js";

/** Why no platform would pull from `url`, in words, or null. Pure; never throws. */
export function pullableUrlProblem(url: string, allowPrivateAddresses: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (u.protocol === "https:") return null;
  if (u.protocol !== "http:") return `${u.protocol} URLs cannot be pulled`;
  return allowPrivateAddresses && isLoopback(u.hostname) ? null : `${u.origin} is plain http: platforms pull images over https`;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || refusedRange(host) === "loopback";
}
