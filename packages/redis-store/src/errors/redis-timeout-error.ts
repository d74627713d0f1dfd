import { errorGuard, GogglesError } from "@goggles/core";

/**
 * A Redis call did not settle within the layer's per-call `timeout`. The command may still have run on
 * the server (a timeout cannot take back a write): treat the outcome as unknown, never retry a decision.
 *
 * @example
 * try { await redis.run(script, [key], [1]); }
 * catch (e) { if (isRedisTimeoutError(e)) console.warn(`redis slow: ${e.timeoutMs} ms`); }
 */
export class RedisTimeoutError extends GogglesError {
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  /** The command that timed out (`"EVALSHA"`, `"SET"`, …); never its arguments. */
  readonly command: string;

  constructor(command: string, timeoutMs: number) {
    super("REDIS_TIMEOUT", `Redis ${command} did not answer within ${timeoutMs} ms.`);
    this.command = command;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Whether `value` is a `RedisTimeoutError` from any copy of goggles.
 *
 * @example
 * if (isRedisTimeoutError(error)) failOpen();
 */
export const isRedisTimeoutError = errorGuard<RedisTimeoutError>("REDIS_TIMEOUT");
