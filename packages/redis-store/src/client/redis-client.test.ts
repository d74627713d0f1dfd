import { isGogglesError } from "@goggles/core";
import { describe, expect, it } from "vitest";
import { isRedisCommandError } from "../errors/redis-command-error.js";
import { isRedisUnavailableError } from "../errors/redis-unavailable-error.js";
import { defineScript } from "../script/define-script.js";
import {
  DEFAULT_REDIS_PREFIX,
  DEFAULT_REDIS_TIMEOUT_MS,
  isRedisClient,
  redisClient,
  toRedisDriver,
} from "./redis-client.js";
import type { RedisDriver, RedisSubscriberConnection } from "./redis-driver.js";

/** A custom driver (the extension point users get) that records calls and fails on demand. */
function scriptedDriver(evalsha: () => Promise<unknown>, withReplyClassifier = false) {
  const calls: string[] = [];
  const closed: string[] = [];
  const driver: RedisDriver = {
    name: "scripted",
    evalsha: () => {
      calls.push("evalsha");
      return evalsha();
    },
    eval: async () => {
      calls.push("eval");
      return 7;
    },
    set: async () => "OK",
    get: async () => null,
    del: async (keys) => keys.length,
    publish: async () => 0,
    time: async () => ["1", "0"],
    async createSubscriber(): Promise<RedisSubscriberConnection> {
      calls.push("createSubscriber");
      return {
        subscribe: async () => {},
        unsubscribe: async () => {},
        close: async () => {
          closed.push("subscriber");
        },
      };
    },
    ...(withReplyClassifier ? { isReplyError: (error: unknown) => (error as Error).name === "Reply" } : {}),
  };
  return { driver, calls, closed };
}

describe("redisClient (no server)", () => {
  it("falls back to EVAL only on NOSCRIPT", async () => {
    const { driver, calls } = scriptedDriver(() => Promise.reject(new Error("NOSCRIPT No matching script.")));
    const redis = redisClient(driver);
    expect(await redis.run(defineScript("return 7"), ["k"])).toBe(7);
    expect(calls).toEqual(["evalsha", "eval"]);
  });

  it("never retries other failures, and types them", async () => {
    const busy = scriptedDriver(() => Promise.reject(new Error("BUSY Redis is busy running a script.")));
    const error = await redisClient(busy.driver)
      .run(defineScript("return 1"), [])
      .catch((e: unknown) => e);
    expect(isRedisCommandError(error)).toBe(true);
    expect(error).toMatchObject({ command: "EVALSHA", reply: "BUSY Redis is busy running a script." });
    expect(busy.calls).toEqual(["evalsha"]);

    const reset = scriptedDriver(() => Promise.reject(new Error("read ECONNRESET")));
    const lost = await redisClient(reset.driver)
      .run(defineScript("return 1"), [])
      .catch((e: unknown) => e);
    expect(isRedisUnavailableError(lost)).toBe(true);
    expect((lost as Error).cause).toBeInstanceOf(Error);
    expect(reset.calls).toEqual(["evalsha"]);
  });

  it("asks the driver whether an error is a reply when it can tell", async () => {
    const reply = Object.assign(new Error("lower-case reply"), { name: "Reply" });
    const { driver } = scriptedDriver(() => Promise.reject(reply), true);
    const error = await redisClient(driver)
      .run(defineScript("return 1"), [])
      .catch((e: unknown) => e);
    expect(isRedisCommandError(error)).toBe(true);
  });

  it("turns a synchronous throw of the driver into a typed rejection", async () => {
    const { driver } = scriptedDriver(() => {
      throw new Error("socket gone");
    });
    const error = await redisClient(driver)
      .run(defineScript("return 1"), [])
      .catch((e: unknown) => e);
    expect(isRedisUnavailableError(error)).toBe(true);
  });

  it("has defaults and validates its options", () => {
    const { driver } = scriptedDriver(async () => 1);
    const redis = redisClient(driver);
    expect(redis.prefix).toBe(DEFAULT_REDIS_PREFIX);
    expect(redis.timeout).toBe(DEFAULT_REDIS_TIMEOUT_MS);
    expect(redisClient(driver, { timeout: Number.POSITIVE_INFINITY }).timeout).toBe(0);
    expect(() => redisClient(driver, { timeout: -1 })).toThrow(RangeError);
    expect(() => redisClient(driver, { timeout: Number.NaN })).toThrow(RangeError);
    expect(() => redisClient({} as never)).toThrow(TypeError);
    expect(() => toRedisDriver(null as never)).toThrow(TypeError);
  });

  it("returns a RedisClient as is, or a view with other options over the same driver", () => {
    const { driver } = scriptedDriver(async () => 1);
    const redis = redisClient(driver, { prefix: "a:", timeout: 50 });
    expect(isRedisClient(redis)).toBe(true);
    expect(redisClient(redis)).toBe(redis);
    expect(redisClient(redis, { prefix: undefined })).toBe(redis);
    const view = redisClient(redis, { prefix: "b:" });
    expect(view).not.toBe(redis);
    expect(view.driver).toBe(driver);
    expect(view.prefix).toBe("b:");
    expect(view.timeout).toBe(50);
    expect(redisClient(redis, { timeout: 0 }).prefix).toBe("a:");
  });

  it("opens the pub/sub connection lazily, once, and closes only it", async () => {
    const { driver, calls, closed } = scriptedDriver(async () => 1);
    const redis = redisClient(driver);
    await redis.close();
    expect(closed).toEqual([]); // nothing was opened
    const second = redisClient(driver);
    await second.subscribe("a", () => {});
    await second.subscribe("b", () => {});
    expect(calls.filter((c) => c === "createSubscriber")).toHaveLength(1);
    await second[Symbol.asyncDispose]();
    expect(closed).toEqual(["subscriber"]);
    const error = await second.set("k", "v").catch((e: unknown) => e);
    expect(isRedisUnavailableError(error) && isGogglesError(error)).toBe(true);
  });
});
