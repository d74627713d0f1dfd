import { errorGuard, GogglesError } from "@goggles/core";

/**
 * A Redis reply did not have the shape a store expected (e.g. a script returned a string where an
 * integer was due). A bug or a version mismatch between a store and its scripts, never bad user input.
 *
 * @example
 * try { replyInteger(reply, "tokens"); } catch (e) { if (isRedisReplyError(e)) console.error(e.message); }
 */
export class RedisReplyError extends GogglesError {
  constructor(message: string) {
    super("REDIS_REPLY", message);
  }
}

/**
 * Whether `value` is a `RedisReplyError` from any copy of goggles.
 *
 * @example
 * if (isRedisReplyError(error)) reportBug(error);
 */
export const isRedisReplyError = errorGuard<RedisReplyError>("REDIS_REPLY");
