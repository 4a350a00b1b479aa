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

/**
 * Applies the operator's hashtag table: a category in `ignore` is dropped, one in `map` is
 * replaced by its value (an empty value drops it). Case-insensitive. Pure.
 */
export function mapCategories(categories: readonly string[], map: Readonly<Record<string, string>>, ignore: readonly string[]): string[] {
  const lowerMap = new Map(Object.entries(map).map(([k, v]) => [k.toLocaleLowerCase(), v]));
  const ignored = new Set(ignore.map((c) => c.toLocaleLowerCase()));
  return categories.flatMap((c) => {
    const key = c.toLocaleLowerCase();
    if (ignored.has(key)) return [];
    const mapped = lowerMap.get(key);
    return mapped === undefined ? [c] : mapped ? [mapped] : [];
  });
}
