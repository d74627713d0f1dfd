import type { BrokenCircuitError } from "../errors/broken-circuit-error.js";

/**
 * A call a circuit breaker admitted through `tryAcquire()`. Run the call yourself, then report how it ended
 * with exactly one of the three methods; the breaker counts it as `execute` would have.
 *
 * @example
 * const permit = breaker.tryAcquire();
 * if (permit instanceof Promise || isBrokenCircuitError(permit)) return; // see `tryAcquire`
 * try { permit.success(work()); } catch (e) { permit.failure(e); throw e; }
 */
export interface BreakerPermit {
  /** The call returned `value` (counted as a failure when `isResultFailure(value)` says so). */
  success(value?: unknown): void;
  /** The call failed with `error` (counted as a failure unless `isFailure(error)` says otherwise). */
  failure(error: unknown): void;
  /**
   * The call ended neither way (its caller gave up, it was interrupted): nothing is counted, and a
   * half-open probe slot it held is freed.
   */
  release(): void;
}

/**
 * What `tryAcquire()` answers: a permit, the refusal (not thrown), or — only for a half-open probe of a
 * breaker sharing its state through a store whose `acquireProbe` is asynchronous — a promise of one of
 * those that never rejects.
 */
export type BreakerAcquisition =
  | BreakerPermit
  | BrokenCircuitError
  | Promise<BreakerPermit | BrokenCircuitError>;
