// Snowflake ids as Discord makes them (https://discord.com/developers/docs/reference#snowflakes):
// ms since the Discord epoch (2015-01-01, 1420070400000) << 22 | worker << 17 | process << 12 | increment.
const DISCORD_EPOCH_MS = 1420070400000n;

export class Snowflakes {
  private lastMs = 0n;
  private increment = 0n;

  next(nowMs: number = Date.now()): string {
    let ms = BigInt(Math.floor(nowMs));
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.increment += 1n;
      if (this.increment > 0xfffn) {
        ms += 1n;
        this.increment = 0n;
      }
    } else {
      this.increment = 0n;
    }
    this.lastMs = ms;
    return (((ms - DISCORD_EPOCH_MS) << 22n) | (1n << 17n) | (1n << 12n) | this.increment).toString();
  }
}

/** The creation time of a snowflake, epoch ms ("(snowflake >> 22) + 1420070400000"). */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH_MS);
}
