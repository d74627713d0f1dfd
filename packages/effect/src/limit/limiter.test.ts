import { type LimiterStore, MemoryStore } from "@goggles/core";
import { Effect, Layer } from "effect";
import { TestClock } from "effect/testing";
import { describe, expect, it } from "vitest";
import { limiter } from "./limiter.js";
import { LimiterStores } from "./limiter-stores.js";

const run = <A, E>(effect: Effect.Effect<A, E>, layer: Layer.Layer<never> = Layer.empty) =>
  Effect.runPromise(Effect.provide(effect, Layer.merge(TestClock.layer(), layer)));

describe("limiter under TestClock", () => {
  it("refuses once the bucket is empty and refills exactly as TestClock advances", () =>
    run(
      Effect.gen(function* () {
        const limit = yield* limiter({ capacity: 2, refillPerSecond: 1 });
        expect((yield* limit.consume("k")).allowed).toBe(true);
        expect((yield* limit.consume("k")).remaining).toBe(0);
        const refused = yield* limit.consume("k");
        expect(refused).toMatchObject({ allowed: false, retryAfterMs: 1_000 });
        yield* TestClock.adjust(999);
        expect((yield* limit.consume("k")).allowed).toBe(false);
        yield* TestClock.adjust(1);
        expect((yield* limit.consume("k")).allowed).toBe(true);
        yield* TestClock.adjust(60_000);
        expect((yield* limit.consume("k", 0)).remaining).toBe(2);
      }),
    ));

  it("take fails with RateLimitedError carrying retryAfterMs; refund and reset give tokens back", () =>
    run(
      Effect.gen(function* () {
        const limit = yield* limiter({ name: "api", capacity: 1, refillPerSecond: 0.5 });
        yield* limit.take("k");
        const error = yield* Effect.flip(limit.take("k"));
        expect(error).toMatchObject({
          _tag: "RateLimitedError",
          policy: "api",
          retryAfterMs: 2_000,
          limit: 1,
        });
        expect(error.message).not.toContain('k"');
        const handled = yield* limit
          .take("k")
          .pipe(Effect.catchTag("RateLimitedError", (e) => Effect.succeed(`wait ${e.retryAfterMs}`)));
        expect(handled).toBe("wait 2000");
        yield* limit.refund("k");
        expect((yield* limit.take("k")).allowed).toBe(true);
        yield* limit.reset("k");
        expect((yield* limit.take("k")).allowed).toBe(true);
      }),
    ));

  it("bad input fails with LimiterInputError (never a defect)", () =>
    run(
      Effect.gen(function* () {
        const limit = yield* limiter({ capacity: 2, refillPerSecond: 1 });
        expect((yield* Effect.flip(limit.consume(""))).code).toBe("LIMITER_INPUT");
        expect((yield* Effect.flip(limit.consume("k", -1)))._tag).toBe("LimiterInputError");
        expect((yield* Effect.flip(limit.consume("k", 3))).code).toBe("COST_EXCEEDS_CAPACITY");
        expect((yield* Effect.flip(limiter({ capacity: 0, refillPerSecond: 1 })))._tag).toBe(
          "LimiterInputError",
        );
      }),
    ));

  it("takes its store from the LimiterStores layer, one per limiter name", () => {
    const made: string[] = [];
    const stores = Layer.succeed(LimiterStores, {
      make: (name: string): LimiterStore => {
        made.push(name);
        return new MemoryStore({ maxKeys: 10 });
      },
    });
    return run(
      Effect.gen(function* () {
        yield* limiter({ name: "login", capacity: 5, refillPerSecond: 1 });
        yield* limiter({
          limits: {
            burst: { capacity: 5, refillPerSecond: 5 },
            daily: { capacity: 100, refillPerSecond: 1 },
          },
        });
        expect(made).toEqual(["login", "burst+daily"]);
      }),
      stores,
    );
  });

  it("LimiterStores.memory gives each limiter its own store", () =>
    run(
      Effect.gen(function* () {
        const a = yield* limiter({ name: "a", capacity: 1, refillPerSecond: 1 });
        const b = yield* limiter({ name: "b", capacity: 1, refillPerSecond: 1 });
        expect(a.limiter.store).not.toBe(b.limiter.store);
        yield* a.take("same-key");
        expect((yield* b.consume("same-key")).allowed).toBe(true);
      }),
      LimiterStores.memory({ maxKeys: 100 }),
    ));
});
