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
