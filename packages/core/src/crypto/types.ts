/** The hash functions goggles signs and verifies with. */
export type HashAlgorithm = "SHA-1" | "SHA-256" | "SHA-512";

/** A value, or a promise of it: the Node backend answers synchronously, WebCrypto asynchronously. */
export type MaybePromise<T> = T | Promise<T>;

/** Bytes or text (text is hashed as its UTF-8 encoding). */
export type Chunk = string | Uint8Array;

/**
 * An HMAC key prepared once per secret. The backend keeps whatever it imported (a `CryptoKey`, a
 * `KeyObject`) on the object, so each secret is imported once however many requests it verifies.
 */
export interface HmacKey {
  readonly algorithm: HashAlgorithm;
  /** The digest length in bytes. */
  readonly size: number;
}

/**
 * What each crypto backend (`#crypto`: WebCrypto everywhere, `node:crypto` on Node, Bun and Deno) provides.
 * Chosen by package `imports` conditions, never by a runtime feature test.
 */
export interface CryptoBackend {
  hmacKey(algorithm: HashAlgorithm, secret: Uint8Array): HmacKey;
  /** HMAC over the concatenation of `parts`. */
  hmac(key: HmacKey, parts: readonly Chunk[]): MaybePromise<Uint8Array>;
  digest(algorithm: HashAlgorithm, data: Chunk): MaybePromise<Uint8Array>;
  /** Constant-time equality for byte strings of equal length; `false` (early) when the lengths differ. */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
  randomBytes(length: number): Uint8Array;
}

/** Digest sizes in bytes. */
export const DIGEST_SIZE: Readonly<Record<HashAlgorithm, number>> = {
  "SHA-1": 20,
  "SHA-256": 32,
  "SHA-512": 64,
};
