/**
 * Feed dates to ISO 8601 UTC: RFC 822/1123/850 (RSS) and ISO 8601/RFC 3339 (Atom, dc:date,
 * JSON Feed). Anything else is null: `Date.parse` alone would read "1" or "Week 5" as a date.
 */

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
  // Publishers write RFC 822 dates with their own language's month names ("Seg, 24 Set 2018"):
  // the first three letters, accents dropped, where they name one month in de, es, fr, it, nl, pt.
  ene: 1, gen: 1, fev: 2, mrt: 3, abr: 4, avr: 4, mai: 5, mag: 5, mei: 5, giu: 6, lug: 7, ago: 8, aou: 8,
  set: 9, okt: 10, out: 10, ott: 10, dic: 12, dez: 12,
};
/** French juin/juillet share "jui". */
const FOUR_LETTER_MONTHS: Record<string, number> = { juin: 6, juil: 7 };

/** RFC 822 §5.1 zones, plus the UTC spellings seen in feeds. Minutes east of UTC. */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};

// [weekday in any language,] day month year [hh:mm[:ss]] [zone]; "-" separators are RFC 850.
const RFC822 =
  /^(?:[\p{L}.]+,?\s+)?(\d{1,2})[\s-]+(\p{L}{3,10})\.?[\s-]+(\d{2}|\d{4})(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*([+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?\s*(?:\([^)]*\))?$/u;
const ISO8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Parses an RSS or Atom date. Pure; null when the value is missing or not a real date. */
export function parseFeedDate(value: string | null | undefined): string | null {
  const text = value?.trim();
  if (!text) return null;
  const iso = ISO8601.exec(text);
  if (iso) return build(iso[1], Number(iso[2]), iso[3], iso[4], iso[5], iso[6], iso[7] ?? "Z");
  const rfc = RFC822.exec(text);
  if (rfc) {
    const month = monthNumber(rfc[2] ?? "");
    if (!month) return null;
    const year = rfc[3]?.length === 2 ? twoDigitYear(Number(rfc[3])) : rfc[3];
    return build(year, month, rfc[1], rfc[4], rfc[5], rfc[6], rfc[7] ?? "GMT");
  }
  return null;
}

function monthNumber(name: string): number | undefined {
  const plain = name.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  return FOUR_LETTER_MONTHS[plain.slice(0, 4)] ?? MONTHS[plain.slice(0, 3)];
}

function twoDigitYear(yy: number): string {
  return String(yy < 50 ? 2000 + yy : 1900 + yy); // RFC 2822 §4.3
}

function build(
  year: string | undefined,
  month: number,
  day: string | undefined,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
  zone: string,
): string | null {
  const [y, d, h, mi, s] = [Number(year), Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0)];
  if (month < 1 || month > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return null;
  const offset = zoneOffset(zone);
  if (offset === null) return null;
  const time = Date.UTC(y, month - 1, d, h, mi, Math.min(s, 59)) - offset * 60_000;
  // Date.UTC rolls 31 June over to 1 July: a day that does not exist in its month is not a date.
  if (new Date(Date.UTC(y, month - 1, d)).getUTCDate() !== d || Number.isNaN(time)) return null;
  return new Date(time).toISOString();
}

/** Minutes east of UTC; unknown alphabetic zones count as UTC (RFC 2822 §4.3: treat as "-0000"). */
function zoneOffset(zone: string): number | null {
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? 0);
    if (Number(numeric[2]) > 23 || Number(numeric[3] ?? 0) > 59) return null;
    return numeric[1] === "-" ? -minutes : minutes;
  }
  return ZONES[zone.toLowerCase()] ?? 0;
}
