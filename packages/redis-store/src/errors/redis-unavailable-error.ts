import { errorGuard, GogglesError } from "@goggles/core";

/**
 * Redis could not be reached: the connection is down, closed, or the driver gave up on the command
 * (offline queue disabled, `maxRetriesPerRequest` exhausted), or the goggles client was closed.
 * The driver's own error is kept as `cause`.
 *
 * @example
 * try { await redis.set("k", "v"); }
 * catch (e) { if (isRedisUnavailableError(e)) return failOpen(); throw e; }
 */
export class RedisUnavailableError extends GogglesError {
  /** The command that could not be sent (`"EVALSHA"`, `"SET"`, …); never its arguments. */
  readonly command: string;

  constructor(command: string, message: string, options?: { cause?: unknown }) {
    super("REDIS_UNAVAILABLE", `Redis ${command} failed: ${message}`, options);
    this.command = command;
  }
}

/**
 * Whether `value` is a `RedisUnavailableError` from any copy of goggles.
 *
 * @example
 * if (isRedisUnavailableError(error)) failOpen();
 */
export const isRedisUnavailableError = errorGuard<RedisUnavailableError>("REDIS_UNAVAILABLE");
