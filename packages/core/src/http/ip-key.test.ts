import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidrContains, parseCidr } from "./cidr.js";
import { parseIp } from "./ip-address.js";
import { ipKey } from "./ip-key.js";

describe("ipKey", () => {
  it("keeps IPv4 whole, canonical", () => {
    expect(ipKey("203.0.113.7")).toBe("203.0.113.7");
    expect(ipKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("groups IPv6 by a /56 by default", () => {
    expect(ipKey("2001:db8:aa:bbcc:1:2:3:4")).toBe("2001:db8:aa:bb00::/56");
    expect(ipKey("2001:DB8:AA:BBFF::9")).toBe("2001:db8:aa:bb00::/56");
    expect(ipKey("2001:db8:aa:bc00::1")).toBe("2001:db8:aa:bc00::/56");
  });

  it.each([
    [48, "2001:db8:aa::/48"],
    [64, "2001:db8:aa:bbcc::/64"],
    [60, "2001:db8:aa:bbc0::/60"],
    [128, "2001:db8:aa:bbcc:1:2:3:4/128"],
    [1, "::/1"],
  ])("ipv6Subnet %i", (ipv6Subnet, expected) => {
    expect(ipKey("2001:db8:aa:bbcc:1:2:3:4", { ipv6Subnet })).toBe(expected);
  });

  it("returns text that is not an address unchanged, and refuses a bad subnet", () => {
    expect(ipKey("unknown")).toBe("unknown");
    expect(() => ipKey("::1", { ipv6Subnet: 0 })).toThrow(RangeError);
    expect(() => ipKey("::1", { ipv6Subnet: 129 })).toThrow(RangeError);
    expect(() => ipKey("::1", { ipv6Subnet: 56.5 })).toThrow(RangeError);
  });

  it("one key per prefix: the key is a range that holds the address, same for its neighbours (fuzz)", () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.integer({ min: 1, max: 128 }), (ip, ipv6Subnet) => {
        const parsed = parseIp(ip);
        if (parsed?.version !== 6) return;
        const key = ipKey(ip, { ipv6Subnet });
        const range = parseCidr(key);
        expect(range?.prefix).toBe(ipv6Subnet);
        expect(cidrContains(range as never, parsed)).toBe(true);
        // The last address of the same prefix shares the key.
        const last = parsed.parts.map((g, i) => {
          const keep = Math.min(16, Math.max(0, ipv6Subnet - i * 16));
          return keep === 16 ? g : g | (0xffff >> keep);
        });
        const lastText = last.map((g) => g.toString(16)).join(":");
        // ::ffff:0:0/96 holds IPv4-mapped addresses, which are IPv4 clients and keyed as such by design.
        if (parseIp(lastText)?.version === 4) return;
        expect(ipKey(lastText, { ipv6Subnet })).toBe(key);
      }),
    );
  });

  it("an IPv4-mapped address is an IPv4 client, even at the end of an IPv6 prefix", () => {
    expect(ipKey("::ffff:255.255.255.255", { ipv6Subnet: 80 })).toBe("255.255.255.255");
    expect(ipKey("::0:0", { ipv6Subnet: 80 })).toBe("::/80");
  });
});
