import { abortReason, type Clock, scheduleOn, systemClock } from "../clock.js";
import { TimeoutError } from "../errors/timeout-error.js";
import { type EventHandler, emit } from "../events.js";
import { type ExecuteOptions, type Policy, type PolicyContext, type PolicyFn, toContext } from "./policy.js";

/** Options of `timeout()`. */
export interface TimeoutOptions {
  readonly clock?: Clock;
  readonly onEvent?: EventHandler;
}

/**
 * Limits each call to `ms`. Every call gets its own `AbortSignal` (never shared between calls), which
 * aborts with a `TimeoutError` when the time is up, or with the caller's reason when the caller's signal
 * aborts; pass it on (`fetch(url, { signal })`) and the work is really cancelled. The call settles at once
 * with that error, and the timer is released as soon as the call settles, so none is left behind.
 *
 * @example
 * const res = await timeout(2_000).execute(({ signal }) => fetch(url, { signal }), { signal: req.signal });
 */
export function timeout(ms: number, options: TimeoutOptions = {}): Policy {
  if (!(ms >= 0)) throw new RangeError(`timeout: ms must be a non-negative number, got ${ms}`);
  const clock = options.clock ?? systemClock;
  const onEvent = options.onEvent;
  return {
    execute<T>(fn: PolicyFn<T>, executeOptions?: ExecuteOptions): Promise<T> {
      const context = toContext(executeOptions);
      const outer = context.signal;
      if (outer?.aborted) return Promise.reject(abortReason(outer));
      return new Promise<T>((resolve, reject) => {
        // The work's signal is made only if the work asks for it: an AbortController costs microseconds on
        // Node, and most calls finish without ever needing to be aborted.
        let work: AbortController | undefined;
        let abortedWith: unknown;
        let aborted = false;
        let done = false;
        const abortWork = (reason: unknown) => {
          aborted = true;
          abortedWith = reason;
          work?.abort(reason);
        };
        const workContext: PolicyContext = {
          get signal() {
            if (work === undefined) {
              work = new AbortController();
              if (aborted) work.abort(abortedWith);
            }
            return work.signal;
          },
          attempt: context.attempt,
        };
        const finish = (): boolean => {
          if (done) return false;
          done = true;
          cancelTimer();
          outer?.removeEventListener("abort", onAbort);
          return true;
        };
        const onAbort = () => {
          const reason = abortReason(outer as AbortSignal);
          if (!finish()) return;
          abortWork(reason);
          reject(reason);
        };
        outer?.addEventListener("abort", onAbort, { once: true });
        const cancelTimer = scheduleOn(clock, ms, () => {
          if (!finish()) return;
          const error = new TimeoutError(ms);
          emit(onEvent, { type: "timeout", timeoutMs: ms });
          abortWork(error);
          reject(error);
        });
        let result: T | PromiseLike<T>;
        try {
          result = fn(workContext);
        } catch (error) {
          if (finish()) reject(error);
          return;
        }
        Promise.resolve(result).then(
          (value) => {
            if (finish()) resolve(value);
          },
          (error: unknown) => {
            if (finish()) reject(error);
          },
        );
      });
    },
  };
}
