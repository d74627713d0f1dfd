import { type EventHandler, emit } from "../events.js";
import {
  type ExecuteOptions,
  invoke,
  type Policy,
  type PolicyContext,
  type PolicyFn,
  toContext,
} from "./policy.js";

/** Options of `fallback()`. */
export interface FallbackOptions {
  /** Which failures get the fallback (default: all). A caller's abort never does. */
  readonly shouldHandle?: (error: unknown) => boolean;
  readonly onEvent?: EventHandler;
}

/**
 * Answers with a stand-in when the call fails: a value, or a function of the error (sync or async). Put it
 * outermost so it also covers rejections by the bulkhead, the breaker and the timeouts.
 *
 * @example
 * const prices = wrap(fallback(() => cachedPrices()), timeout(500));
 * const list = await prices.execute(({ signal }) => fetchPrices(signal));
 */
export function fallback<R>(
  valueOrFn: R | ((error: unknown, context: PolicyContext) => R | PromiseLike<R>),
  options: FallbackOptions = {},
): Policy<Awaited<R>> {
  const shouldHandle = options.shouldHandle;
  const onEvent = options.onEvent;
  const produce =
    typeof valueOrFn === "function"
      ? (valueOrFn as (error: unknown, context: PolicyContext) => R | PromiseLike<R>)
      : () => valueOrFn;
  return {
    execute<T>(fn: PolicyFn<T>, executeOptions?: ExecuteOptions): Promise<T | Awaited<R>> {
      const context = toContext(executeOptions);
      return invoke(fn, context).catch((error: unknown) => {
        if (context.signal?.aborted || (shouldHandle !== undefined && !shouldHandle(error))) throw error;
        emit(onEvent, { type: "fallback", errorName: error instanceof Error ? error.name : typeof error });
        return produce(error, context) as Awaited<R> | PromiseLike<Awaited<R>>;
      });
    },
  };
}
