import { consecutive } from "@goggles/core";
import { redisUrlForTests } from "@goggles/testkit";
import { Effect, Layer } from "effect";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { circuitBreaker } from "../src/policy/circuit-breaker.js";
import { GogglesRedis, redisBreakerStates } from "../src/redis.js";

const url = redisUrlForTests();

describe.skipIf(!url)("redisBreakerStates (real redis-server)", () => {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  beforeAll(() => redis.ping());
  afterAll(() => redis.quit());
  const prefix = `effect-breaker-test:${process.pid}:${Date.now()}:`;
  const StatesLive = redisBreakerStates().pipe(Layer.provide(GogglesRedis.layer(redis, { prefix })));

  it("breakers of one name made under the layer share an open through Redis", () =>
    Effect.runPromise(
      Effect.gen(function* () {
        const a = yield* circuitBreaker({
          name: "partner",
          strategy: consecutive({ threshold: 1 }),
          openFor: 60_000,
        });
        const b = yield* circuitBreaker({
          name: "partner",
          strategy: consecutive({ threshold: 1 }),
          openFor: 60_000,
        });
        yield* Effect.exit(Effect.fail("down").pipe(a));
        expect((yield* Effect.flip(Effect.succeed(1).pipe(b)))._tag).toBe("BrokenCircuitError");
        const keys = yield* Effect.promise(() => redis.keys(`${prefix}*`));
        expect(keys.length).toBeGreaterThan(0);
      }).pipe(Effect.provide(StatesLive)),
    ));

  it("the layer never closes the client it was given", async () => {
    await Effect.runPromise(Effect.provide(Effect.void, StatesLive));
    expect(await redis.ping()).toBe("PONG");
  });
});
