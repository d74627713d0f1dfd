import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIp, normalizeIp, parseHostAddress, parseIp } from "./ip-address.js";

/** The WHATWG URL parser prints IPv6 hosts in RFC 5952 form: an independent oracle. */
const viaUrl = (ip: string) => new URL(`http://[${ip}]/`).hostname.slice(1, -1);
const isMapped = (ip: string) => /^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(viaUrl(ip));

describe("parseIp", () => {
  it.each([
    ["0.0.0.0", [0, 0, 0, 0]],
    ["255.255.255.255", [255, 255, 255, 255]],
    ["203.0.113.7", [203, 0, 113, 7]],
  ])("reads IPv4 %s", (text, parts) => {
    expect(parseIp(text)).toEqual({ version: 4, parts });
  });

  it.each([
    "",
    "1.2.3",
    "1.2.3.4.5",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3.-4",
    "1.2.3.4 ",
    "0x7f.0.0.1",
    "1..2.3",
    ":",
    ":::",
    "1:::2",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "12345::1",
    "g::1",
    "::1.2.3",
    "1.2.3.4::",
    "::1.2.3.4:5",
    ":1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:",
    "fe80::1%",
    "fe80::1%a b",
    "[::1]",
  ])("refuses %j", (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  it("reads IPv6 with ::, an embedded IPv4 and a zone", () => {
    expect(parseIp("2001:DB8::1")).toEqual({ version: 6, parts: [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1] });
    expect(parseIp("::")).toEqual({ version: 6, parts: [0, 0, 0, 0, 0, 0, 0, 0] });
    expect(parseIp("1::")).toEqual({ version: 6, parts: [1, 0, 0, 0, 0, 0, 0, 0] });
    expect(parseIp("1:2:3:4:5:6:7::")).toEqual({ version: 6, parts: [1, 2, 3, 4, 5, 6, 7, 0] });
    expect(parseIp("64:ff9b::192.0.2.33")).toEqual({
      version: 6,
      parts: [0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x221],
    });
    expect(parseIp("fe80::1%eth0")).toEqual({ version: 6, parts: [0xfe80, 0, 0, 0, 0, 0, 0, 1] });
  });

  it("unwraps IPv4-mapped IPv6 in either spelling", () => {
    expect(parseIp("::ffff:192.0.2.1")).toEqual({ version: 4, parts: [192, 0, 2, 1] });
    expect(parseIp("::FFFF:c000:0201")).toEqual({ version: 4, parts: [192, 0, 2, 1] });
    expect(parseIp("0:0:0:0:0:ffff:192.0.2.1")).toEqual({ version: 4, parts: [192, 0, 2, 1] });
    // IPv4-compatible (deprecated) and NAT64 addresses are not mapped ones.
    expect(parseIp("::192.0.2.1")?.version).toBe(6);
  });

  it("never throws and agrees with itself after formatting (fuzz)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), (text) => {
        const parsed = parseIp(text);
        if (parsed !== undefined) expect(parseIp(formatIp(parsed))).toEqual(parsed);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("formatIp (RFC 5952)", () => {
  it.each([
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // first of two equal runs
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // a single zero group stays
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"], // the longest run
    ["0:0:0:0:0:0:0:0", "::"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["1:0:0:0:0:0:0:0", "1::"],
    ["FE80::ABCD", "fe80::abcd"],
  ])("%s → %s", (text, expected) => {
    expect(formatIp(parseIp(text) as never)).toBe(expected);
  });

  it("matches the URL parser's canonical form for every IPv6 address (fuzz)", () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const parsed = parseIp(ip);
        expect(parsed).toBeDefined();
        if (!isMapped(ip)) expect(formatIp(parsed as never)).toBe(viaUrl(ip));
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips every IPv4 address (fuzz)", () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(normalizeIp(ip)).toBe(ip);
        expect(normalizeIp(`::ffff:${ip}`)).toBe(ip);
        expect(normalizeIp(`${ip}:8080`)).toBe(ip);
      }),
    );
  });
});

describe("parseHostAddress / normalizeIp", () => {
  it.each([
    ["203.0.113.7:8080", "203.0.113.7"],
    [" 203.0.113.7 ", "203.0.113.7"],
    ["[2001:db8::1]:4711", "2001:db8::1"],
    ["[2001:DB8:0::1]", "2001:db8::1"],
    ["2001:db8::1", "2001:db8::1"],
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["[::ffff:127.0.0.1]:80", "127.0.0.1"],
  ])("%j → %j", (text, expected) => {
    expect(normalizeIp(text)).toBe(expected);
  });

  it.each([
    "[2001:db8::1",
    "[2001:db8::1]:",
    "[2001:db8::1]:port",
    "[2001:db8::1]x",
    "[203.0.113.7]",
    "203.0.113.7:",
    "203.0.113.7:123456",
    "unknown",
    "_hidden",
    "example.com",
    "",
  ])("refuses %j", (text) => {
    expect(parseHostAddress(text)).toBeUndefined();
  });

  it("never throws on any string (fuzz)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const out = normalizeIp(text);
        if (out !== undefined) expect(normalizeIp(out)).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });
});
