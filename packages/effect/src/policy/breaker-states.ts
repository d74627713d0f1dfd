import {
  type BreakerStateStore,
  type MemoryBreakerStateStoreOptions,
  memoryBreakerStateStore,
} from "@goggles/core";
import { Context, Layer } from "effect";

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
