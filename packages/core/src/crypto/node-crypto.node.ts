// The node:crypto backend of `#crypto`, chosen by the `node`, `bun` and `deno` import conditions. On Node a
// 1 KiB HMAC through `crypto.subtle` costs ~12× the synchronous OpenSSL call; this path keeps it synchronous.
import * as nodeCrypto from "node:crypto";
import { type Chunk, type CryptoBackend, DIGEST_SIZE, type HashAlgorithm, type HmacKey } from "./types.js";

const NAMES: Readonly<Record<HashAlgorithm, string>> = {
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-512": "sha512",
};

interface NodeHmacKey extends HmacKey {
  readonly name: string;
  readonly key: nodeCrypto.KeyObject;
}

/** Prepares a key: the secret becomes a `KeyObject` once. */
export function hmacKey(algorithm: HashAlgorithm, secret: Uint8Array): HmacKey {
  const key: NodeHmacKey = {
    algorithm,
    size: DIGEST_SIZE[algorithm],
    name: NAMES[algorithm],
    key: nodeCrypto.createSecretKey(secret),
  };
  return key;
}

/** HMAC over the concatenated parts, synchronously. */
export function hmac(key: HmacKey, parts: readonly Chunk[]): Uint8Array {
  const k = key as NodeHmacKey;
  const h = nodeCrypto.createHmac(k.name, k.key);
  // Each update() crosses into C++; text parts are joined first so the common case is a single call.
  let text = "";
  for (const part of parts) {
    if (typeof part === "string") text += part;
    else {
      if (text !== "") h.update(text);
      text = "";
      h.update(part);
    }
  }
  if (text !== "") h.update(text);
  return h.digest();
}

/** A plain digest, synchronously. */
export function digest(algorithm: HashAlgorithm, data: Chunk): Uint8Array {
  return nodeCrypto.createHash(NAMES[algorithm]).update(data).digest();
}

/** `crypto.timingSafeEqual`, with the length check it leaves to the caller. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && nodeCrypto.timingSafeEqual(a, b);
}

/** Cryptographically strong random bytes. */
export function randomBytes(length: number): Uint8Array {
  const buf = nodeCrypto.randomBytes(length);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Which backend this is (for tests and diagnostics). */
export const backend = "node" as const;

({ hmacKey, hmac, digest, timingSafeEqual, randomBytes }) satisfies CryptoBackend;
