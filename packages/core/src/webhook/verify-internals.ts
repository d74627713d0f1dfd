// Shared by every provider: secrets, header lookup, timestamps, strict signature matching, failures.
import { hmac, hmacKey, timingSafeEqual } from "#crypto";
import { utf8 } from "../crypto/encoding.js";
import type { Chunk, HashAlgorithm, HmacKey, MaybePromise } from "../crypto/types.js";
import { badRequest, type Problem, unauthorized } from "../problem.js";
import type {
  ProviderOptions,
  WebhookFailure,
  WebhookFailureReason,
  WebhookSecret,
  WebhookSecrets,
} from "./provider.js";

/** Default tolerance for signed timestamps, both ways: 5 minutes, as Stripe, Slack and Standard Webhooks use. */
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** Replay window for providers that sign no timestamp (GitHub, Shopify): 24 hours. */
export const UNTIMED_REPLAY_TTL_MS = 24 * 60 * 60 * 1000;

/** Turns the `secret` option into HMAC keys, each imported once. Empty secrets are a configuration error. */
export function keysOf(
  provider: string,
  secrets: WebhookSecrets,
  algorithm: HashAlgorithm,
  decode: (secret: string) => Uint8Array = utf8,
): HmacKey[] {
  const list: readonly WebhookSecret[] =
    typeof secrets === "string" || secrets instanceof Uint8Array ? [secrets] : secrets;
  if (!Array.isArray(list) || list.length === 0)
    throw new TypeError(`${provider}: at least one secret is required.`);
  return list.map((secret, i) => {
    const bytes = typeof secret === "string" ? decode(secret) : secret;
    if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
      throw new TypeError(`${provider}: secret #${i + 1} is empty or not a string/Uint8Array.`);
    }
    return hmacKey(algorithm, bytes);
  });
}

/** The tolerance and replay TTL a provider reports, validated. */
export function windowOf(
  options: ProviderOptions,
  timestamped: boolean,
): { tolerance: number | undefined; ttl: number } {
  const tolerance = timestamped ? (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS) : undefined;
  if (tolerance !== undefined && !(Number.isFinite(tolerance) && tolerance >= 0)) {
    throw new RangeError("toleranceSeconds must be a non-negative number.");
  }
  const ttl = options.replayTtlMs ?? (tolerance === undefined ? UNTIMED_REPLAY_TTL_MS : 2 * tolerance * 1000);
  if (!(Number.isFinite(ttl) && ttl > 0)) throw new RangeError("replayTtlMs must be a positive number.");
  return { tolerance, ttl };
}

const STATUS: Record<WebhookFailureReason, 400 | 401 | 409> = {
  missing_header: 401,
  malformed_header: 400,
  malformed_body: 400,
  timestamp_out_of_range: 401,
  no_matching_signature: 401,
  body_hash_mismatch: 401,
  replayed: 409,
};

/**
 * A refusal. The detail names the header and what was wrong with it, never a secret, an expected
 * signature or the received one.
 */
export function rejected(provider: string, reason: WebhookFailureReason, detail: string): WebhookFailure {
  const init = { detail, extensions: { reason, provider } };
  const problem: Problem = STATUS[reason] === 400 ? badRequest(init) : unauthorized(init);
  return { ok: false, problem, reason };
}

const DIGITS = /^[0-9]{1,15}$/;

/**
 * Parses a signed timestamp (seconds, digits only: no sign, no fraction, no trailing garbage) and checks it
 * against the clock in both directions. Returns the seconds, or a failure.
 */
export function checkTimestamp(
  provider: string,
  header: string,
  raw: string,
  now: number,
  tolerance: number,
): number | WebhookFailure {
  if (!DIGITS.test(raw))
    return rejected(provider, "malformed_header", `The ${header} timestamp is not a number of seconds.`);
  const seconds = Number(raw);
  if (Math.abs(now / 1000 - seconds) > tolerance) {
    return rejected(
      provider,
      "timestamp_out_of_range",
      `The ${header} timestamp is more than ${tolerance} seconds away from the current time.`,
    );
  }
  return seconds;
}

/**
 * Finds a candidate signature equal to the HMAC of `parts` under any key. Candidates were decoded strictly
 * to the digest length, so every comparison is constant-time over fixed-length bytes. Returns the index of
 * the matching candidate, or -1.
 */
export function matchSignature(
  keys: readonly HmacKey[],
  parts: readonly Chunk[],
  candidates: readonly Uint8Array[],
): MaybePromise<number> {
  // Synchronous while the backend is (node:crypto): no promise per key on the hot path.
  for (let k = 0; k < keys.length; k++) {
    const out = hmac(keys[k] as HmacKey, parts);
    if (!(out instanceof Uint8Array)) return matchAsync(keys, k, out, parts, candidates);
    const i = indexOfEqual(out, candidates);
    if (i >= 0) return i;
  }
  return -1;
}

function indexOfEqual(expected: Uint8Array, candidates: readonly Uint8Array[]): number {
  for (let i = 0; i < candidates.length; i++) {
    if (timingSafeEqual(expected, candidates[i] as Uint8Array)) return i;
  }
  return -1;
}

async function matchAsync(
  keys: readonly HmacKey[],
  from: number,
  first: Promise<Uint8Array>,
  parts: readonly Chunk[],
  candidates: readonly Uint8Array[],
): Promise<number> {
  let pending: MaybePromise<Uint8Array> = first;
  for (let k = from; k < keys.length; k++) {
    const i = indexOfEqual(await pending, candidates);
    if (i >= 0) return i;
    if (k + 1 < keys.length) pending = hmac(keys[k + 1] as HmacKey, parts);
  }
  return -1;
}

/** Signs `parts` with the first key (the current one during a rotation). */
export async function signWith(keys: readonly HmacKey[], parts: readonly Chunk[]): Promise<Uint8Array> {
  return await hmac(keys[0] as HmacKey, parts);
}
