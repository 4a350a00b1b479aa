import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkSignature, subscriptionSecret } from "./signature.js";

describe("subscriptionSecret", () => {
  it("is derived per subscription: stable, distinct, 64 hex characters (under the spec's 200 bytes), not the master key", () => {
    const a = subscriptionSecret("master-key-0123456789", "cb-one");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(subscriptionSecret("master-key-0123456789", "cb-one")).toBe(a);
    expect(subscriptionSecret("master-key-0123456789", "cb-two")).not.toBe(a);
    expect(subscriptionSecret("another-master-key-99", "cb-one")).not.toBe(a);
  });
});

describe("checkSignature (X-Hub-Signature, WebSub §7.1)", () => {
  const body = Buffer.from("<rss>…ünïcode…</rss>");
  const secret = "s3cret";
  const sign = (alg: string, b = body, key = secret): string => `${alg}=${createHmac(alg, key).update(b).digest("hex")}`;

  it.each(["sha1", "sha256", "sha384", "sha512"])("accepts a correct %s signature of the exact bytes", (alg) => {
    expect(checkSignature(sign(alg), body, secret)).toEqual({ ok: true, algorithm: alg });
    expect(checkSignature(sign(alg).toUpperCase().replace(alg.toUpperCase(), alg), body, secret).ok).toBe(true); // hex case
  });

  it.each([
    ["missing", undefined, /no X-Hub-Signature/],
    ["empty", "", /no X-Hub-Signature/],
    ["wrong key", sign("sha256", body, "other"), /does not match/],
    ["other body", sign("sha256", Buffer.from("<rss/>")), /does not match/],
    ["truncated digest", sign("sha256").slice(0, 40), /does not match/],
    ["unknown method", `md5=${createHmac("md5", secret).update(body).digest("hex")}`, /unsupported/],
    ["no method", createHmac("sha256", secret).update(body).digest("hex"), /unsupported/],
    ["not hex", "sha256=zzzz", /not a hex digest/],
  ])("refuses %s", (_name, header, reason) => {
    const result = checkSignature(header, body, secret);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
