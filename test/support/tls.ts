/**
 * A test-only certificate authority and a certificate for localhost and 127.0.0.1 (test/support/tls/,
 * made with openssl, valid until 2126): for loopback servers that must speak https (platforms that
 * pull images fetch https URLs only). Never used outside tests.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { rootCertificates } from "node:tls";
import { ROOT } from "./cli.js";

const DIR = path.join(ROOT, "test/support/tls");
/** The CA file: give it to the built CLI as NODE_EXTRA_CA_CERTS. */
export const TEST_CA_FILE = path.join(DIR, "ca.pem");

export function testTls(): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(path.join(DIR, "cert.pem")), key: readFileSync(path.join(DIR, "key.pem")) };
}

/** This test process's fetch (the loopback platforms fetching pulled images) trusts the test CA too. */
export async function trustTestCa(): Promise<void> {
  const { Agent, setGlobalDispatcher } = await import("undici");
  setGlobalDispatcher(new Agent({ connect: { ca: [...rootCertificates, readFileSync(TEST_CA_FILE, "utf8")] } }));
}
