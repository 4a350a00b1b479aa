/**
 * Where a platform that pulls images by URL (`ImageLimits.delivery: "pull"`: Instagram, Threads,
 * TikTok) fetches the fitted image: the article's own image URL when the fitted image is its bytes
 * unchanged and the URL is https. Otherwise none here: a copy served on Crier's public listener
 * takes its place (the pulled-images work replaces this function). Pure.
 */
export function pullUrlFor(source: { readonly bytes: Buffer; readonly url: string }, fitted: { readonly bytes: Buffer }): string | undefined {
  const unchanged = fitted.bytes === source.bytes || fitted.bytes.equals(source.bytes);
  if (!unchanged) return undefined;
  try {
    return new URL(source.url).protocol === "https:" ? source.url : undefined;
  } catch {
    return undefined;
  }
}
