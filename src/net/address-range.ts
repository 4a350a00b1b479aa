/**
 * Which IP addresses a feed may make Crier connect to: public unicast only. Pure.
 *
 * An IPv6 address that embeds an IPv4 one (IPv4-compatible, IPv4-mapped, IPv4-translated, NAT64,
 * 6to4, Teredo) is judged by the IPv4 address it carries, since a host or a translator on the way
 * delivers to that address: `[::127.0.0.1]` is loopback, `[64:ff9b::8.8.8.8]` (DNS64) is public.
 */
import ipaddr from "ipaddr.js";

type IP = ipaddr.IPv4 | ipaddr.IPv6;

const cidr = (text: string): [ipaddr.IPv6, number] => ipaddr.IPv6.parseCIDR(text);

/** IPv6 forms whose last 32 bits are an IPv4 address. */
const LAST_32_BITS: ReadonlyArray<[string, [ipaddr.IPv6, number]]> = [
  ["IPv4-mapped", cidr("::ffff:0:0/96")], // RFC 4291 §2.5.5.2
  ["IPv4-translated", cidr("::ffff:0:0:0/96")], // RFC 6145 (SIIT)
  ["IPv4-compatible", cidr("::/96")], // RFC 4291 §2.5.5.1 (deprecated, still routed by some stacks)
  ["NAT64", cidr("64:ff9b::/96")], // RFC 6052 well-known prefix
];
const SIX_TO_FOUR = cidr("2002::/16"); // RFC 3056: the IPv4 address in bits 16-47
const TEREDO = cidr("2001::/32"); // RFC 4380: server IPv4 in bits 32-63, client IPv4 inverted in bits 96-127
/** RFC 8215: a translator prefix local to one network, where the IPv4 address sits depends on the prefix length chosen. */
const LOCAL_NAT64 = cidr("64:ff9b:1::/48");
/** RFC 4291: global unicast; anything outside it (and not embedding IPv4) is not on the public internet. */
const GLOBAL_UNICAST = cidr("2000::/3");

/** ipaddr.js range names, in words. */
const RANGE_WORDS: Readonly<Record<string, string>> = {
  unspecified: "unspecified",
  broadcast: "broadcast",
  multicast: "multicast",
  linkLocal: "link-local",
  loopback: "loopback",
  carrierGradeNat: "carrier-grade NAT",
  private: "private network",
  reserved: "reserved or documentation",
  uniqueLocal: "unique-local",
  deprecatedSiteLocal: "site-local",
  discard: "discard-only",
  benchmarking: "benchmarking",
};

/**
 * Why `address` (an IP address in any form ipaddr.js parses) is not a public unicast address, in a
 * few words ("loopback", "NAT64 of 10.0.0.1: private network"), or null when it is one.
 * Pure; never throws: what does not parse as an address is refused.
 */
export function refusedRange(address: string): string | null {
  const ip = parse(address);
  if (!ip) return "not an IP address";
  return ip.kind() === "ipv4" ? ipv4Refusal(ip as ipaddr.IPv4) : ipv6Refusal(ip as ipaddr.IPv6);
}

function parse(address: string): IP | null {
  try {
    if (!address.includes(":")) return ipaddr.IPv4.parse(address);
    // ipaddr.js reads a dotted tail as IPv4-mapped ("::127.0.0.1" as ::ffff:7f00:1): the URL parser,
    // the one connections go through, writes it in hex first. A zone ("%eth0") is not part of the address.
    const bare = address.split("%")[0] ?? "";
    return ipaddr.IPv6.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1));
  } catch {
    return null;
  }
}

/** True for addresses a feed must not make Crier connect to (see {@link refusedRange}). Pure. */
export function isPrivateAddress(address: string): boolean {
  return refusedRange(address) !== null;
}

function ipv4Refusal(ip: ipaddr.IPv4): string | null {
  const range = ip.range();
  return range === "unicast" ? null : (RANGE_WORDS[range] ?? range);
}

function ipv6Refusal(ip: ipaddr.IPv6): string | null {
  const range = ip.range();
  // :: and ::1 fall inside ::/96 too, but are IPv6's own unspecified and loopback addresses.
  if (range === "unspecified" || range === "loopback") return RANGE_WORDS[range] ?? range;
  if (ip.match(LOCAL_NAT64)) return "local-use NAT64 (64:ff9b:1::/48)";
  for (const [form, prefix] of LAST_32_BITS) {
    if (ip.match(prefix)) return embeddedRefusal(form, [ipv4From(ip.parts[6], ip.parts[7])]);
  }
  if (ip.match(SIX_TO_FOUR)) return embeddedRefusal("6to4", [ipv4From(ip.parts[1], ip.parts[2])]);
  if (ip.match(TEREDO)) {
    // The client's address is stored inverted ("obfuscated"); the server's as it is.
    const client = ipv4From(~(ip.parts[6] ?? 0) & 0xffff, ~(ip.parts[7] ?? 0) & 0xffff);
    return embeddedRefusal("Teredo", [ipv4From(ip.parts[2], ip.parts[3]), client]);
  }
  if (range !== "unicast") return RANGE_WORDS[range] ?? range;
  return ip.match(GLOBAL_UNICAST) ? null : "not global unicast (outside 2000::/3)";
}

function embeddedRefusal(form: string, embedded: ipaddr.IPv4[]): string | null {
  for (const v4 of embedded) {
    const why = ipv4Refusal(v4);
    if (why) return `${form} of ${v4.toString()}: ${why}`;
  }
  return null;
}

function ipv4From(high: number | undefined, low: number | undefined): ipaddr.IPv4 {
  const h = high ?? 0;
  const l = low ?? 0;
  return new ipaddr.IPv4([h >> 8, h & 0xff, l >> 8, l & 0xff]);
}
