import type { TestProject } from "vitest/node";
import { hasRedisServer, type RedisServer, startRedisServer } from "./redis-server.js";

/**
 * Vitest global setup: a private redis-server for the whole run (or `REDIS_URL`). Without Redis the
 * Redis tests are skipped with a visible message, except under `CI=true`, where a missing Redis fails.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    project.provide("redisUrl", fromEnv);
    return async () => {};
  }
  if (!hasRedisServer()) {
    if (process.env.CI === "true") {
      throw new Error(
        "CI=true but no redis-server is on PATH and REDIS_URL is unset: the Redis tests are required.",
      );
    }
    console.warn(
      "\n[goggles] redis-server not found and REDIS_URL unset: Redis integration tests are SKIPPED.\n" +
        "          Install Redis 7 (redis-server on PATH) or set REDIS_URL to run them.\n",
    );
    project.provide("redisUrl", "");
    return async () => {};
  }
  const server: RedisServer = await startRedisServer();
  project.provide("redisUrl", server.url);
  return () => server.stop();
}
