import { describe, expect, it } from "vitest";
import { isPrivateAddress, refusedRange } from "./address-range.js";

describe("refusedRange", () => {
  it.each([
    // IPv4: every non-public range, in its canonical form
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.1.2.3", "private network"],
    ["172.16.0.1", "private network"],
    ["172.31.255.255", "private network"],
    ["192.168.1.1", "private network"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["255.255.255.255", "broadcast"],
    ["224.0.0.1", "multicast"],
    ["192.0.2.1", "reserved or documentation"],
    ["198.18.0.1", "reserved or documentation"],
    ["240.0.0.1", "reserved or documentation"],
    // IPv4 in the forms ipaddr.js (and inet_aton) read: decimal, hex, octal, short
    ["2130706433", "loopback"],
    ["0x7f000001", "loopback"],
    ["0177.0.0.1", "loopback"],
    ["0x7f.0.0.1", "loopback"],
    ["127.1", "loopback"],
    ["012.0.0.1", "private network"],
    ["3232235777", "private network"],
    // IPv6's own ranges
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fd00::1", "unique-local"],
    ["fc12:3456::1", "unique-local"],
    ["fec0::1", "site-local"],
    ["ff02::1", "multicast"],
    ["100::1", "discard-only"],
    ["2001:db8::1", "reserved or documentation"],
    ["4000::1", "not global unicast (outside 2000::/3)"],
    // IPv6 forms that embed a non-public IPv4 address
    ["::127.0.0.1", "IPv4-compatible of 127.0.0.1: loopback"],
    ["::7f00:1", "IPv4-compatible of 127.0.0.1: loopback"],
    ["::169.254.169.254", "IPv4-compatible of 169.254.169.254: link-local"],
    ["::a00:1", "IPv4-compatible of 10.0.0.1: private network"],
    ["::ffff:127.0.0.1", "IPv4-mapped of 127.0.0.1: loopback"],
    ["::ffff:10.0.0.1", "IPv4-mapped of 10.0.0.1: private network"],
    ["::ffff:a9fe:a9fe", "IPv4-mapped of 169.254.169.254: link-local"],
    ["::ffff:0:7f00:1", "IPv4-translated of 127.0.0.1: loopback"],
    ["64:ff9b::a9fe:a9fe", "NAT64 of 169.254.169.254: link-local"],
    ["64:ff9b::127.0.0.1", "NAT64 of 127.0.0.1: loopback"],
    ["64:ff9b::c0a8:101", "NAT64 of 192.168.1.1: private network"],
    ["64:ff9b:1::808:808", "local-use NAT64 (64:ff9b:1::/48)"],
    ["2002:7f00:1::", "6to4 of 127.0.0.1: loopback"],
    ["2002:a9fe:a9fe::1", "6to4 of 169.254.169.254: link-local"],
    ["2002:c0a8:101:1::1", "6to4 of 192.168.1.1: private network"],
    // Teredo: server 65.54.227.120, client 127.0.0.1 stored inverted (80ff:fffe)
    ["2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo of 127.0.0.1: loopback"],
    // Teredo with a private server address
    ["2001:0:a00:1:8000:63bf:3fff:fdd2", "Teredo of 10.0.0.1: private network"],
    ["not an address", "not an IP address"],
    ["", "not an IP address"],
  ])("%s is refused: %s", (address, why) => {
    expect(refusedRange(address)).toBe(why);
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    ["8.8.8.8"],
    ["93.184.215.14"],
    ["1.1.1.1"],
    ["172.32.0.1"], // just past 172.16.0.0/12
    ["100.128.0.1"], // just past 100.64.0.0/10
    ["2606:4700::1111"],
    ["2a00:1450:4001:80b::200e"],
    ["::ffff:8.8.8.8"],
    ["64:ff9b::808:808"], // NAT64 of 8.8.8.8, what DNS64 answers on an IPv6-only host
    ["2002:808:808::1"], // 6to4 of 8.8.8.8
    ["2001:0:4136:e378:8000:63bf:f7f7:f7f7"], // Teredo: server 65.54.227.120, client 8.8.8.8
  ])("%s is public", (address) => {
    expect(refusedRange(address)).toBeNull();
    expect(isPrivateAddress(address)).toBe(false);
  });
});
