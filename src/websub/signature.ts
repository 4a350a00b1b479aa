/**
 * WebSub secrets and signatures (W3C WebSub §5.1 hub.secret, §7.1 authenticated content
 * distribution). Pure, node:crypto only.
 */
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/**
 * The per-subscription secret: derived (HKDF-SHA256) from the operator's master key and the
 * subscription's callback id, so that no secret is ever stored and each subscription has its own.
 * 64 hex characters: under the spec's 200-byte limit.
 */
export function subscriptionSecret(masterKey: string, callbackId: string): string {
  return Buffer.from(hkdfSync("sha256", masterKey, callbackId, "crier websub subscription secret", 32)).toString("hex");
}

/** The algorithms §7.1 names for X-Hub-Signature; anything else is refused. */
const ALGORITHMS = new Set(["sha1", "sha256", "sha384", "sha512"]);

export type SignatureCheck = { ok: true; algorithm: string } | { ok: false; reason: string };

/** Checks `X-Hub-Signature: method=hexdigest` against the exact body bytes. Constant-time. */
export function checkSignature(header: string | string[] | undefined, body: Buffer, secret: string): SignatureCheck {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return { ok: false, reason: "no X-Hub-Signature header (this subscription has a secret)" };
  const eq = value.indexOf("=");
  const algorithm = value.slice(0, eq).trim().toLowerCase();
  const given = value.slice(eq + 1).trim().toLowerCase();
  if (eq < 1 || !ALGORITHMS.has(algorithm)) return { ok: false, reason: `unsupported X-Hub-Signature method "${value.slice(0, Math.max(eq, 0)).slice(0, 20)}"` };
  if (!/^[0-9a-f]+$/.test(given)) return { ok: false, reason: "X-Hub-Signature is not a hex digest" };
  const expected = createHmac(algorithm, secret).update(body).digest();
  const actual = Buffer.from(given, "hex");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return { ok: false, reason: "X-Hub-Signature does not match the body" };
  return { ok: true, algorithm };
}
