/** Keeping secrets out of logs, printouts and the database. Pure helpers. */

/** Config keys whose values are secrets wherever they appear (adapters add their own). */
export const SECRET_KEYS = [
  "botToken", "token", "accessToken", "accessSecret", "appKey", "appSecret", "apiKey", "apiSecret",
  "password", "appPassword", "secret", "webhookUrl", "authorization", "Authorization",
] as const;

const MIN_SECRET_LENGTH = 6; // shorter values ("1", "true") would scrub ordinary text

/** Returns a function that replaces every secret value (plain, URL-encoded, JSON-escaped) with [redacted]. */
export function createScrubber(secretValues: readonly string[]): (text: string) => string {
  const needles = new Set<string>();
  for (const value of secretValues) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    needles.add(value);
    needles.add(encodeURIComponent(value));
    needles.add(JSON.stringify(value).slice(1, -1));
    needles.add(encodeURIComponent(value).replace(/%20/g, "+"));
  }
  if (!needles.size) return (text) => text;
  // Longest first, so that a secret containing another is replaced whole.
  const pattern = new RegExp([...needles].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "g");
  return (text) => text.replace(pattern, "[redacted]");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
