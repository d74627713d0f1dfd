import {
  type BreakerStateStore,
  type LimiterStore,
  type MemoryBreakerStateStoreOptions,
  MemoryStore,
  type MemoryStoreOptions,
  memoryBreakerStateStore,
} from "@goggles/core";
import { Context, Layer } from "effect";

/**
 * Where limiters keep their token buckets: `make(name)` gives each limiter its own store (a `MemoryStore`,
 * or a Redis store under its own prefix). Without this service in context, each limiter gets a new
 * `MemoryStore`.
 *
 * @example
 * program.pipe(Effect.provide(LimiterStores.memory({ maxKeys: 50_000 })));
 */
export class LimiterStores extends Context.Service<
  LimiterStores,
  { readonly make: (name: string) => LimiterStore }
>()("@goggles/effect/LimiterStores") {
  /** Bounded in-memory stores, one per limiter (the default when no layer is given). */
  static memory(options?: MemoryStoreOptions): Layer.Layer<LimiterStores> {
    return Layer.succeed(LimiterStores, { make: () => new MemoryStore(options) });
  }
}

/**
 * Where circuit breakers share their opens and half-open probes (core's `BreakerStateStore`). Breakers made
 * while this service is in context use it, so breakers with the same name open and close together.
 *
 * @example
 * program.pipe(Effect.provide(BreakerStates.memory()));
 */
export class BreakerStates extends Context.Service<BreakerStates, BreakerStateStore>()(
  "@goggles/effect/BreakerStates",
) {
  /** Breakers of one process share state (bounded, no timers). */
  static memory(options?: MemoryBreakerStateStoreOptions): Layer.Layer<BreakerStates> {
    return Layer.sync(BreakerStates, () => memoryBreakerStateStore(options));
  }
}
