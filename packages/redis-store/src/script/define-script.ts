/**
 * A Lua script a store runs with `RedisClient.run()`. The runner sends `EVALSHA` and falls back to
 * `EVAL` (which also loads the script) only when Redis answers `NOSCRIPT`: after a restart, a failover
 * or `SCRIPT FLUSH`. Define scripts once, at module level.
 *
 * @example
 * const script: RedisScript = defineScript("return redis.call('GET', KEYS[1])");
 */
export interface RedisScript {
  /** The Lua source. */
  readonly source: string;
  /** A name for errors and events (never sent to Redis). */
  readonly name: string;
  /** The lower-case hex SHA1 of `source`, as `EVALSHA` wants it (computed once, then cached). */
  sha(): Promise<string>;
}

/** Options of `defineScript`. @example defineScript(source, { name: "token-bucket" }); */
export interface DefineScriptOptions {
  /** A name for errors and events (default `"script"`). */
  name?: string;
}

const hex = (bytes: ArrayBuffer): string =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * The SHA1 of a script's source, as Redis computes it for `EVALSHA` (Web Crypto).
 *
 * @example
 * await scriptSha("return 1"); // "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"
 */
export async function scriptSha(source: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(source)));
}

/**
 * Defines a Lua script for `RedisClient.run()`. Nothing is sent to Redis until the first run.
 *
 * @example
 * const incrementBy = defineScript(
 *   "return redis.call('INCRBY', KEYS[1], ARGV[1])",
 *   { name: "increment-by" },
 * );
 * const total = replyInteger(await redis.run(incrementBy, ["hits"], [2]), "total");
 */
export function defineScript(source: string, options: DefineScriptOptions = {}): RedisScript {
  let sha: Promise<string> | undefined;
  return {
    source,
    name: options.name ?? "script",
    sha() {
      sha ??= scriptSha(source);
      return sha;
    },
  };
}
