import { type LimiterStore, MemoryStore, type MemoryStoreOptions } from "@goggles/core";
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
