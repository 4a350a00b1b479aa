/**
 * The feed states a SQLite store keeps between polls, compact (issue 17: 10,000 to 100,000 feeds in
 * one process): one slot per feed in columns — times in a Float64Array (NaN: null; Last-Modified
 * too, when it is the HTTP date its time prints back to), digests as their 32 bytes, ETags of
 * quoted hex (most servers': a digest or a version) as their bytes, error texts
 * only for the feeds that have one, each seeded-route set shared by the feeds seeded alike —
 * rather than an object, boxed numbers and strings per feed (~530 B a feed at 10,000 feeds before,
 * ~250 after, measured). `get` builds the FeedState a poll reads, which dies young.
 */
import type { FeedState, PollState } from "../feeds.js";
import { httpDate } from "./http-date.js";

/** Times, in this order, per slot. */
const T = { lastPolledAt: 0, lastOkAt: 1, nextPollAt: 2, demotedAt: 3, freshUntil: 4, heldAt: 5, storedPolledAt: 6, lastModified: 7 } as const;
const TIMES = 8;
/** A slot's kind: what `get` answers for its feed. */
const UNKNOWN = 0; // not cached: read the row
const NONE = 1; // cached: the store knows nothing of the feed (null)
const KNOWN = 2;
const ACCEPT: ReadonlyArray<FeedState["acceptMode"]> = [null, "record", "post"];

export class FeedStateCache {
  private readonly slotOf = new Map<string, number>();
  private size = 0;
  private readonly kind = new Column((n) => new Uint8Array(n)); // bits 0-1: UNKNOWN, NONE, KNOWN; bit 2: hasHistory; bits 3-4: acceptMode's index
  private readonly errorStreak = new Column((n) => new Int32Array(n));
  private readonly times = new Column((n) => new Float64Array(n).fill(NaN), TIMES);
  private readonly bodyHash = new DigestColumn("hex");
  private readonly keysDigest = new DigestColumn("base64url");
  private readonly etag = new EtagColumn();
  private seededRoutes: Array<ReadonlySet<string>> = [];
  // Rare: a Last-Modified that is not a plain HTTP date, a failing or held feed's words.
  private readonly lastModified = new Map<number, string>();
  private readonly lastError = new Map<number, string>();
  private readonly heldReason = new Map<number, string>();

  /**
   * The feed's state (a new object each call), null when the store knows nothing of it, undefined
   * when not cached; `digests` false: without bodyHash and keysDigest (a poll before its fetch).
   */
  get(feedId: string): FeedState | null | undefined;
  get(feedId: string, digests: false): PollState | null | undefined;
  get(feedId: string, digests = true): FeedState | PollState | null | undefined {
    const slot = this.slotOf.get(feedId);
    const kind = slot === undefined ? UNKNOWN : this.kind.get(slot);
    if (slot === undefined || (kind & 3) === UNKNOWN) return undefined;
    if ((kind & 3) === NONE) return null;
    const lastModified = this.time(slot, T.lastModified);
    return {
      feedId,
      etag: this.etag.get(slot),
      lastModified: lastModified === null ? (this.lastModified.get(slot) ?? null) : httpDate(lastModified),
      bodyHash: digests ? this.bodyHash.get(slot) : null, // one object shape either way
      hasHistory: (kind & 4) !== 0,
      heldAt: this.time(slot, T.heldAt),
      heldReason: this.heldReason.get(slot) ?? null,
      acceptMode: ACCEPT[kind >> 3] ?? null,
      lastError: this.lastError.get(slot) ?? null,
      errorStreak: this.errorStreak.get(slot),
      lastPolledAt: this.time(slot, T.lastPolledAt),
      lastOkAt: this.time(slot, T.lastOkAt),
      nextPollAt: this.time(slot, T.nextPollAt),
      demotedAt: this.time(slot, T.demotedAt),
      freshUntil: this.time(slot, T.freshUntil),
      seededRoutes: this.seededRoutes[slot] ?? EMPTY,
      keysDigest: digests ? this.keysDigest.get(slot) : null,
    };
  }

  /** Caches a state as read from the store (null: none); `lastPolledAt` is taken as the stored one. */
  set(feedId: string, state: FeedState | null): void {
    const slot = this.slotFor(feedId);
    this.forgetSlot(slot);
    if (!state) {
      this.kind.set(slot, NONE);
      return;
    }
    this.kind.set(slot, KNOWN | (state.hasHistory ? 4 : 0) | (Math.max(0, ACCEPT.indexOf(state.acceptMode)) << 3));
    this.errorStreak.set(slot, state.errorStreak);
    this.setTime(slot, T.lastPolledAt, state.lastPolledAt);
    this.setTime(slot, T.storedPolledAt, state.lastPolledAt);
    this.setTime(slot, T.lastOkAt, state.lastOkAt);
    this.setTime(slot, T.nextPollAt, state.nextPollAt);
    this.setTime(slot, T.demotedAt, state.demotedAt);
    this.setTime(slot, T.freshUntil, state.freshUntil);
    this.setTime(slot, T.heldAt, state.heldAt);
    this.etag.set(slot, state.etag);
    const date = state.lastModified === null ? NaN : Date.parse(state.lastModified);
    if (!Number.isNaN(date) && httpDate(date) === state.lastModified) this.setTime(slot, T.lastModified, date);
    else if (state.lastModified !== null) this.lastModified.set(slot, state.lastModified);
    if (state.lastError !== null) this.lastError.set(slot, state.lastError);
    if (state.heldReason !== null) this.heldReason.set(slot, state.heldReason);
    this.seededRoutes[slot] = state.seededRoutes;
    this.bodyHash.set(slot, state.bodyHash);
    this.keysDigest.set(slot, state.keysDigest);
  }

  /**
   * True when a successful poll of this cached feed would change only its poll times (healthy,
   * same freshness) and the stored ones are younger than `everyMs`: its row need not be written.
   */
  onlyPollTimesChange(feedId: string, now: number, freshUntil: number | null, everyMs: number): boolean {
    const slot = this.slotOf.get(feedId);
    if (slot === undefined || (this.kind.get(slot) & 3) !== KNOWN) return false;
    const stored = this.time(slot, T.storedPolledAt);
    if (stored === null || now - stored >= everyMs) return false;
    return (
      this.errorStreak.get(slot) === 0 && !this.lastError.has(slot) && this.time(slot, T.nextPollAt) === null &&
      this.time(slot, T.demotedAt) === null && this.time(slot, T.freshUntil) === freshUntil
    );
  }

  /**
   * A successful poll that needed no parse, as `recordPolled` writes it (`written`: its row was
   * rewritten now). False when the feed is not cached (nothing to update).
   */
  polled(feedId: string, now: number, freshUntil: number | null, written: boolean): boolean {
    const slot = this.slotOf.get(feedId);
    if (slot === undefined || (this.kind.get(slot) & 3) !== KNOWN) return false;
    this.setTime(slot, T.lastPolledAt, now);
    this.setTime(slot, T.lastOkAt, now);
    if (written) this.setTime(slot, T.storedPolledAt, now);
    this.lastError.delete(slot);
    this.errorStreak.set(slot, 0);
    this.setTime(slot, T.nextPollAt, null);
    this.setTime(slot, T.demotedAt, null);
    this.setTime(slot, T.freshUntil, freshUntil);
    return true;
  }

  /** Drops the feed's state: the next `get` answers undefined. Its slot stays its own. */
  forget(feedId: string): void {
    const slot = this.slotOf.get(feedId);
    if (slot !== undefined) this.forgetSlot(slot);
  }

  /** What the slot's state referred to goes with it (an error text, a reason, a route set). */
  private forgetSlot(slot: number): void {
    this.kind.set(slot, UNKNOWN);
    for (let field = 0; field < TIMES; field++) this.times.set(slot, NaN, field);
    this.etag.set(slot, null);
    this.seededRoutes[slot] = EMPTY;
    this.lastModified.delete(slot);
    this.lastError.delete(slot);
    this.heldReason.delete(slot);
    this.bodyHash.set(slot, null);
    this.keysDigest.set(slot, null);
  }

  /** Drops every state and slot, and the columns' memory (rare: another process's commit, retention). */
  clear(): void {
    this.slotOf.clear();
    this.size = 0;
    this.kind.clear();
    this.errorStreak.clear();
    this.times.clear();
    this.etag.clear();
    this.seededRoutes = [];
    this.lastModified.clear();
    this.lastError.clear();
    this.heldReason.clear();
    this.bodyHash.clear();
    this.keysDigest.clear();
  }

  private slotFor(feedId: string): number {
    let slot = this.slotOf.get(feedId);
    if (slot === undefined) {
      slot = this.size++;
      // A block more at a time, never a copy (see Column).
      if (slot >= this.kind.capacity) for (const column of [this.kind, this.errorStreak, this.times, this.etag, this.bodyHash, this.keysDigest]) column.grow();
      this.slotOf.set(feedId, slot);
    }
    return slot;
  }

  private time(slot: number, field: number): number | null {
    const t = this.times.get(slot, field);
    return Number.isNaN(t) ? null : t;
  }

  private setTime(slot: number, field: number, value: number | null): void {
    this.times.set(slot, value ?? NaN, field);
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** Strings of one column kept as up to 32 bytes a slot, with a byte of form per slot (0: not in bytes); the rest as they are. */
abstract class PackedStrings {
  protected readonly bytes = new Column((n) => new Uint8Array(n), 32);
  protected readonly form = new Column((n) => new Uint8Array(n));
  protected readonly other = new Map<number, string>();

  abstract get(slot: number): string | null;
  abstract set(slot: number, value: string | null): void;

  grow(): void {
    this.bytes.grow();
    this.form.grow();
  }

  clear(): void {
    this.bytes.clear();
    this.form.clear();
    this.other.clear();
  }
}

/**
 * SHA-256 digests as their 32 bytes (a 64-character hex string is ~90 bytes of heap). A value that
 * is not a canonical digest in this encoding (an older store's, or none) is kept as it is.
 */
class DigestColumn extends PackedStrings {
  constructor(private readonly encoding: "hex" | "base64url") {
    super();
  }

  get(slot: number): string | null {
    if (this.form.get(slot)) return this.bytes.view(slot, 32).toString(this.encoding);
    return this.other.get(slot) ?? null;
  }

  set(slot: number, value: string | null): void {
    this.form.set(slot, 0);
    this.other.delete(slot);
    if (value === null) return;
    const raw = Buffer.from(value, this.encoding);
    if (raw.length === 32 && raw.toString(this.encoding) === value) {
      this.bytes.view(slot, 32).set(raw);
      this.form.set(slot, 1);
    } else this.other.set(slot, value);
  }
}

/**
 * ETags written as quoted lower-case hex (`"d41d8cd9…"`, or weak: `W/"…"`), as most servers make
 * them from a digest, kept as their bytes (up to 32: a 34-character ETag is ~70 bytes of heap as a
 * string and its slot); any other ETag is kept as it is.
 */
class EtagColumn extends PackedStrings {
  // `form` per slot: 0, none in bytes; else the byte count (1-32), plus 64 when weak.
  get(slot: number): string | null {
    const form = this.form.get(slot);
    if (!form) return this.other.get(slot) ?? null;
    const hex = this.bytes.view(slot, form & 63).toString("hex");
    return form & 64 ? `W/"${hex}"` : `"${hex}"`;
  }

  set(slot: number, value: string | null): void {
    this.form.set(slot, 0);
    this.other.delete(slot);
    if (value === null) return;
    const m = /^(W\/)?"((?:[0-9a-f]{2}){1,32})"$/.exec(value);
    if (!m?.[2]) {
      this.other.set(slot, value);
      return;
    }
    this.bytes.view(slot, 32).set(Buffer.from(m[2], "hex"));
    this.form.set(slot, m[2].length / 2 + (m[1] ? 64 : 0));
  }
}

/** Slots per block of a column. */
const BLOCK = 4096;
/**
 * The first block's slots: a config of a few feeds (`crier poll --once` on one) allocates ~10 KB of
 * columns, not a whole block's ~670 KB (and ~1 ms of CPU); the 65th feed brings the first full block.
 */
const FIRST_BLOCK = 64;

/**
 * A typed column, `width` values a slot, in blocks of `BLOCK` slots (the first of `FIRST_BLOCK`): it
 * grows by a block and never copies. A column grown by copying leaves each old array to wait for a
 * full GC (an ArrayBuffer's memory goes with its object): a first cycle of 100,000 feeds had ~80 MB
 * of them at once.
 */
class Column<A extends Uint8Array | Int32Array | Float64Array> {
  private blocks: A[] = [];

  constructor(
    private readonly make: (length: number) => A,
    private readonly width = 1,
  ) {}

  get capacity(): number {
    return this.blocks.length && FIRST_BLOCK + (this.blocks.length - 1) * BLOCK;
  }

  get(slot: number, field = 0): number {
    return this.block(slot)?.[this.offset(slot) * this.width + field] ?? 0;
  }

  set(slot: number, value: number, field = 0): void {
    const block = this.block(slot);
    if (block) block[this.offset(slot) * this.width + field] = value;
  }

  /** The slot's `length` bytes (a Uint8Array column), as a Buffer over the column's memory. */
  view(slot: number, length: number): Buffer {
    const block = this.block(slot) as A;
    return Buffer.from(block.buffer, block.byteOffset + this.offset(slot) * this.width, length);
  }

  grow(): void {
    this.blocks.push(this.make((this.blocks.length ? BLOCK : FIRST_BLOCK) * this.width));
  }

  private block(slot: number): A | undefined {
    return this.blocks[slot < FIRST_BLOCK ? 0 : 1 + Math.floor((slot - FIRST_BLOCK) / BLOCK)];
  }

  private offset(slot: number): number {
    return slot < FIRST_BLOCK ? slot : (slot - FIRST_BLOCK) % BLOCK;
  }

  clear(): void {
    this.blocks = [];
  }
}
