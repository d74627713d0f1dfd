import { FakeClock } from "@goggles/core/testing";
import { hasRedisServer, type RedisServer, redisUrlForTests, startRedisServer } from "@goggles/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  defineScript,
  isRedisCommandError,
  isRedisTimeoutError,
  isRedisUnavailableError,
  type RedisArg,
  type RedisClient,
  type RedisDriver,
  redisClient,
  replyInteger,
  replyString,
  toRedisDriver,
} from "../src/index.js";
import { type DriverHandle, driverCases } from "./drivers.js";

const url = redisUrlForTests();
let unique = 0;
const uniqueName = (label: string) => `${label}-${process.pid}-${Date.now()}-${unique++}`;

/** Wraps a driver to record the script commands it sends. */
function counting(driver: RedisDriver): { driver: RedisDriver; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    driver: {
      ...driver,
      evalsha(sha: string, keys: readonly string[], args: readonly RedisArg[]) {
        calls.push("evalsha");
        return driver.evalsha(sha, keys, args);
      },
      eval(source: string, keys: readonly string[], args: readonly RedisArg[]) {
        calls.push("eval");
        return driver.eval(source, keys, args);
      },
    },
  };
}

const settle = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe.skipIf(!url).each(driverCases)("redis client layer over $name", (driverCase) => {
  let handle: DriverHandle;
  const layers: RedisClient[] = [];
  const layer = (options: Parameters<typeof redisClient>[1] = {}, driver?: RedisDriver) => {
    const created = redisClient(driver ?? handle.client, { prefix: `${uniqueName("t")}:`, ...options });
    layers.push(created);
    return created;
  };

  beforeAll(async () => {
    handle = await driverCase.connect(url);
  });
  afterEach(async () => {
    await Promise.all(layers.splice(0).map((created) => created.close()));
  });
  afterAll(async () => {
    await handle.close();
  });

  it("recognises the driver it is given", () => {
    expect(redisClient(handle.client).driver.name).toBe(driverCase.name);
  });

  it("answers a script's bulk strings as bytes when the driver can (ioredis), and says so", async () => {
    const redis = layer();
    const script = defineScript(`-- ${uniqueName("bytes")}\nreturn struct.pack('<Bd', 1, 2.5)`);
    expect(redis.bytesReplies).toBe(driverCase.name === "ioredis");
    if (!redis.bytesReplies) {
      expect(() => redis.runForBytes(script, [])).toThrow(TypeError);
      return;
    }
    const reply = await redis.runForBytes(script, []);
    expect(reply).toBeInstanceOf(Uint8Array);
    const view = new DataView((reply as Uint8Array).buffer, (reply as Uint8Array).byteOffset, 9);
    expect([view.getUint8(0), view.getFloat64(1, true)]).toEqual([1, 2.5]);
  });

  it("loads a script with EVAL on the first NOSCRIPT, then runs it by SHA", async () => {
    const { driver, calls } = counting(toRedisDriver(handle.client));
    const redis = layer({}, driver);
    const script = defineScript(`-- ${uniqueName("load")}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`);
    expect(replyInteger(await redis.run(script, ["n"], [2]))).toBe(2);
    expect(calls).toEqual(["evalsha", "eval"]);
    expect(replyInteger(await redis.run(script, ["n"], [3]))).toBe(5);
    expect(calls).toEqual(["evalsha", "eval", "evalsha"]);
  });

  it("never retries a script that failed for any reason but NOSCRIPT", async () => {
    const { driver, calls } = counting(toRedisDriver(handle.client));
    const redis = layer({}, driver);
    const failing = defineScript(
      `-- ${uniqueName("fail")}\nredis.call('INCR', KEYS[1])\nreturn redis.error_reply('DENIED by script')`,
    );
    const first = await settle(redis.run(failing, ["count"]));
    expect(isRedisCommandError(first)).toBe(true);
    expect((first as Error).message).toContain("DENIED by script");
    expect(calls).toEqual(["evalsha", "eval"]);
    const second = await settle(redis.run(failing, ["count"]));
    expect(isRedisCommandError(second)).toBe(true);
    expect(calls).toEqual(["evalsha", "eval", "evalsha"]);
    // The script's write happened exactly once per call.
    expect(await redis.get("count")).toBe("2");

    const broken = defineScript(`-- ${uniqueName("broken")}\nreturn redis.call('NO-SUCH-COMMAND')`);
    calls.length = 0;
    expect(isRedisCommandError(await settle(redis.run(broken, [])))).toBe(true);
    expect(calls).toEqual(["evalsha", "eval"]);
  });

  it("applies the prefix to keys, script keys and channels", async () => {
    const prefix = `${uniqueName("pfx")}:`;
    const redis = layer({ prefix });
    expect(redis.key("a")).toBe(`${prefix}a`);
    expect(await redis.set("a", "1")).toBe(true);
    expect(await handle.command(["GET", `${prefix}a`])).toBe("1");
    const echo = defineScript("return KEYS[1]");
    expect(replyString(await redis.run(echo, ["b"]))).toBe(`${prefix}b`);
    expect(await redis.get("a")).toBe("1");
    expect(await redis.del("a", "missing")).toBe(1);
    expect(await handle.command(["EXISTS", `${prefix}a`])).toBe(0);

    const received = new Promise<string>((resolve) => {
      void redis.subscribe("news", resolve);
    });
    await vi.waitFor(async () => {
      expect(await handle.command(["PUBSUB", "NUMSUB", `${prefix}news`])).toEqual([`${prefix}news`, 1]);
    });
    expect(await handle.command(["PUBLISH", `${prefix}news`, "hello"])).toBe(1);
    expect(await received).toBe("hello");
  });

  it("sets with NX and PX", async () => {
    const redis = layer();
    expect(await redis.set("lock", "a", { nx: true, px: 60_000 })).toBe(true);
    expect(await redis.set("lock", "b", { nx: true, px: 60_000 })).toBe(false);
    expect(await redis.get("lock")).toBe("a");
    const ttl = replyInteger(await handle.command(["PTTL", redis.key("lock")]));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await redis.get("missing")).toBeUndefined();
    await expect(redis.set("lock", "c", { px: 0 })).rejects.toThrow(RangeError);
  });

  it("reads the server's TIME in milliseconds", async () => {
    const redis = layer();
    const reply = (await handle.command(["TIME"])) as [string, string];
    const time = await redis.time();
    expect(time).toBeGreaterThanOrEqual(Number(reply[0]) * 1000);
  });

  it("leaves no timer behind once a call settled", async () => {
    const clock = new FakeClock();
    const redis = layer({ clock, timeout: 5_000 });
    await redis.set("k", "v");
    await settle(redis.run(defineScript("return redis.error_reply('ERR nope')"), []));
    expect(clock.pending).toBe(0);
  });

  it("round-trips pub/sub on a second connection and unsubscribes", async () => {
    const redis = layer();
    const first: string[] = [];
    const second: string[] = [];
    const a = await redis.subscribe("events", (message) => first.push(message));
    const b = await redis.subscribe("events", (message) => second.push(message));
    expect(await redis.publish("events", "one")).toBe(1); // one subscriber connection
    await vi.waitFor(() => expect(second).toEqual(["one"]));
    expect(first).toEqual(["one"]);
    await a.unsubscribe();
    await a.unsubscribe(); // idempotent
    expect(await redis.publish("events", "two")).toBe(1);
    await vi.waitFor(() => expect(second).toEqual(["one", "two"]));
    expect(first).toEqual(["one"]);
    await b.unsubscribe();
    expect(await redis.publish("events", "three")).toBe(0);
  });

  it("reports a throwing listener to onError and keeps delivering", async () => {
    const errors: unknown[] = [];
    const redis = layer({ onError: (error) => errors.push(error) });
    const got: string[] = [];
    await redis.subscribe("c", () => {
      throw new Error("listener bug");
    });
    await redis.subscribe("c", (message) => got.push(message));
    await redis.publish("c", "m");
    await vi.waitFor(() => expect(got).toEqual(["m"]));
    expect(errors).toHaveLength(1);
  });

  it("closes only its own pub/sub connection (close and asyncDispose)", async () => {
    const prefix = `${uniqueName("own")}:`;
    {
      await using redis = redisClient(handle.client, { prefix });
      await redis.subscribe("x", () => {});
      expect(await handle.command(["PUBSUB", "NUMSUB", `${prefix}x`])).toEqual([`${prefix}x`, 1]);
    }
    await vi.waitFor(async () => {
      expect(await handle.command(["PUBSUB", "NUMSUB", `${prefix}x`])).toEqual([`${prefix}x`, 0]);
    });
    // The user's client is untouched.
    expect(await handle.command(["PING"])).toBe("PONG");

    const redis = redisClient(handle.client, { prefix });
    await redis.close();
    await redis.close(); // idempotent
    expect(redis.closed).toBe(true);
    const error = await settle(redis.get("k"));
    expect(isRedisUnavailableError(error)).toBe(true);
    expect(isRedisUnavailableError(await settle(redis.subscribe("x", () => {})))).toBe(true);
    expect(await handle.command(["PING"])).toBe("PONG");
  });

  describe.skipIf(!hasRedisServer())("against a private server", () => {
    let server: RedisServer;
    let own: DriverHandle;
    beforeAll(async () => {
      server = await startRedisServer();
      own = await driverCase.connect(server.url);
    });
    afterAll(async () => {
      await own?.close();
      await server?.stop();
    });

    it("recovers after SCRIPT FLUSH", async () => {
      const { driver, calls } = counting(toRedisDriver(own.client));
      const redis = layer({}, driver);
      const script = defineScript("return redis.call('INCR', KEYS[1])");
      expect(await redis.run(script, ["c"])).toBe(1);
      expect(await redis.run(script, ["c"])).toBe(2);
      expect(calls).toEqual(["evalsha", "eval", "evalsha"]);
      await own.command(["SCRIPT", "FLUSH"]);
      calls.length = 0;
      expect(await redis.run(script, ["c"])).toBe(3);
      expect(calls).toEqual(["evalsha", "eval"]);
    });

    it("rejects with RedisTimeoutError when the server does not answer, leaving no timer", async () => {
      const clock = new FakeClock();
      const redis = layer({ clock, timeout: 100 }, toRedisDriver(own.client));
      await own.command(["CLIENT", "PAUSE", "1000", "ALL"]);
      const call = redis.get("k");
      const outcome = settle(call);
      await vi.waitFor(() => expect(clock.pending).toBe(1));
      await clock.advance(100);
      const error = await outcome;
      expect(isRedisTimeoutError(error)).toBe(true);
      expect(error).toMatchObject({ command: "GET", timeoutMs: 100 });
      expect(clock.pending).toBe(0);
      // Once the pause is over, the same client answers again.
      expect(await redis.set("k", "after")).toBe(true);
      expect(clock.pending).toBe(0);
    });

    it("fails fast with RedisUnavailableError while Redis is down, and recovers", async () => {
      const redis = layer({ timeout: 0 }, toRedisDriver(own.client)); // no timeout: the failure must come from the driver itself
      const script = defineScript("return redis.call('INCR', KEYS[1])");
      expect(await redis.run(script, ["f"])).toBe(1);
      await server.stop();
      await vi.waitFor(() => expect(own.ready()).toBe(false));
      for (const call of [redis.run(script, ["f"]), redis.set("a", "b"), redis.time()]) {
        expect(isRedisUnavailableError(await settle(call))).toBe(true);
      }
      await server.start();
      await vi.waitFor(() => expect(own.ready()).toBe(true), { timeout: 5_000 });
      // The restarted server is empty: the script is reloaded through NOSCRIPT.
      expect(await redis.run(script, ["f"])).toBe(1);
    });

    it("fails a command that is in flight when Redis dies, instead of hanging", async () => {
      const redis = layer({ timeout: 0 }, toRedisDriver(own.client));
      await own.command(["CLIENT", "PAUSE", "5000", "ALL"]);
      const inFlight = settle(redis.set("k", "v"));
      await new Promise((resolve) => setTimeout(resolve, 20)); // let the command reach the socket
      await server.stop();
      expect(isRedisUnavailableError(await inFlight)).toBe(true);
      await server.start();
      await vi.waitFor(() => expect(own.ready()).toBe(true), { timeout: 5_000 });
      expect(await redis.set("k", "v")).toBe(true);
    });

    it("rejects a subscribe made while Redis is down, and subscribes once it is back", async () => {
      const redis = layer({ timeout: 100 }, toRedisDriver(own.client));
      await server.stop();
      await vi.waitFor(() => expect(own.ready()).toBe(false));
      const got: string[] = [];
      const error = await settle(redis.subscribe("late", (message) => got.push(message)));
      expect(isRedisTimeoutError(error) || isRedisUnavailableError(error)).toBe(true);
      await server.start();
      await vi.waitFor(() => expect(own.ready()).toBe(true), { timeout: 5_000 });
      await vi.waitFor(() => redis.subscribe("late", (message) => got.push(message)), { timeout: 5_000 });
      expect(await redis.publish("late", "hello")).toBe(1);
      await vi.waitFor(() => expect(got).toEqual(["hello"]));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(got).toEqual(["hello"]); // delivered once, not once per subscribe attempt
    });

    it("keeps its subscriptions across a Redis restart (the driver resubscribes)", async () => {
      const redis = layer({}, toRedisDriver(own.client));
      const got: string[] = [];
      await redis.subscribe("restart", (message) => got.push(message));
      await server.stop();
      await server.start();
      await vi.waitFor(() => expect(own.ready()).toBe(true), { timeout: 5_000 });
      await vi.waitFor(async () => expect(await redis.publish("restart", "back")).toBe(1), {
        timeout: 5_000,
      });
      await vi.waitFor(() => expect(got).toContain("back"));
    });
  });
});
