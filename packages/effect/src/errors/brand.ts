/**
 * The brand core's `isGogglesError` looks for (`Symbol.for`, so it is the same symbol as core's). Tagged
 * errors carry it with the core `code`, so core policies recognise them: a core `retry()` around an Effect
 * that failed with `BulkheadRejectedError` does not retry it, exactly as with core's own error.
 * @internal
 */
export const GOGGLES_BRAND: unique symbol = Symbol.for("goggles.error") as never;
