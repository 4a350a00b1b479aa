/** Keeping secrets out of logs, printouts and the database. Pure helpers. */

/** Config keys whose values are secrets wherever they appear (adapters add their own). */
export const SECRET_KEYS = [
  "botToken", "token", "accessToken", "accessSecret", "appKey", "appSecret", "apiKey", "apiSecret",
  "password", "appPassword", "secret", "webhookUrl", "authorization", "Authorization",
] as const;

const MIN_SECRET_LENGTH = 6; // shorter values ("1", "true") would scrub ordinary text

/** Replaces every secret value with [redacted]; `add` teaches it more (a token renewed at run time). */
export interface Scrubber {
  (text: string): string;
  /** Adds values to scrub from now on (shorter than 6 characters: ignored). */
  add(values: readonly string[]): void;
}

/** Returns a function that replaces every secret value (plain, URL-encoded, JSON-escaped) with [redacted]. */
export function createScrubber(secretValues: readonly string[]): Scrubber {
  const needles = new Set<string>();
  let pattern: RegExp | null = null;
  const add = (values: readonly string[]): void => {
    const before = needles.size;
    for (const value of values) {
      if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) continue;
      needles.add(value);
      needles.add(encodeURIComponent(value));
      needles.add(JSON.stringify(value).slice(1, -1));
      needles.add(encodeURIComponent(value).replace(/%20/g, "+"));
    }
    if (needles.size === before) return;
    // Longest first, so that a secret containing another is replaced whole.
    pattern = new RegExp([...needles].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "g");
  };
  add(secretValues);
  const scrub = (text: string): string => (pattern ? text.replace(pattern, "[redacted]") : text);
  return Object.assign(scrub, { add });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
