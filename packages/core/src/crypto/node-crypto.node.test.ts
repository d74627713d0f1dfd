// The node:crypto backend (chosen by the `node`/`bun`/`deno` conditions in the built package) must agree with
// the published vectors and with the WebCrypto backend on arbitrary input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "./encoding.js";
import * as node from "./node-crypto.node.js";
import { HMAC_VECTORS } from "./vectors.js";
import * as web from "./web-crypto.js";

describe("node:crypto backend", () => {
  it("is the node backend", () => expect(node.backend).toBe("node"));

  for (const v of HMAC_VECTORS) {
    it(`HMAC matches ${v.name}`, () => {
      expect(toHex(node.hmac(node.hmacKey(v.algorithm, v.key), [v.data]))).toBe(v.hex);
    });
  }

  it("agrees with WebCrypto on arbitrary keys, parts and algorithms", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("SHA-1" as const, "SHA-256" as const, "SHA-512" as const),
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.array(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 100 })), { maxLength: 4 }),
        async (algorithm, key, parts) => {
          const a = node.hmac(node.hmacKey(algorithm, key), parts);
          expect(toHex(node.hmacStreamed(node.hmacKey(algorithm, key), parts))).toBe(toHex(a));
          const b = await web.hmac(web.hmacKey(algorithm, key), parts);
          expect(toHex(a)).toBe(toHex(b));
          expect(toHex(node.digest(algorithm, parts[0] ?? ""))).toBe(
            toHex(await web.digest(algorithm, parts[0] ?? "")),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it("agrees on messages around and beyond the one-shot limit, and keeps working after a large one", async () => {
    const key = node.hmacKey("SHA-256", new TextEncoder().encode("k"));
    const wkey = web.hmacKey("SHA-256", new TextEncoder().encode("k"));
    for (const size of [0, 1, 4095, 4096, 20_000, 64 * 1024, 200_000]) {
      const body = "é".repeat(size >> 1);
      expect(toHex(node.hmac(key, ["t.", body]))).toBe(toHex(await web.hmac(wkey, ["t.", body])));
    }
    expect(toHex(node.hmac(key, ["x"]))).toBe(toHex(await web.hmac(wkey, ["x"])));
  });

  it("compares with timingSafeEqual, false on other lengths instead of throwing", () => {
    expect(node.timingSafeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(node.timingSafeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(node.timingSafeEqual(Uint8Array.of(1, 2), Uint8Array.of(1))).toBe(false);
    // Short inputs go through the reused off-heap area, long ones straight to the native call: both decide on every byte.
    for (const length of [32, 127, 128, 4096]) {
      const a = new Uint8Array(length).fill(7);
      const b = a.slice();
      expect(node.timingSafeEqual(a, b)).toBe(true);
      b[length - 1] = 8;
      expect(node.timingSafeEqual(a, b)).toBe(false);
      b[length - 1] = 7;
      b[0] = 0;
      expect(node.timingSafeEqual(a, b)).toBe(false);
    }
    expect(node.randomBytes(5)).toHaveLength(5);
  });

  it("compares any lengths, below and above the reused compare area, one after another, exactly", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 80 }).map((a) => [a, a.slice()] as const),
            fc.tuple(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 })),
            fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.nat()).map(([a, i]) => {
              const b = a.slice();
              b[i % b.length] = ((b[i % b.length] as number) + 1) & 255;
              return [a, b] as const;
            }),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        (pairs) => {
          for (const [a, b] of pairs) {
            const before = [toHex(a), toHex(b)];
            expect(node.timingSafeEqual(a, b)).toBe(toHex(a) === toHex(b));
            expect([toHex(a), toHex(b)]).toEqual(before);
          }
        },
      ),
    );
  });
});
