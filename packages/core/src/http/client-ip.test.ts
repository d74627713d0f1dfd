import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientIp, compileTrustProxy } from "./client-ip.js";
import { normalizeIp } from "./ip-address.js";

const req = (remoteAddress: string | undefined, headers: Record<string, string> = {}) => ({
  remoteAddress,
  headers: new Headers(headers),
});

describe("clientIp", () => {
  it("trusts no proxy by default: the socket address, headers ignored", () => {
    const r = req("10.0.0.2", { "x-forwarded-for": "198.51.100.7", forwarded: "for=198.51.100.8" });
    expect(clientIp(r)).toBe("10.0.0.2");
    expect(clientIp(r, { trustProxy: 0 })).toBe("10.0.0.2");
    expect(clientIp(r, { trustProxy: [] })).toBe("10.0.0.2");
  });

  it("normalizes the socket address and gives undefined without one", () => {
    expect(clientIp(req("::ffff:127.0.0.1"))).toBe("127.0.0.1");
    expect(clientIp(req("2001:0DB8:0:0::1"))).toBe("2001:db8::1");
    expect(clientIp(req(undefined))).toBeUndefined();
    expect(clientIp(req("/var/run/app.sock"))).toBeUndefined();
  });

  describe("X-Forwarded-For with a hop count", () => {
    const r = req("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.1" });
    it.each([
      [1, "10.0.0.1"],
      [2, "198.51.100.7"],
      [3, "6.6.6.6"],
      [10, "6.6.6.6"],
    ])("trustProxy %i → %s", (hops, expected) => {
      expect(clientIp(r, { trustProxy: hops })).toBe(expected);
    });
  });

  it("walks trusted ranges right to left and stops at the first untrusted address", () => {
    const r = req("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.1" });
    expect(clientIp(r, { trustProxy: ["10.0.0.0/8"] })).toBe("198.51.100.7");
    // The socket itself is not trusted: nothing in the headers counts.
    expect(
      clientIp(req("192.0.2.1", { "x-forwarded-for": "198.51.100.7" }), { trustProxy: ["10.0.0.0/8"] }),
    ).toBe("192.0.2.1");
    expect(clientIp(req("::1", { "x-forwarded-for": "2001:db8::7" }), { trustProxy: ["loopback"] })).toBe(
      "2001:db8::7",
    );
  });

  it("strips ports and brackets and unwraps mapped addresses in the header", () => {
    const r = req("10.0.0.2", {
      "x-forwarded-for": "[2001:DB8::1]:4711, ::ffff:198.51.100.7, 203.0.113.9:443",
    });
    expect(clientIp(r, { trustProxy: 1 })).toBe("203.0.113.9");
    expect(clientIp(r, { trustProxy: 2 })).toBe("198.51.100.7");
    expect(clientIp(r, { trustProxy: 3 })).toBe("2001:db8::1");
  });

  it("stops at garbage and answers with the last trustworthy address", () => {
    const r = req("10.0.0.2", { "x-forwarded-for": "198.51.100.7, not-an-ip, 10.0.0.1" });
    expect(clientIp(r, { trustProxy: 5 })).toBe("10.0.0.1");
    expect(clientIp(req("10.0.0.2", { "x-forwarded-for": "garbage" }), { trustProxy: 1 })).toBe("10.0.0.2");
    expect(clientIp(req("10.0.0.2", { "x-forwarded-for": "" }), { trustProxy: 1 })).toBe("10.0.0.2");
    expect(clientIp(req("10.0.0.2", { "x-forwarded-for": "1.2.3.4,," }), { trustProxy: 2 })).toBe("10.0.0.2");
  });

  it("reads RFC 7239 Forwarded, quoted IPv6 with a port included", () => {
    const r = req("10.0.0.2", {
      forwarded: 'for=192.0.2.43;proto=https, For="[2001:db8:cafe::17]:4711";by=10.0.0.1',
    });
    expect(clientIp(r, { trustProxy: 1 })).toBe("2001:db8:cafe::17");
    expect(clientIp(r, { trustProxy: 2 })).toBe("192.0.2.43");
    expect(clientIp(req("10.0.0.2", { forwarded: 'for="192.0.2.60:8080"' }), { trustProxy: 1 })).toBe(
      "192.0.2.60",
    );
    // quoted-pairs are unescaped; commas and semicolons inside quotes do not split
    expect(
      clientIp(req("10.0.0.2", { forwarded: 'for="[2001:db8::\\1]";ext="a,b;c"' }), { trustProxy: 1 }),
    ).toBe("2001:db8::1");
  });

  it("treats unknown, obfuscated and missing for= nodes as the end of what can be known", () => {
    for (const forwarded of [
      "for=unknown",
      "for=_hidden",
      'for="_x:80"',
      "proto=https",
      "for=",
      'for="[::1',
    ]) {
      expect(clientIp(req("10.0.0.2", { forwarded }), { trustProxy: 3 }), forwarded).toBe("10.0.0.2");
    }
    expect(clientIp(req("10.0.0.2", { forwarded: "for=192.0.2.1, for=unknown" }), { trustProxy: 3 })).toBe(
      "10.0.0.2",
    );
    expect(clientIp(req("10.0.0.2", { forwarded: "for=unknown, for=192.0.2.1" }), { trustProxy: 3 })).toBe(
      "192.0.2.1",
    );
  });

  it("prefers Forwarded over X-Forwarded-For unless told which header the proxies write", () => {
    const r = req("10.0.0.2", { forwarded: "for=192.0.2.1", "x-forwarded-for": "198.51.100.7" });
    expect(clientIp(r, { trustProxy: 1 })).toBe("192.0.2.1");
    expect(clientIp(r, { trustProxy: 1, proxyHeader: "forwarded" })).toBe("192.0.2.1");
    expect(clientIp(r, { trustProxy: 1, proxyHeader: "x-forwarded-for" })).toBe("198.51.100.7");
    const xffOnly = req("10.0.0.2", { "x-forwarded-for": "198.51.100.7" });
    expect(clientIp(xffOnly, { trustProxy: 1 })).toBe("198.51.100.7");
    expect(clientIp(xffOnly, { trustProxy: 1, proxyHeader: "forwarded" })).toBe("10.0.0.2");
  });

  it("with a hop count and no socket address, the missing socket is the first hop", () => {
    expect(clientIp(req(undefined, { "x-forwarded-for": "6.6.6.6, 198.51.100.7" }), { trustProxy: 1 })).toBe(
      "198.51.100.7",
    );
    expect(
      clientIp(req(undefined, { "x-forwarded-for": "198.51.100.7" }), { trustProxy: ["0.0.0.0/0"] }),
    ).toBe(undefined);
  });

  it("refuses bad trustProxy settings with clear errors", () => {
    expect(() => compileTrustProxy(-1)).toThrow(/whole number of hops/);
    expect(() => compileTrustProxy(1.5)).toThrow(/whole number of hops/);
    expect(() => compileTrustProxy(["10.0.0.0/8", "10.0.0.0/40"])).toThrow(/trustProxy: .*"10\.0\.0\.0\/40"/);
    expect(() => clientIp(req("10.0.0.1"), { trustProxy: ["nope"] })).toThrow(TypeError);
  });

  it("survives a header reader that throws", () => {
    const r = {
      remoteAddress: "10.0.0.2",
      headers: {
        get(): string | null {
          throw new Error("boom");
        },
      },
    };
    expect(clientIp(r, { trustProxy: 2 })).toBe("10.0.0.2");
  });
});

describe("clientIp (fuzz)", () => {
  const address = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.ipV4().map((a) => `::ffff:${a}`),
  );
  const entry = fc.oneof(
    address,
    address.map((a) => (a.includes(":") ? `[${a}]:4711` : `${a}:8080`)),
    fc.constantFrom("unknown", "_hidden", "", " ", '"', "[", "]:", "1.2.3", "::g"),
    fc.string({ maxLength: 12 }),
  );
  const forwardedElement = fc.oneof(
    entry.map((e) => `for=${e}`),
    entry.map((e) => `for="${e}"`),
    entry.map((e) => `proto=https;for="${e}";by=x`),
    fc.string({ maxLength: 20 }),
  );
  const headers = fc.record(
    {
      "x-forwarded-for": fc.array(entry, { maxLength: 6 }).map((a) => a.join(",")),
      forwarded: fc.array(forwardedElement, { maxLength: 5 }).map((a) => a.join(", ")),
    },
    { requiredKeys: [] },
  );
  const trust = fc.oneof(
    fc.constant(undefined),
    fc.nat(8),
    fc.subarray(["10.0.0.0/8", "loopback", "::/0", "0.0.0.0/0", "2001:db8::/32", "uniquelocal"]),
  );
  const socket = fc.option(fc.oneof(address, fc.string({ maxLength: 10 })), { nil: undefined });

  /** Every address a header mentions, in any spelling, normalized. */
  const mentioned = (h: Record<string, string>) => {
    const out = new Set<string>();
    const text = `${h["x-forwarded-for"] ?? ""},${h.forwarded ?? ""}`;
    for (const token of text.split(/[,;=" \\]+/)) {
      for (const candidate of [token, token.replace(/^\[|\]$/g, ""), token.replace(/^\[|\](:\d+)?$/g, "")]) {
        const n = normalizeIp(candidate);
        if (n !== undefined) out.add(n);
      }
    }
    return out;
  };

  it("never throws; answers undefined, the socket address, or an address from the headers", () => {
    fc.assert(
      fc.property(socket, headers, trust, (remoteAddress, h, trustProxy) => {
        const result = clientIp(req(remoteAddress, h), { trustProxy });
        if (result === undefined) return;
        const socketIp = remoteAddress === undefined ? undefined : normalizeIp(remoteAddress);
        if (result === socketIp) return;
        expect(mentioned(h).has(result), `${result} not in ${JSON.stringify(h)}`).toBe(true);
        // What comes out is canonical.
        expect(normalizeIp(result)).toBe(result);
      }),
      { numRuns: 3000 },
    );
  });

  it("with no trust, the headers are ignored", () => {
    fc.assert(
      fc.property(
        socket,
        headers,
        fc.constantFrom(undefined, 0, [] as string[]),
        (remoteAddress, h, trustProxy) => {
          const expected = remoteAddress === undefined ? undefined : normalizeIp(remoteAddress);
          expect(clientIp(req(remoteAddress, h), { trustProxy })).toBe(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("a hop count of n never reads further left than n entries", () => {
    fc.assert(
      fc.property(fc.array(fc.ipV4(), { minLength: 1, maxLength: 8 }), fc.nat(10), (chain, hops) => {
        const r = req("10.0.0.2", { "x-forwarded-for": chain.join(", ") });
        const expected = hops === 0 ? "10.0.0.2" : chain[Math.max(0, chain.length - hops)];
        expect(clientIp(r, { trustProxy: hops })).toBe(expected);
      }),
    );
  });
});
