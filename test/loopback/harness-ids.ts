// Ids as the platforms make them: sequential numbers (Telegram's message_id per chat, Mastodon's
// statuses in a small server) and snowflakes (Discord, X: ms since the platform's epoch << 22 | low bits).

/** "1", "2", … (or from `start`); one counter per key when called with a key. */
export function sequentialIds(start = 1): (key?: string) => string {
  const next = new Map<string, number>();
  return (key = "") => {
    const id = next.get(key) ?? start;
    next.set(key, id + 1);
    return String(id);
  };
}

export interface SnowflakeShape {
  /** The platform's epoch, ms since 1970: Discord 1420070400000, X 1288834974657. */
  epochMs: number;
  /** How many low bits the per-millisecond sequence takes: Discord 12, X 22 (the loopback's choice for X). */
  sequenceBits: number;
  /** Fixed bits OR'ed in between the time and the sequence, e.g. Discord's worker and process ids. */
  fixedBits?: bigint;
}

/** The documented shapes. https://discord.com/developers/docs/reference#snowflakes; https://docs.x.com/resources/fundamentals/x-ids. */
export const DISCORD_SNOWFLAKE: SnowflakeShape = { epochMs: 1420070400000, sequenceBits: 12, fixedBits: (1n << 17n) | (1n << 12n) };
export const X_SNOWFLAKE: SnowflakeShape = { epochMs: 1288834974657, sequenceBits: 22 };

/** Snowflake ids, increasing even within one millisecond (the sequence overflows into the next ms). */
export function snowflakeIds(shape: SnowflakeShape): (nowMs?: number) => string {
  const epoch = BigInt(shape.epochMs);
  const maxSeq = (1n << BigInt(shape.sequenceBits)) - 1n;
  let lastMs = 0n;
  let seq = 0n;
  return (nowMs = Date.now()) => {
    let ms = BigInt(Math.floor(nowMs));
    if (ms <= lastMs) {
      ms = lastMs;
      seq += 1n;
      if (seq > maxSeq) {
        ms += 1n;
        seq = 0n;
      }
    } else {
      seq = 0n;
    }
    lastMs = ms;
    return (((ms - epoch) << 22n) | (shape.fixedBits ?? 0n) | seq).toString();
  };
}

/** When a snowflake was made, epoch ms ("(snowflake >> 22) + epoch"). */
export function snowflakeTime(id: string, shape: SnowflakeShape): number {
  return Number((BigInt(id) >> 22n) + BigInt(shape.epochMs));
}
