/**
 * Exponential backoff with jitter ("equal jitter": half fixed, half random), capped. Pure.
 * Shared by delivery retries and feed-health backoff.
 *
 * @param attempts failures so far (1 for the first); below 1 counts as 1
 * @param base wait after the first failure (ms)
 * @param cap longest wait (ms)
 * @param random a number in [0, 1)
 * @returns the wait in ms, between half the exponential step and the whole of it
 */
export function backoffMs(attempts: number, base: number, cap: number, random: number): number {
  const exp = Math.min(cap, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (exp / 2) * random);
}
