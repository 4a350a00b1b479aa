import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DISTINCT_IDS_PER_MS, TID_SYNTAX, deliveryTid, tidFromParts, tidParts } from "./tid.js";

describe("TIDs", () => {
  it.each<[string, bigint, bigint, string]>([
    // https://atproto.com/specs/tid: 64 bits, big-endian, 5 bits a character; the top bit stays 0.
    ["zero", 0n, 0n, "2222222222222"],
    ["clock id 1", 0n, 1n, "2222222222223"],
    ["clock id 1023 (two characters of 31)", 0n, 1023n, "22222222222zz"],
    ["one microsecond (bit 10)", 1n, 0n, "2222222222322"],
    ["the largest: 2^63 - 1", 2n ** 53n - 1n, 1023n, "bzzzzzzzzzzzz"],
    ["the spec's example TID (2023-06-30T15:03:01.887007Z)", 1_688_137_381_887_007n, 6n, "3jzfcijpj2z2a"],
  ])("%s", (_name, micros, clockId, tid) => {
    expect(tidFromParts(micros, clockId)).toBe(tid);
    expect(tidParts(tid)).toEqual({ micros, clockId });
    expect(tid).toMatch(TID_SYNTAX);
  });

  it("a delivery's key: queuedAt in microseconds plus the id, stable across retries", () => {
    const tid = deliveryTid(1_795_000_000_123, 4_321);
    expect(tid).toMatch(TID_SYNTAX);
    expect(tidParts(tid)).toEqual({ micros: 1_795_000_000_123_321n, clockId: 4n });
    expect(deliveryTid(1_795_000_000_123, 4_321)).toBe(tid);
  });

  it("sorts like the queue time, and keys differ for different deliveries", () => {
    fc.assert(
      fc.property(fc.nat(4_000_000_000_000), fc.nat(4_000_000_000_000), fc.nat(DISTINCT_IDS_PER_MS - 1), fc.nat(DISTINCT_IDS_PER_MS - 1), (t1, t2, d1, d2) => {
        const [a, b] = [deliveryTid(t1, d1), deliveryTid(t2, d2)];
        expect(a).toMatch(TID_SYNTAX);
        if (t1 < t2) expect(a < b).toBe(true);
        if (t1 !== t2 || d1 !== d2) expect(a).not.toBe(b);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([[-1, 1], [1.5, 1], [Number.NaN, 1], [1, -1], [1, 0.5], [9_007_199_254_741, 1]])("refuses queuedAt %s, deliveryId %s", (queuedAt, id) => {
    expect(() => deliveryTid(queuedAt, id)).toThrow(RangeError);
  });

  it("tells what is not a TID", () => {
    expect(tidParts("not-a-tid")).toBeUndefined();
    expect(tidParts("k222222222222")).toBeUndefined(); // top bit set
  });
});
