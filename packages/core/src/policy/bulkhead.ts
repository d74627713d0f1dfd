import { abortReason, type Clock, systemClock } from "../clock.js";
import { BulkheadRejectedError } from "../errors/bulkhead-rejected-error.js";
import { type EventHandler, emit } from "../events.js";
import {
  type ExecuteOptions,
  invoke,
  type Policy,
  type PolicyContext,
  type PolicyFn,
  toContext,
} from "./policy.js";

/** Options of `bulkhead()`. */
export interface BulkheadOptions {
  /** Calls allowed to run at once. */
  readonly limit: number;
  /** Calls allowed to wait for a slot (default 0: reject at once when full). */
  readonly queue?: number;
  /** A queued call waiting longer than this (ms) is rejected with `reason: "queue_timeout"` (default: no limit). */
  readonly queueTimeoutMs?: number;
  readonly clock?: Clock;
  readonly onEvent?: EventHandler;
}

/** A bulkhead policy; it also tells how busy it is. */
export interface Bulkhead extends Policy {
  /** Calls running now. */
  readonly active: number;
  /** Calls waiting now. */
  readonly queued: number;
}

interface Waiter {
  start(): void;
}

/**
 * Caps concurrent calls to one dependency so that, when it slows down, it cannot take every connection,
 * socket or worker. Calls beyond `limit` wait in a FIFO queue of `queue` places; beyond that they are
 * refused at once with `BulkheadRejectedError`. A queued call leaves the queue when its caller aborts.
 *
 * @example
 * const pool = bulkhead({ limit: 10, queue: 20, queueTimeoutMs: 1_000 });
 * await pool.execute(({ signal }) => fetch(url, { signal }));
 */
export function bulkhead(options: BulkheadOptions): Bulkhead {
  const { limit, queueTimeoutMs } = options;
  const capacity = options.queue ?? 0;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`bulkhead: limit must be a positive integer, got ${limit}`);
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new RangeError(`bulkhead: queue must be a non-negative integer, got ${capacity}`);
  }
  const clock = options.clock ?? systemClock;
  const onEvent = options.onEvent;
  const waiting: Waiter[] = [];
  let active = 0;

  const release = () => {
    const next = waiting.shift();
    if (next === undefined) active--;
    else next.start(); // the slot passes straight to the next waiter
  };
  const run = <T>(fn: PolicyFn<T>, context: PolicyContext): Promise<T> =>
    invoke(fn, context).then(
      (value) => {
        release();
        return value;
      },
      (error: unknown) => {
        release();
        throw error;
      },
    );
  const reject = (reason: "full" | "queue_timeout"): BulkheadRejectedError => {
    emit(onEvent, { type: "bulkhead_rejected", active, queued: waiting.length });
    return new BulkheadRejectedError(reason, active, waiting.length);
  };

  return {
    get active() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
    execute<T>(fn: PolicyFn<T>, executeOptions?: ExecuteOptions): Promise<T> {
      const context = toContext(executeOptions);
      const signal = context.signal;
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      if (active < limit) {
        active++;
        return run(fn, context);
      }
      if (waiting.length >= capacity) return Promise.reject(reject("full"));
      return new Promise<T>((resolve, rejectCall) => {
        const timer = queueTimeoutMs === undefined ? undefined : new AbortController();
        const leave = (): boolean => {
          const i = waiting.indexOf(waiter);
          if (i < 0) return false;
          waiting.splice(i, 1);
          timer?.abort();
          signal?.removeEventListener("abort", onAbort);
          return true;
        };
        const onAbort = () => {
          if (leave()) rejectCall(abortReason(signal as AbortSignal));
        };
        const waiter: Waiter = {
          start() {
            timer?.abort();
            signal?.removeEventListener("abort", onAbort);
            run(fn, context).then(resolve, rejectCall);
          },
        };
        waiting.push(waiter);
        signal?.addEventListener("abort", onAbort, { once: true });
        if (timer !== undefined) {
          clock.sleep(queueTimeoutMs as number, timer.signal).then(
            () => {
              if (!waiting.includes(waiter)) return;
              const error = reject("queue_timeout");
              leave();
              rejectCall(error);
            },
            () => {},
          );
        }
      });
    },
  };
}
