import { RedisReplyError } from "../errors/redis-reply-error.js";

const decoder = new TextDecoder();
const INTEGER = /^-?\d+$/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function describe(reply: unknown): string {
  if (reply === null) return "nil";
  if (Array.isArray(reply)) return "an array";
  if (reply instanceof Uint8Array) return "bytes";
  return `a ${typeof reply}`;
}

function asText(reply: unknown): string | undefined {
  if (typeof reply === "string") return reply;
  if (reply instanceof Uint8Array) return decoder.decode(reply);
  return undefined;
}

/**
 * Reads an integer reply (a Lua number comes back as a Redis integer; a decimal string is accepted too).
 * Throws `RedisReplyError` for anything else, including integers beyond `Number.MAX_SAFE_INTEGER`.
 *
 * @example
 * const remaining = replyInteger(await redis.run(script, [key], []), "remaining");
 */
export function replyInteger(reply: unknown, what = "reply"): number {
  if (typeof reply === "number" && Number.isSafeInteger(reply)) return reply;
  if (
    typeof reply === "bigint" &&
    reply <= BigInt(Number.MAX_SAFE_INTEGER) &&
    reply >= BigInt(Number.MIN_SAFE_INTEGER)
  ) {
    return Number(reply);
  }
  const text = asText(reply);
  if (text !== undefined && INTEGER.test(text)) {
    const value = Number(text);
    if (Number.isSafeInteger(value)) return value;
  }
  throw new RedisReplyError(`Expected ${what} to be an integer, got ${describe(reply)}.`);
}

/**
 * Reads a number reply. Lua numbers are truncated to integers on the way out of a script, so scripts
 * return fractions as strings (`tostring(x)`); this accepts both.
 *
 * @example
 * const tokens = replyNumber(await redis.run(script, [key], []), "tokens"); // "2.5" → 2.5
 */
export function replyNumber(reply: unknown, what = "reply"): number {
  if (typeof reply === "number" && Number.isFinite(reply)) return reply;
  const text = asText(reply);
  if (text !== undefined && NUMBER.test(text)) {
    const value = Number(text);
    if (Number.isFinite(value)) return value;
  }
  throw new RedisReplyError(`Expected ${what} to be a number, got ${describe(reply)}.`);
}

/**
 * Reads a string reply (a bulk or status string; bytes are decoded as UTF-8).
 *
 * @example
 * const state = replyString(await redis.get("breaker:payments"), "state");
 */
export function replyString(reply: unknown, what = "reply"): string {
  const text = asText(reply);
  if (text !== undefined) return text;
  throw new RedisReplyError(`Expected ${what} to be a string, got ${describe(reply)}.`);
}

/**
 * Reads a string reply that may be nil (`GET` on a missing key, a Lua `false`).
 *
 * @example
 * const value = replyOptionalString(await redis.get("k")); // undefined when missing
 */
export function replyOptionalString(reply: unknown, what = "reply"): string | undefined {
  if (reply === null || reply === undefined) return undefined;
  return replyString(reply, what);
}

/**
 * Reads an array reply (a Lua table), optionally checking its length.
 *
 * @example
 * const [allowed, remaining] = replyArray(await redis.run(script, [key], []), "decision", 2);
 * replyInteger(allowed); replyInteger(remaining);
 */
export function replyArray(reply: unknown, what = "reply", length?: number): readonly unknown[] {
  if (!Array.isArray(reply)) {
    throw new RedisReplyError(`Expected ${what} to be an array, got ${describe(reply)}.`);
  }
  if (length !== undefined && reply.length !== length) {
    throw new RedisReplyError(`Expected ${what} to have ${length} items, got ${reply.length}.`);
  }
  return reply;
}

/**
 * Reads `TIME` (`[seconds, microseconds]`) as milliseconds since the epoch, with sub-millisecond
 * precision kept as a fraction.
 *
 * @example
 * replyTime(["1700000000", "250000"]); // 1700000000250
 */
export function replyTime(reply: unknown): number {
  const [seconds, micros] = replyArray(reply, "TIME", 2);
  return replyInteger(seconds, "TIME seconds") * 1000 + replyInteger(micros, "TIME microseconds") / 1000;
}
