/** Categories to hashtags. Pure. */

/**
 * "Local news" -> "#LocalNews", "Қазақстан" -> "#Қазақстан"; punctuation removed; a tag of
 * digits only is dropped (platforms do not link it). Returns at most `max` unique tags.
 */
export function toHashtags(categories: readonly string[], max = 3): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const category of categories) {
    if (tags.length >= max) break;
    // \p{M}: vowel signs and combining accents are part of a word (Hindi, Thai, decomposed é).
    const words = category.split(/[^\p{L}\p{M}\p{N}_]+/u).filter(Boolean);
    const body = words.map((w) => w.charAt(0).toLocaleUpperCase() + w.slice(1)).join("");
    if (!body || /^[\p{N}_]+$/u.test(body)) continue;
    const key = body.toLocaleLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    tags.push(`#${body}`);
  }
  return tags;
}
