import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidrContains, cidrMatcher, formatCidr, parseCidr } from "./cidr.js";
import { parseIp } from "./ip-address.js";

const ip = (text: string) => {
  const parsed = parseIp(text);
  if (parsed === undefined) throw new Error(`bad test address ${text}`);
  return parsed;
};

describe("parseCidr", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["10.1.2.3/8", "10.0.0.0/8"],
    ["192.0.2.7", "192.0.2.7/32"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:DB8::/32", "2001:db8::/32"],
    ["2001:db8:abcd:12ff::/56", "2001:db8:abcd:1200::/56"],
    ["::1", "::1/128"],
    ["::/0", "::/0"],
    ["::ffff:10.0.0.0/104", "10.0.0.0/8"],
    [" 172.16.0.0/12 ", "172.16.0.0/12"],
  ])("%j → %j", (text, expected) => {
    expect(formatCidr(parseCidr(text) as never)).toBe(expected);
  });

  it.each([
    "10.0.0.0/33",
    "::/129",
    "10.0.0.0/",
    "10.0.0.0/08",
    "10.0.0.0/-1",
    "10.0.0/8",
    "x/8",
    "::ffff:0:0/95",
  ])("refuses %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe("cidrMatcher", () => {
  it("matches IPv4 and IPv6 ranges and single addresses", () => {
    const match = cidrMatcher(["192.0.2.0/24", "198.51.100.7", "2001:db8:1234::/48"]);
    expect(match(ip("192.0.2.255"))).toBe(true);
    expect(match(ip("192.0.3.0"))).toBe(false);
    expect(match(ip("198.51.100.7"))).toBe(true);
    expect(match(ip("198.51.100.8"))).toBe(false);
    expect(match(ip("2001:db8:1234:ffff::1"))).toBe(true);
    expect(match(ip("2001:db8:1235::1"))).toBe(false);
    expect(match(ip("::ffff:192.0.2.9"))).toBe(true);
  });

  it("never matches across families", () => {
    expect(cidrMatcher(["0.0.0.0/0"])(ip("::1"))).toBe(false);
    expect(cidrMatcher(["::/0"])(ip("127.0.0.1"))).toBe(false);
  });

  it("knows Express's named ranges", () => {
    const match = cidrMatcher(["loopback", "uniquelocal"]);
    for (const a of ["127.0.0.1", "::1", "10.1.1.1", "172.31.0.1", "192.168.1.1", "fd00::1"]) {
      expect(match(ip(a)), a).toBe(true);
    }
    for (const a of ["172.32.0.1", "8.8.8.8", "fe80::1", "2001:db8::1"]) expect(match(ip(a)), a).toBe(false);
  });

  it("names every bad entry in one clear error", () => {
    expect(() => cidrMatcher(["10.0.0.0/8", "10.0.0.0/33", "localhost"], "ipFilter({ allow })")).toThrow(
      /ipFilter\(\{ allow \}\): not an IP address or CIDR range: "10\.0\.0\.0\/33", "localhost"/,
    );
    expect(() => cidrMatcher("10.0.0.0/8" as never)).toThrow(TypeError);
  });

  it("agrees with a bitwise reference for IPv4 (fuzz)", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (a, b, prefix) => {
        const toInt = (s: string) => s.split(".").reduce((n, o) => n * 256 + Number(o), 0);
        const mask = prefix === 0 ? 0 : Math.floor(2 ** 32 - 2 ** (32 - prefix));
        const expected = (toInt(a) & mask) >>> 0 === (toInt(b) & mask) >>> 0;
        expect(cidrMatcher([`${a}/${prefix}`])(ip(b))).toBe(expected);
        expect(cidrContains(parseCidr(`${a}/${prefix}`) as never, ip(b))).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it("IPv6: an address is in every prefix of itself, and a flipped bit inside the prefix leaves it (fuzz)", () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.integer({ min: 1, max: 128 }), (a, prefix) => {
        const parsed = ip(a);
        fc.pre(parsed.version === 6);
        const range = parseCidr(`${a}/${prefix}`);
        expect(range).toBeDefined();
        expect(cidrContains(range as never, parsed)).toBe(true);
        const bit = prefix - 1;
        const parts = [...parsed.parts];
        parts[bit >> 4] = (parts[bit >> 4] as number) ^ (1 << (15 - (bit & 15)));
        expect(cidrContains(range as never, { version: 6, parts })).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
