import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { API_KEY_CHECKSUM_LENGTH, apiKeys, crc32 } from "./api-keys.js";

describe("apiKeys", () => {
  it("generates <prefix>_<id>_<secret><checksum> with the hash of the secret", async () => {
    const { key, id, hash } = await apiKeys.generate({ prefix: "acme" });
    expect(key).toMatch(/^acme_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}$/);
    expect(key.split("_")[1]).toBe(id);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await apiKeys.hash(key)).toBe(hash);
    expect(await apiKeys.verify(key, hash)).toBe(true);
    expect(key).not.toContain(hash);
  });

  it("never generates the same key twice in a batch", async () => {
    const keys = await Promise.all(Array.from({ length: 200 }, () => apiKeys.generate({ prefix: "k" })));
    expect(new Set(keys.map((k) => k.key)).size).toBe(200);
    expect(new Set(keys.map((k) => k.id)).size).toBe(200);
  });

  it("computes CRC-32 (IEEE) correctly", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(crc32("")).toBe(0);
  });

  it("rejects any single-character typo through the checksum, without a lookup", async () => {
    const { key, hash } = await apiKeys.generate({ prefix: "acme" });
    const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: key.length - 1 }),
        fc.integer({ min: 1, max: 61 }),
        (i, shift) => {
          const c = key[i] as string;
          if (c === "_") return;
          const typo = key.slice(0, i) + alphabet[(alphabet.indexOf(c) + shift) % 62] + key.slice(i + 1);
          expect(apiKeys.parse(typo)).toBeUndefined();
        },
      ),
    );
    expect(await apiKeys.verify(`${key}x`, hash)).toBe(false);
    expect(await apiKeys.verify(key, "not a hash")).toBe(false);
  });

  it("refuses garbage without throwing", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(apiKeys.parse(s)).toBeUndefined();
      }),
    );
    expect(apiKeys.parse("acme__")).toBeUndefined();
    expect(apiKeys.parse(null as never)).toBeUndefined();
  });

  it("checks the prefix rule", async () => {
    await expect(apiKeys.generate({ prefix: "Bad_Prefix" })).rejects.toThrow(TypeError);
    await expect(apiKeys.generate({ prefix: "" })).rejects.toThrow(TypeError);
    const { key } = await apiKeys.generate({ prefix: "sk" });
    expect(apiKeys.parse(key, "pk")).toBeUndefined();
    expect(apiKeys.parse(key, "sk")?.prefix).toBe("sk");
    expect(key.slice(-API_KEY_CHECKSUM_LENGTH)).toMatch(/^[0-9A-Za-z]{6}$/);
  });

  it("fingerprints without revealing the key", async () => {
    const { key } = await apiKeys.generate({ prefix: "acme" });
    const fp = await apiKeys.fingerprint(key);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(key).not.toContain(fp);
  });
});
