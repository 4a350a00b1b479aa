/**
 * Record keys derived from the delivery, so that a retried send writes to the same record.
 *
 * A TID (https://atproto.com/specs/tid) is a 64-bit integer: top bit 0, then 53 bits of
 * microseconds since the UNIX epoch, then a 10-bit clock identifier; written as 13 characters of
 * base32-sortable (`234567abcdefghijklmnopqrstuvwxyz`), so that keys sort by time.
 * `app.bsky.feed.post` records use TID keys (lexicon `"key": "tid"`). Pure.
 */

const S32 = "234567abcdefghijklmnopqrstuvwxyz";
const MAX_MICROS = 2n ** 53n - 1n;

/** Deliveries queued in the same millisecond get distinct keys unless their ids differ by a multiple of this. */
export const DISTINCT_IDS_PER_MS = 1000 * 1024;

/**
 * The TID for one delivery: microseconds = `queuedAt` (ms) × 1000 + `deliveryId` mod 1000, clock
 * id = ⌊`deliveryId` / 1000⌋ mod 1024. Stable across retries (both inputs are), within a
 * millisecond of when the delivery was queued, and distinct for two deliveries unless they were
 * queued in the same millisecond with ids 1,024,000 apart.
 * @throws RangeError for a negative, fractional or out-of-range input.
 */
export function deliveryTid(queuedAt: number, deliveryId: number): string {
  if (!Number.isSafeInteger(queuedAt) || queuedAt < 0) throw new RangeError(`queuedAt must be epoch milliseconds, got ${queuedAt}`);
  if (!Number.isSafeInteger(deliveryId) || deliveryId < 0) throw new RangeError(`deliveryId must be a non-negative integer, got ${deliveryId}`);
  const micros = BigInt(queuedAt) * 1000n + BigInt(deliveryId % 1000);
  if (micros > MAX_MICROS) throw new RangeError(`queuedAt ${queuedAt} is beyond what a TID can hold`);
  const clockId = BigInt(Math.floor(deliveryId / 1000) % 1024);
  return tidFromParts(micros, clockId);
}

/** Encodes microseconds (53 bits) and a clock id (10 bits) as a 13-character TID. */
export function tidFromParts(micros: bigint, clockId: bigint): string {
  let n = (micros << 10n) | clockId;
  let out = "";
  for (let i = 0; i < 13; i++) {
    out = S32.charAt(Number(n & 31n)) + out;
    n >>= 5n;
  }
  return out;
}

/** The microseconds and clock id of a TID; undefined when `tid` is not one. */
export function tidParts(tid: string): { micros: bigint; clockId: bigint } | undefined {
  if (!TID_SYNTAX.test(tid)) return undefined;
  let n = 0n;
  for (const c of tid) n = (n << 5n) | BigInt(S32.indexOf(c));
  return { micros: n >> 10n, clockId: n & 1023n };
}

/** https://atproto.com/specs/tid: the first character keeps the top bit 0. */
export const TID_SYNTAX = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
