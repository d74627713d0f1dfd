/**
 * What every policy hands to the function it runs: the `AbortSignal` the work must honour (each `timeout()`
 * gives its own) and the attempt number (`retry()` counts from 1; 0 outside any retry). `wrap()` passes one
 * context from the outermost policy to the innermost, each policy replacing only what it owns.
 *
 * @example
 * await policy.execute(({ signal, attempt }) => fetch(url, { signal, headers: { "x-attempt": String(attempt) } }));
 */
export interface PolicyContext {
  readonly signal?: AbortSignal | undefined;
  readonly attempt: number;
}

/** What a caller may pass to `execute`: its own signal (honoured by every policy) and, rarely, an attempt. */
export interface ExecuteOptions {
  readonly signal?: AbortSignal | undefined;
  readonly attempt?: number | undefined;
}

/** The work a policy runs. It may return a value or a promise. */
export type PolicyFn<T> = (context: PolicyContext) => T | PromiseLike<T>;

/**
 * An outbound resilience policy: `circuitBreaker()`, `timeout()`, `retry()`, `bulkhead()`, `fallback()` or a
 * `wrap()` of them. `execute` runs `fn` under the policy and settles with its result or a typed error.
 *
 * @example
 * const policy: Policy = wrap(retry({ maxAttempts: 3 }), timeout(1_000));
 * const res = await policy.execute(({ signal }) => fetch(url, { signal }), { signal: request.signal });
 */
export interface Policy<R = never> {
  /** Runs `fn` under the policy. `R` is what the policy may answer with instead (a fallback's value). */
  execute<T>(fn: PolicyFn<T>, options?: ExecuteOptions): Promise<T | R>;
  /**
   * Type-only: what the policy may answer with instead of the work's result, so that `wrap()` can add it
   * up. Boxed so that an answer of `undefined` survives the optional member. Never set at run time.
   */
  readonly "~answers"?: { readonly answer: R };
}

const ROOT: PolicyContext = Object.freeze({ signal: undefined, attempt: 0 });

/** Normalizes `execute`'s options into a context without allocating when it is one already. @internal */
export function toContext(options: ExecuteOptions | undefined): PolicyContext {
  if (options === undefined) return ROOT;
  if (typeof options.attempt === "number") return options as PolicyContext;
  return { signal: options.signal, attempt: 0 };
}

/** Runs `fn`, turning a synchronous throw into a rejection. @internal */
export function invoke<T>(fn: PolicyFn<T>, context: PolicyContext): Promise<T> {
  try {
    return Promise.resolve(fn(context));
  } catch (error) {
    return Promise.reject(error);
  }
}
