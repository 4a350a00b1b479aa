/** The address guard on real connections: a loopback server that must never be reached while the guard is on. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../core/http.js";
import { createGuardedAgent, PrivateAddressError, privateAddressRefusal } from "./address-guard.js";

let server: http.Server;
let port: number;
const hits: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    res.writeHead(200, { "content-type": "text/plain" }).end("internal answer");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

/** The error a GET through a guarded agent ends with (null: it was answered). */
async function refusal(url: string, allowPrivateAddresses = false): Promise<unknown> {
  const agent = createGuardedAgent({ allowPrivateAddresses });
  try {
    const res = await request(url, { dispatcher: agent, headersTimeout: 3000, bodyTimeout: 3000 });
    await res.body.dump();
    return null;
  } catch (err) {
    return err;
  } finally {
    await agent.close();
  }
}

describe("createGuardedAgent", () => {
  it.each([
    ["a loopback literal", "http://127.0.0.1:PORT/a", /^127\.0\.0\.1 is a private address \(loopback\)$/],
    ["a name resolving to loopback", "http://localhost:PORT/b", /^localhost resolves to a private address \((127\.0\.0\.1|::1), loopback\)$/],
    ["decimal IPv4", "http://2130706433:PORT/c", /127\.0\.0\.1 is a private address/],
    ["hex IPv4", "http://0x7f000001:PORT/d", /127\.0\.0\.1 is a private address/],
    ["dotted hex IPv4", "http://0x7f.1:PORT/e", /127\.0\.0\.1 is a private address/],
    ["octal IPv4", "http://0177.0.0.1:PORT/f", /127\.0\.0\.1 is a private address/],
    ["short IPv4", "http://127.1:PORT/g", /127\.0\.0\.1 is a private address/],
    ["IPv6 loopback", "http://[::1]:PORT/h", /::1 is a private address \(loopback\)/],
    ["IPv4-compatible IPv6", "http://[::127.0.0.1]:PORT/i", /::7f00:1 is a private address \(IPv4-compatible of 127\.0\.0\.1: loopback\)/],
    ["IPv4-mapped IPv6", "http://[::ffff:127.0.0.1]:PORT/j", /::ffff:7f00:1 is a private address \(IPv4-mapped of 127\.0\.0\.1: loopback\)/],
    ["IPv4-mapped private IPv6", "http://[::ffff:10.0.0.1]:PORT/k", /IPv4-mapped of 10\.0\.0\.1: private network/],
    ["the metadata address", "http://169.254.169.254/latest/meta-data", /169\.254\.169\.254 is a private address \(link-local\)/],
    ["the metadata address, IPv4-compatible", "http://[::169.254.169.254]/", /IPv4-compatible of 169\.254\.169\.254: link-local/],
    ["the metadata address, NAT64", "http://[64:ff9b::a9fe:a9fe]/", /NAT64 of 169\.254\.169\.254: link-local/],
    ["loopback over 6to4", "http://[2002:7f00:1::]:PORT/l", /6to4 of 127\.0\.0\.1: loopback/],
    ["a unique-local IPv6", "http://[fd00::1]/", /fd00::1 is a private address \(unique-local\)/],
    ["the unspecified address", "http://0.0.0.0:PORT/m", /0\.0\.0\.0 is a private address \(unspecified\)/],
  ])("refuses %s before connecting (%s)", async (_name, template, message) => {
    const before = hits.length;
    const err = await refusal(template.replace("PORT", String(port)));
    expect(err).toBeInstanceOf(PrivateAddressError);
    expect(privateAddressRefusal(err)?.message).toMatch(message);
    expect(hits.length).toBe(before);
  });

  it("connects to the same addresses when private addresses are allowed", async () => {
    const before = hits.length;
    for (const url of [`http://127.0.0.1:${port}/ok`, `http://2130706433:${port}/ok`, `http://127.1:${port}/ok`]) {
      expect(await refusal(url, true), url).toBeNull();
    }
    expect(hits.slice(before)).toEqual(["/ok", "/ok", "/ok"]);
  });

  it("finds the refusal behind a wrapping error, and nothing in other errors", () => {
    const refused = new PrivateAddressError("hub.example", "10.0.0.1", "private network");
    expect(privateAddressRefusal(new Error("fetch failed", { cause: refused }))).toBe(refused);
    expect(privateAddressRefusal(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBeNull();
    expect(privateAddressRefusal("a string")).toBeNull();
  });
});
