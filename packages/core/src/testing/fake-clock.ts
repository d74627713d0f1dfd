import { abortReason, type Clock } from "../clock.js";

interface Sleeper {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

// Captured at load time so that fake timers installed later (vi.useFakeTimers) cannot stall `advance`.
const realSetTimeout = globalThis.setTimeout;
const letPendingWorkRun = () => new Promise<void>((resolve) => realSetTimeout(resolve, 0));

/**
 * A clock that only moves when a test moves it. One `FakeClock` can drive every policy in a test:
 * limiter refill, breaker cool-down, retry backoff, timeouts and webhook tolerance.
 *
 * `advance(ms)` wakes due sleepers one at a time in time order, letting the work they release run
 * before the next one, so a chain of retries with back-off completes within one `advance`.
 *
 * @example
 * const clock = new FakeClock();
 * const slept = clock.sleep(1000);
 * await clock.advance(1000); // `slept` is now resolved
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #sleepers: Sleeper[] = [];

  /** @param start the initial time in ms since the epoch (default `0`). */
  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Number of sleeps still waiting: a test can assert that a policy left nothing behind. */
  get pending(): number {
    return this.#sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#remove(sleeper);
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#insert(sleeper);
    });
  }

  /** Calls `callback` when time reaches now + `ms`; the returned function cancels it. */
  schedule(ms: number, callback: () => void): () => void {
    const sleeper: Sleeper = { at: this.#now + Math.max(0, ms), seq: this.#seq++, resolve: callback };
    this.#insert(sleeper);
    return () => this.#remove(sleeper);
  }

  /**
   * Moves time forward by `ms`, resolving every sleeper that falls due on the way, earliest first.
   * Sleeps started by the released work are honoured if they fall due before the target time.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance: ms must be a non-negative number, got ${ms}`);
    const target = this.#now + ms;
    await letPendingWorkRun();
    for (;;) {
      const next = this.#sleepers[0];
      if (next === undefined || next.at > target) break;
      this.#sleepers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.resolve();
      await letPendingWorkRun();
    }
    this.#now = target;
    await letPendingWorkRun();
  }

  /** Jumps to an absolute time without waking sleepers in between in order; mostly for going backwards. */
  set(time: number): void {
    this.#now = time;
  }

  /** Advances to the next due sleeper (if any) and wakes it and every sleeper due at that same instant. */
  async next(): Promise<void> {
    const first = this.#sleepers[0];
    if (first === undefined) return;
    await this.advance(Math.max(0, first.at - this.#now));
  }

  #insert(sleeper: Sleeper): void {
    const list = this.#sleepers;
    let i = list.length;
    while (i > 0 && (list[i - 1] as Sleeper).at > sleeper.at) i--;
    list.splice(i, 0, sleeper);
  }

  #remove(sleeper: Sleeper): void {
    const i = this.#sleepers.indexOf(sleeper);
    if (i >= 0) this.#sleepers.splice(i, 1);
  }
}
