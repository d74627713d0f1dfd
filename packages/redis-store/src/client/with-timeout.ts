import type { Clock } from "@goggles/core";
import { RedisTimeoutError } from "../errors/redis-timeout-error.js";

/**
 * Settles like `work`, or rejects with `RedisTimeoutError` once `timeoutMs` has passed on `clock`.
 * The clock's sleep is aborted as soon as `work` settles, so no timer outlives the call; a late
 * rejection of `work` is absorbed. `timeoutMs` of `0` or `Infinity` means no timeout.
 *
 * @example
 * const reply = await withTimeout(driver.time(), 250, systemClock, "TIME");
 */
export function withTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  clock: Clock,
  command: string,
): Promise<T> {
  if (!(timeoutMs > 0) || timeoutMs === Number.POSITIVE_INFINITY) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = new AbortController();
    clock.sleep(timeoutMs, timer.signal).then(
      () => reject(new RedisTimeoutError(command, timeoutMs)),
      () => {}, // aborted: the work settled first
    );
    work.then(
      (value) => {
        timer.abort();
        resolve(value);
      },
      (error: unknown) => {
        timer.abort();
        reject(error);
      },
    );
  });
}
