import type { ReplayClaim, ReplayStore } from "@goggles/core";
import {
  type RedisClient,
  type RedisClientOptions,
  type RedisInput,
  redisClient,
} from "./client/redis-client.js";
import { defineScript } from "./script/define-script.js";
import { replyString } from "./script/replies.js";

// One round trip, one key: SET NX PX takes the id as in flight; when it is taken, the holder's state answers.
const claimScript = defineScript(
  `if redis.call('SET', KEYS[1], 'in_flight', 'NX', 'PX', ARGV[1]) then return 'claimed' end
   return redis.call('GET', KEYS[1]) or 'in_flight'`,
  { name: "replay-claim" },
);

// Forget an id only while it is still in flight: a processed marker is never removed by a late release.
const releaseScript = defineScript(
  `if redis.call('GET', KEYS[1]) == 'in_flight' then return redis.call('DEL', KEYS[1]) end
   return 0`,
  { name: "replay-release" },
);

/** Options for `redisReplayStore()`. */
export interface RedisReplayStoreOptions extends RedisClientOptions {
  /** An ioredis or node-redis client (or a `RedisClient` layer to share). */
  client: RedisInput;
  /** Put before each delivery id, after the client's prefix. Default `"replay:"`. */
  keyPrefix?: string;
}

/**
 * A `ReplayStore` in Redis for webhook replay protection across processes: a claim is one `SET NX PX` (in a
 * script that also reads the holder's state), so of several processes receiving the same delivery exactly one
 * claims it. Expiry is Redis' own (`PX`), so app servers' clocks play no part.
 *
 * @example
 * import { Redis } from "ioredis";
 * const replay = redisReplayStore({ client: new Redis({ enableOfflineQueue: false, maxRetriesPerRequest: 1 }) });
 * const protect = boundary().use(webhook(stripe({ secret }), { replay }));
 */
export function redisReplayStore(
  options: RedisReplayStoreOptions,
): ReplayStore & { readonly client: RedisClient } {
  const { client: input, keyPrefix = "replay:", ...layerOptions } = options;
  const client = redisClient(input, layerOptions);
  const key = (id: string) => keyPrefix + id;
  return {
    client,
    async claim(id: string, leaseMs: number): Promise<ReplayClaim> {
      const reply = replyString(
        await client.run(claimScript, [key(id)], [Math.max(1, Math.ceil(leaseMs))]),
        "replay claim",
      );
      if (reply === "claimed") return { claimed: true };
      return { claimed: false, state: reply === "processed" ? "processed" : "in_flight" };
    },
    async complete(id: string, ttlMs: number): Promise<void> {
      await client.set(key(id), "processed", { px: Math.max(1, Math.ceil(ttlMs)) });
    },
    async release(id: string): Promise<void> {
      await client.run(releaseScript, [key(id)]);
    },
  } satisfies ReplayStore & { readonly client: RedisClient };
}
