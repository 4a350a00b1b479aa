/**
 * An HTTP date (RFC 9110 IMF-fixdate, as `Date#toUTCString` prints it) from epoch ms, by arithmetic.
 * The feed-state cache keeps a feed's Last-Modified as a time and prints it back for every
 * conditional request: `new Date(t).toUTCString()` cost ~1.5 µs a poll, this ~0.3. Pure.
 */
const WEEKDAYS = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // day 0 (1970-01-01) was a Thursday
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, "0"));
const DAY_MS = 86_400_000;

/**
 * `new Date(ms).toUTCString()` for whole seconds of the years 1000 to 9999 (what an HTTP date can
 * say); null for any other time (the caller keeps such a Last-Modified as text).
 */
export function httpDate(ms: number): string | null {
  if (!Number.isInteger(ms) || ms % 1000 !== 0 || ms < -30_610_224_000_000 || ms >= 253_402_300_800_000) return null;
  const days = Math.floor(ms / DAY_MS);
  const secs = (ms - days * DAY_MS) / 1000;
  // Days to a civil date (Howard Hinnant's days_from_civil, inverted): eras of 400 years from 0000-03-01.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(secs / 3600);
  const minutes = Math.floor((secs % 3600) / 60);
  return `${WEEKDAYS[((days % 7) + 7) % 7]}, ${TWO_DIGITS[day]} ${MONTHS[month - 1]} ${year} ${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[secs % 60]} GMT`;
}
