import { Redis } from "ioredis";
import { createClient, createCluster } from "redis";
import { describe, expect, it } from "vitest";
import { isIoredis, isNodeRedis, isNodeRedisCluster, redisClient, toRedisDriver } from "../src/index.js";

// Clients are created without connecting: detection is by shape only.
describe("driver detection", () => {
  it("tells ioredis from node-redis", () => {
    const ioredis = new Redis({ lazyConnect: true });
    const nodeRedis = createClient();
    expect(isIoredis(ioredis)).toBe(true);
    expect(isNodeRedis(ioredis)).toBe(false);
    expect(isNodeRedis(nodeRedis)).toBe(true);
    expect(isIoredis(nodeRedis)).toBe(false);
    expect(toRedisDriver(ioredis).name).toBe("ioredis");
    expect(toRedisDriver(nodeRedis).name).toBe("node-redis");
    ioredis.disconnect();
  });

  it("refuses a node-redis cluster and anything else with a clear TypeError", () => {
    const cluster = createCluster({ rootNodes: [{ url: "redis://127.0.0.1:1" }] });
    expect(isNodeRedisCluster(cluster)).toBe(true);
    expect(isNodeRedis(cluster)).toBe(false);
    expect(() => redisClient(cluster as never)).toThrow(/clusters .* not supported/);
    for (const value of [null, undefined, 42, "redis://", {}, { call() {} }, { sendCommand() {} }]) {
      expect(() => redisClient(value as never)).toThrow(TypeError);
    }
  });
});
