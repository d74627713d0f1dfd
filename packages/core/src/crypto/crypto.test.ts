// The backend `#crypto` resolves to in this runtime (WebCrypto under the source condition, in Node and edge).

import { describe, expect, it } from "vitest";
import { backend, digest, hmac, hmacKey, randomBytes, timingSafeEqual } from "#crypto";
import { toHex } from "./encoding.js";
import { HMAC_VECTORS } from "./vectors.js";

describe(`#crypto (${backend})`, () => {
  for (const v of HMAC_VECTORS) {
    it(`HMAC matches ${v.name}`, async () => {
      expect(toHex(await hmac(hmacKey(v.algorithm, v.key), [v.data]))).toBe(v.hex);
    });
  }

  it("hashes the concatenation of parts, strings as UTF-8", async () => {
    const key = hmacKey("SHA-256", new TextEncoder().encode("Jefe"));
    const whole = await hmac(key, ["what do ya want for nothing?"]);
    const split = await hmac(key, ["what do ", new TextEncoder().encode("ya want"), " for nothing?"]);
    expect(toHex(split)).toBe(toHex(whole));
    // The imported key is reused: a second call gives the same answer.
    expect(toHex(await hmac(key, ["what do ya want for nothing?"]))).toBe(toHex(whole));
  });

  it("digests SHA-256", async () => {
    expect(toHex(await digest("SHA-256", "abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("compares bytes: equal, one bit off, other length", () => {
    const a = Uint8Array.from([1, 2, 3, 4]);
    expect(timingSafeEqual(a, Uint8Array.from([1, 2, 3, 4]))).toBe(true);
    expect(timingSafeEqual(a, Uint8Array.from([1, 2, 3, 5]))).toBe(false);
    expect(timingSafeEqual(a, Uint8Array.from([1, 2, 3]))).toBe(false);
  });

  it("gives random bytes of the asked length, beyond one getRandomValues call", () => {
    expect(randomBytes(16).byteLength).toBe(16);
    const big = randomBytes(70_000);
    expect(big.byteLength).toBe(70_000);
    expect(big.some((b) => b !== 0)).toBe(true);
  });
});
