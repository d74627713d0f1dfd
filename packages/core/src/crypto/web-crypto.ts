// The WebCrypto backend of `#crypto`: the default everywhere (Workers, browsers, edge runtimes).
import { type Chunk, type CryptoBackend, DIGEST_SIZE, type HashAlgorithm, type HmacKey } from "./types.js";

const encoder = /* @__PURE__ */ new TextEncoder();

interface WebHmacKey extends HmacKey {
  readonly secret: Uint8Array;
  imported: Promise<CryptoKey> | undefined;
}

function bytesOf(chunk: Chunk): Uint8Array {
  return typeof chunk === "string" ? encoder.encode(chunk) : chunk;
}

function join(parts: readonly Chunk[]): Uint8Array {
  if (parts.length === 1) return bytesOf(parts[0] as Chunk);
  const chunks = parts.map(bytesOf);
  let total = 0;
  for (const c of chunks) total += c.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

// WebCrypto wants an ArrayBuffer-backed view; copies only when handed a view over a SharedArrayBuffer.
function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/** Prepares a key; the `CryptoKey` is imported on first use and cached on the returned object. */
export function hmacKey(algorithm: HashAlgorithm, secret: Uint8Array): HmacKey {
  const key: WebHmacKey = {
    algorithm,
    size: DIGEST_SIZE[algorithm],
    secret: secret.slice(),
    imported: undefined,
  };
  return key;
}

/** HMAC over the concatenated parts, through `crypto.subtle` with the cached imported key. */
export async function hmac(key: HmacKey, parts: readonly Chunk[]): Promise<Uint8Array> {
  const k = key as WebHmacKey;
  if (k.imported === undefined) {
    k.imported = crypto.subtle.importKey(
      "raw",
      buffer(k.secret),
      { name: "HMAC", hash: k.algorithm },
      false,
      ["sign"],
    );
    // A failed import must not poison the key for later calls.
    k.imported.catch(() => {
      k.imported = undefined;
    });
  }
  const imported = await k.imported;
  return new Uint8Array(await crypto.subtle.sign("HMAC", imported, buffer(join(parts))));
}

/** A plain digest through `crypto.subtle`. */
export async function digest(algorithm: HashAlgorithm, data: Chunk): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(algorithm, buffer(bytesOf(data))));
}

/** Constant-time over equal lengths: every byte is looked at whatever differs. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Cryptographically strong random bytes. */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65 536 bytes per call.
  for (let offset = 0; offset < length; offset += 65_536) {
    crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65_536)));
  }
  return out;
}

/** Which backend this is (for tests and diagnostics). */
export const backend = "web" as const;

({ hmacKey, hmac, digest, timingSafeEqual, randomBytes }) satisfies CryptoBackend;
