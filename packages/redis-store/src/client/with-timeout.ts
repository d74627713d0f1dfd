import { type Clock, scheduleOn } from "@goggles/core";
import { RedisTimeoutError } from "../errors/redis-timeout-error.js";

/**
 * Settles like `work`, or rejects with `RedisTimeoutError` once `timeoutMs` has passed on `clock`.
 * The timer is cancelled as soon as `work` settles, so no timer outlives the call; a late
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
    const cancel = scheduleOn(clock, timeoutMs, () => reject(new RedisTimeoutError(command, timeoutMs)));
    work.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        cancel();
        reject(error);
      },
    );
  });
}
