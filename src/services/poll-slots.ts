/**
 * The polling pool's slots: a counter and a queue of plain functions. A poll takes a slot and gives
 * it back; nothing per poll but the count (p-limit made ~6 promises and as many microtask turns a
 * poll, about what the rest of a 304 costs outside undici).
 */
export class PollSlots {
  private active = 0;
  /** Functions to call when a slot is given back (each cycle waiting for one queues its own once). */
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {}

  /** Slots taken now. */
  get inUse(): number {
    return this.active;
  }

  /** Takes a slot when one is free; false when all are taken (then `whenFree`). */
  tryTake(): boolean {
    if (this.active >= this.size) return false;
    this.active++;
    return true;
  }

  /** Calls `wake` once, when a slot is given back; it calls `tryTake` itself (and may find none). */
  whenFree(wake: () => void): void {
    this.waiting.push(wake);
  }

  /** Gives a slot back: wakes the waiting functions, first come first, while slots are free. */
  release(): void {
    this.active--;
    while (this.active < this.size && this.waiting.length) this.waiting.shift()?.();
  }
}
