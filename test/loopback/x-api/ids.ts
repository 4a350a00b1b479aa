// Snowflake-like numeric string ids, the shape X uses for Post and media ids
// (64-bit: ms since the Twitter epoch << 22 | sequence).
// https://docs.x.com/resources/fundamentals/x-ids ("64-bit unsigned integers ... returned as strings")
const TWITTER_EPOCH_MS = 1288834974657n;

export class SnowflakeIds {
  private lastMs = 0n;
  private seq = 0n;

  next(nowMs: number = Date.now()): string {
    let ms = BigInt(Math.floor(nowMs));
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.seq += 1n;
      if (this.seq > 0x3fffffn) {
        ms += 1n;
        this.seq = 0n;
      }
    } else {
      this.seq = 0n;
    }
    this.lastMs = ms;
    return (((ms - TWITTER_EPOCH_MS) << 22n) | this.seq).toString();
  }
}
