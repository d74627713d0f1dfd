/**
 * What a core policy hands to the work it runs (core's `PolicyContext`): the `AbortSignal` to honour and
 * the attempt number (`retry()` counts from 1; 0 outside any retry).
 */
export interface PolicyCallContext {
  readonly signal?: AbortSignal | undefined;
  readonly attempt: number;
}

/**
 * The shape of a core `Policy` (`circuitBreaker()`, `timeout()`, `retry()`, `bulkhead()`, `fallback()`,
 * `wrap(...)`): anything with `execute(fn, { signal })`. `R` is what it may answer with instead (a
 * fallback's value).
 *
 * @example
 * const policy: PolicyLike = wrap(retry({ maxAttempts: 3 }), timeout(1_000));
 */
export interface PolicyLike<R = never> {
  execute<T>(
    fn: (context: PolicyCallContext) => T | PromiseLike<T>,
    options?: { readonly signal?: AbortSignal | undefined },
  ): Promise<T | R>;
}
