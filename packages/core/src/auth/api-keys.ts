import { digest, randomBytes, timingSafeEqual } from "#crypto";
import { fromHex, toHex } from "../crypto/encoding.js";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Length of the non-secret id: 12 base62 characters (~71 bits, so ids do not collide). */
export const API_KEY_ID_LENGTH = 12;
/** Length of the secret: 32 base62 characters (~190 bits). */
export const API_KEY_SECRET_LENGTH = 32;
/** Length of the CRC32 checksum in base62. */
export const API_KEY_CHECKSUM_LENGTH = 6;

const PREFIX = /^[a-z][a-z0-9]{0,15}$/;
const BODY = /^[0-9A-Za-z]+$/;

const CRC_TABLE = /* @__PURE__ */ (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE) of an ASCII string. */
export function crc32(text: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < text.length; i++)
    c = (CRC_TABLE[(c ^ text.charCodeAt(i)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function base62Fixed(value: number, width: number): string {
  let out = "";
  for (let i = 0; i < width; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** Unbiased random base62: bytes ≥ 248 (= 4 × 62) are rejected and drawn again. */
function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248) out += BASE62[b % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** The parts of a well-formed key. */
export interface ParsedApiKey {
  readonly prefix: string;
  /** The non-secret id that locates the stored record. */
  readonly id: string;
  /** The secret part (never store it; store `hash`). */
  readonly secret: string;
}

/** A freshly generated key: show `key` once, store `id` and `hash`. */
export interface GeneratedApiKey {
  /** The full key `<prefix>_<id>_<secret><checksum>`: give it to the user once, never store it. */
  readonly key: string;
  readonly id: string;
  /** Hex SHA-256 of the secret: the only thing to store. */
  readonly hash: string;
}

/** Options for `apiKeys.generate`. */
export interface GenerateApiKeyOptions {
  /** A short lower-case tag naming the issuer and kind (`"acme"`, `"sk"`), 1–16 of `[a-z0-9]`, first a letter. */
  prefix: string;
}

function checkPrefix(prefix: string): void {
  if (typeof prefix !== "string" || !PREFIX.test(prefix)) {
    throw new TypeError("apiKeys: prefix must be 1–16 lower-case letters or digits, starting with a letter.");
  }
}

/**
 * Parses a key and checks its checksum, without any lookup: typos and garbage are refused cheaply.
 * Returns `undefined` for anything malformed.
 */
function parse(key: string, expectedPrefix?: string): ParsedApiKey | undefined {
  if (typeof key !== "string" || key.length > 128) return undefined;
  const first = key.indexOf("_");
  const second = key.indexOf("_", first + 1);
  if (first <= 0 || second < 0) return undefined;
  const prefix = key.slice(0, first);
  const id = key.slice(first + 1, second);
  const tail = key.slice(second + 1);
  if (!PREFIX.test(prefix) || (expectedPrefix !== undefined && prefix !== expectedPrefix)) return undefined;
  if (id.length !== API_KEY_ID_LENGTH || tail.length !== API_KEY_SECRET_LENGTH + API_KEY_CHECKSUM_LENGTH)
    return undefined;
  if (!BODY.test(id) || !BODY.test(tail)) return undefined;
  const secret = tail.slice(0, API_KEY_SECRET_LENGTH);
  const checksum = tail.slice(API_KEY_SECRET_LENGTH);
  if (
    base62Fixed(crc32(key.slice(0, key.length - API_KEY_CHECKSUM_LENGTH)), API_KEY_CHECKSUM_LENGTH) !==
    checksum
  ) {
    return undefined;
  }
  return { prefix, id, secret };
}

async function hashSecret(secret: string): Promise<string> {
  return toHex(await digest("SHA-256", secret));
}

/**
 * API keys shaped `<prefix>_<id>_<secret><checksum>`: a non-secret base62 id that locates the record, a
 * high-entropy base62 secret, and a CRC32 checksum (base62, 6 characters) over everything before it, as
 * GitHub's tokens have. Only the SHA-256 of the secret is stored.
 *
 * @example
 * const { key, id, hash } = await apiKeys.generate({ prefix: "acme" });
 * await db.insert({ id, hash, owner: user.id }); // show `key` to the user once
 * // later
 * const record = await db.find(apiKeys.parse(presented)?.id);
 * const ok = record !== undefined && (await apiKeys.verify(presented, record.hash));
 */
export const apiKeys = {
  /** Generates a new key with its id and the hash to store. */
  async generate(options: GenerateApiKeyOptions): Promise<GeneratedApiKey> {
    checkPrefix(options.prefix);
    const id = randomBase62(API_KEY_ID_LENGTH);
    const secret = randomBase62(API_KEY_SECRET_LENGTH);
    const body = `${options.prefix}_${id}_${secret}`;
    const key = body + base62Fixed(crc32(body), API_KEY_CHECKSUM_LENGTH);
    return { key, id, hash: await hashSecret(secret) };
  },
  /** Splits a key into prefix, id and secret after checking its shape and checksum; `undefined` if malformed. */
  parse,
  /** The hash to store for a key (hex SHA-256 of its secret); `undefined` if the key is malformed. */
  async hash(key: string): Promise<string | undefined> {
    const parsed = parse(key);
    return parsed === undefined ? undefined : hashSecret(parsed.secret);
  },
  /** Whether `key` is well-formed and its secret hashes to `storedHash` (compared in constant time). */
  async verify(key: string, storedHash: string): Promise<boolean> {
    const parsed = parse(key);
    const stored = fromHex(storedHash, 32);
    if (parsed === undefined || stored === undefined) return false;
    return timingSafeEqual(await digest("SHA-256", parsed.secret), stored);
  },
  /** A short, non-reversible fingerprint of anything presented as a key, for logs and events. */
  async fingerprint(key: string): Promise<string> {
    return toHex(await digest("SHA-256", key)).slice(0, 16);
  },
} as const;
