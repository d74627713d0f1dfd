/**
 * The source of time for every goggles policy. `now()` is wall time in milliseconds;
 * `sleep()` waits and rejects with the signal's reason when the signal aborts.
 *
 * Policies never call `Date.now()` or `setTimeout` themselves: they take a `Clock`, so tests can
 * drive them with `FakeClock` from `@goggles/core/testing`.
 *
 * @example
 * const clock: Clock = { now: () => performance.timeOrigin + performance.now(), sleep: systemClock.sleep };
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds; rejects with `signal.reason` if the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Optional: calls `callback` after `ms` milliseconds unless the returned function cancels it first. Policies
   * use it on hot paths (a timeout per call) because an `AbortController` per call costs microseconds on Node;
   * a clock without it still works, through `sleep`. See `scheduleOn`.
   */
  schedule?(ms: number, callback: () => void): () => void;
}

/** The reason internal cancellations use: a constant, so cancelling allocates no `DOMException`. */
const CANCELLED: unknown = Object.freeze({ cancelled: true });
const ignore = () => {};

/**
 * Runs `callback` after `ms` on `clock`, returning a function that cancels it: through `clock.schedule` when
 * the clock has it, otherwise through `clock.sleep` with an `AbortController`.
 *
 * @example
 * const cancel = scheduleOn(clock, 500, () => controller.abort(new TimeoutError(500)));
 * try { return await work(); } finally { cancel(); }
 */
export function scheduleOn(clock: Clock, ms: number, callback: () => void): () => void {
  if (clock.schedule !== undefined) return clock.schedule(ms, callback);
  const controller = new AbortController();
  clock.sleep(ms, controller.signal).then(callback, ignore);
  return () => controller.abort(CANCELLED);
}

/** The reason a sleep rejects with when its signal aborted without a reason of its own. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/**
 * The real clock: `Date.now()` and `setTimeout`, looked up lazily so that test tools which replace the
 * globals after import are still honoured. Sleeps release their timer as soon as they settle.
 *
 * @example
 * await systemClock.sleep(100, AbortSignal.timeout(50)); // rejects after 50 ms
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms: number, callback: () => void): () => void {
    const timer = setTimeout(callback, Math.max(0, ms));
    return () => clearTimeout(timer);
  },
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal as AbortSignal));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};
