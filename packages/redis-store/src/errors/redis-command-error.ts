import { errorGuard, GogglesError } from "@goggles/core";

/**
 * Redis answered a command with an error reply (`ERR …`, `WRONGTYPE …`, a Lua `error_reply`, …).
 * The server was reachable; the command itself failed. `reply` is the server's message; the driver's
 * error is kept as `cause`.
 *
 * @example
 * try { await redis.run(script, [key], []); }
 * catch (e) { if (isRedisCommandError(e) && e.reply.startsWith("WRONGTYPE")) … }
 */
export class RedisCommandError extends GogglesError {
  /** The command that failed (`"EVALSHA"`, `"SET"`, …). */
  readonly command: string;
  /** The server's error reply, e.g. `"NOSCRIPT No matching script."`. */
  readonly reply: string;

  constructor(command: string, reply: string, options?: { cause?: unknown }) {
    super("REDIS_COMMAND", `Redis ${command} failed: ${reply}`, options);
    this.command = command;
    this.reply = reply;
  }

  /** Whether the server did not know the script's SHA (the runner then falls back to EVAL). */
  get isNoScript(): boolean {
    return this.reply.startsWith("NOSCRIPT");
  }
}

/**
 * Whether `value` is a `RedisCommandError` from any copy of goggles.
 *
 * @example
 * if (isRedisCommandError(error)) console.error(error.reply);
 */
export const isRedisCommandError = errorGuard<RedisCommandError>("REDIS_COMMAND");
