import { type Clock, systemClock } from "../clock.js";
import { BrokenCircuitError, type RejectingState } from "../errors/broken-circuit-error.js";
import { type EventHandler, emit } from "../events.js";
import {
  type ExecuteOptions,
  type Policy,
  type PolicyContext,
  type PolicyFn,
  toContext,
} from "../policy/policy.js";
import {
  type BreakerAdmission,
  type BreakerMachine,
  type BreakerMachineEvent,
  type BreakerMachineState,
  breakerMachine,
  type CircuitState,
} from "./machine.js";
import type { BreakerAcquisition, BreakerPermit } from "./permit.js";
import type { BreakerStateStore, ProbeLease } from "./state-store.js";
import { anyOf, type BreakerStrategy, consecutive } from "./strategies.js";

/** A breaker's state as plain JSON, for `toJSON()` and `initialState`. */
export interface CircuitBreakerSnapshot {
  readonly state: CircuitState;
  /** When open: the time (ms, clock time) it may half-open. */
  readonly reopenAt?: number;
  readonly openedAt?: number;
  readonly reason?: string;
  /** Opens since it was last closed. */
  readonly trips?: number;
}

/** Options of `circuitBreaker()`. */
export interface CircuitBreakerOptions {
  /** Names the breaker in events, errors and the shared store (default `"breaker"`). */
  readonly name?: string;
  /** When to open (default `consecutive({ threshold: 5 })`); an array opens when any of them says so. */
  readonly strategy?: BreakerStrategy | readonly BreakerStrategy[];
  /** How long to stay open, in ms, or a function of the consecutive opens so far (1, 2, …) (default 10 000). */
  readonly openFor?: number | ((trips: number) => number);
  /** Concurrent probe calls admitted while half-open (default 1). */
  readonly halfOpenProbes?: number;
  /** Probe successes that close the breaker (default 1). */
  readonly successThreshold?: number;
  /** A half-open state older than this re-opens, so a hung probe cannot wedge the breaker (default 30 000). */
  readonly maxHalfOpenMs?: number;
  /** Which errors count as failures (default: all). Others pass through uncounted. */
  readonly isFailure?: (error: unknown) => boolean;
  /** Which results count as failures (e.g. a 503 `Response`); default: none. */
  readonly isResultFailure?: (result: unknown) => boolean;
  readonly clock?: Clock;
  readonly onEvent?: EventHandler;
  /** Restores a state saved with `toJSON()`. A half-open snapshot restores as open and due to half-open. */
  readonly initialState?: CircuitBreakerSnapshot;
  /** Shares opens, closes and half-open probes with breakers of the same `name` on other instances. */
  readonly store?: BreakerStateStore;
}

/**
 * A circuit breaker: a `Policy` that stops calling a failing dependency for a while and then lets a few
 * probes test it.
 *
 * @example
 * const breaker = circuitBreaker({ name: "payments", strategy: countWindow({ size: 20 }), openFor: 5_000 });
 * const charge = await breaker.execute(({ signal }) => fetch(url, { signal }));
 */
export interface CircuitBreaker extends Policy {
  readonly name: string;
  /** The current state, shared state included (a half-open that outlived `maxHalfOpenMs` reads as open). */
  readonly state: CircuitState;
  /** Opens the breaker until `reset()`: every call is refused with `BrokenCircuitError` (`retryAfterMs: Infinity`). */
  isolate(): void;
  /** Closes the breaker with empty counts. */
  reset(): void;
  /** The state as JSON; pass it back as `initialState` to restore. */
  toJSON(): CircuitBreakerSnapshot;
  /**
   * Admission without running anything, for code that runs the call itself (an Effect fiber, a stream):
   * answers a `BreakerPermit` to report the outcome on, or the `BrokenCircuitError` it would have thrown
   * (returned, not thrown; `breaker_rejected` is emitted). Synchronous except for a half-open probe through
   * a store whose `acquireProbe` is asynchronous, which answers a promise that never rejects. A closed
   * breaker answers the same permit for every call of one epoch, so admission allocates nothing.
   *
   * @example
   * const permit = breaker.tryAcquire();
   * if (permit instanceof Promise || isBrokenCircuitError(permit)) return fallbackAnswer;
   * try {
   *   const value = compute();
   *   permit.success(value);
   *   return value;
   * } catch (error) {
   *   permit.failure(error);
   *   throw error;
   * }
   */
  tryAcquire(): BreakerAcquisition;
}

function openForOf(option: CircuitBreakerOptions["openFor"]): (trips: number) => number {
  if (typeof option === "function") return option;
  const ms = option ?? 10_000;
  if (!(ms >= 0)) throw new RangeError(`openFor must be a non-negative number, got ${ms}`);
  return () => ms;
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function restore(m: BreakerMachine, snapshot: CircuitBreakerSnapshot | undefined): BreakerMachineState {
  const initial = m.initial();
  if (snapshot === undefined) return initial;
  const trips = Math.max(1, snapshot.trips ?? 1);
  switch (snapshot.state) {
    case "isolated":
      return { kind: "isolated", epoch: 1 };
    case "open":
    case "half-open":
      return {
        kind: "open",
        epoch: 1,
        openedAt: snapshot.openedAt ?? 0,
        reopenAt: snapshot.state === "open" ? (snapshot.reopenAt ?? 0) : Number.NEGATIVE_INFINITY,
        reason: snapshot.reason ?? "restored",
        trips,
      };
    default:
      return initial;
  }
}

/** The lease a probe holds when the shared store is down: the probe runs on local state alone. */
const LOCAL_LEASE: ProbeLease = Object.freeze({ release() {} });

interface Handlers {
  readonly epoch: number;
  readonly ok: (value: unknown) => unknown;
  readonly err: (error: unknown) => never;
}

class Breaker implements CircuitBreaker {
  readonly name: string;
  readonly #m: BreakerMachine;
  readonly #clock: Clock;
  readonly #onEvent: EventHandler | undefined;
  readonly #isFailure: ((error: unknown) => boolean) | undefined;
  readonly #isResultFailure: ((result: unknown) => boolean) | undefined;
  readonly #store: BreakerStateStore | undefined;
  readonly #timed: boolean;
  #s: BreakerMachineState;
  #handlers: Handlers | undefined;
  /** The permit every plain call of the current closed epoch shares (untimed, no probe lease). */
  #permit: (BreakerPermit & { readonly epoch: number }) | undefined;

  constructor(options: CircuitBreakerOptions) {
    this.name = options.name ?? "breaker";
    const s = options.strategy ?? consecutive();
    const strategy = Array.isArray(s) ? anyOf(...s) : (s as BreakerStrategy);
    const maxHalfOpenMs = options.maxHalfOpenMs ?? 30_000;
    if (!(maxHalfOpenMs > 0)) throw new RangeError(`maxHalfOpenMs must be positive, got ${maxHalfOpenMs}`);
    this.#m = breakerMachine({
      strategy,
      openFor: openForOf(options.openFor),
      halfOpenProbes: positiveInt(options.halfOpenProbes ?? 1, "halfOpenProbes"),
      successThreshold: positiveInt(options.successThreshold ?? 1, "successThreshold"),
      maxHalfOpenMs,
    });
    this.#clock = options.clock ?? systemClock;
    this.#onEvent = options.onEvent;
    this.#isFailure = options.isFailure;
    this.#isResultFailure = options.isResultFailure;
    this.#store = options.store;
    this.#timed = strategy.needsTime;
    this.#s = restore(this.#m, options.initialState);
  }

  get state(): CircuitState {
    const now = this.#clock.now();
    if (this.#store !== undefined) this.#syncShared(this.#store, now);
    this.#set(this.#m.settle(this.#s, now), now);
    return this.#s.kind;
  }

  execute<T>(fn: PolicyFn<T>, options?: ExecuteOptions): Promise<T> {
    const s = this.#s;
    if (s.kind === "closed") {
      const store = this.#store;
      if (store === undefined) return this.#run(fn, toContext(options), s.epoch, undefined);
      // Shared state: one cached, in-process read per call; counting stays local.
      this.#syncShared(store, this.#clock.now());
      if (this.#s === s) return this.#run(fn, toContext(options), s.epoch, undefined);
    }
    return this.#admit(fn, toContext(options));
  }

  tryAcquire(): BreakerAcquisition {
    const s = this.#s;
    if (s.kind === "closed" && !this.#timed) {
      const store = this.#store;
      if (store !== undefined) this.#syncShared(store, this.#clock.now());
      if (this.#s === s) {
        let permit = this.#permit;
        if (permit === undefined || permit.epoch !== s.epoch)
          permit = this.#permit = this.#permitFor(s.epoch, 0, undefined);
        return permit;
      }
    }
    const now = this.#clock.now();
    const admission = this.#admission(now);
    const epoch = admission.state.epoch;
    if (admission.verdict === "reject") return this.#rejection(admission.state.kind, admission.retryAfterMs);
    const start = this.#timed ? now : 0;
    const store = this.#store;
    if (admission.verdict === "call" || store === undefined) return this.#permitFor(epoch, start, undefined);
    let leased: ReturnType<BreakerStateStore["acquireProbe"]>;
    try {
      leased = this.#leaseProbe(store, now);
    } catch {
      leased = LOCAL_LEASE;
    }
    if (!(leased instanceof Promise)) return this.#probePermit(leased, epoch, start);
    return leased.then(
      (lease) => this.#probePermit(lease, epoch, start),
      () => this.#probePermit(LOCAL_LEASE, epoch, start),
    );
  }

  isolate(): void {
    this.#apply({ type: "isolate" }, this.#clock.now());
  }

  reset(): void {
    const now = this.#clock.now();
    const wasOpen = this.#s.kind !== "closed";
    this.#apply({ type: "reset" }, now);
    if (wasOpen) this.#storeClose();
  }

  toJSON(): CircuitBreakerSnapshot {
    const s = this.#m.settle(this.#s, this.#clock.now());
    switch (s.kind) {
      case "open":
        return {
          state: "open",
          openedAt: s.openedAt,
          reopenAt: s.reopenAt,
          reason: s.reason,
          trips: s.trips,
        };
      case "half-open":
        return { state: "half-open", openedAt: s.since, trips: s.trips };
      default:
        return { state: s.kind };
    }
  }

  /** Asks the machine (shared state first) whether a call may run now, and moves to its answer. */
  #admission(now: number): BreakerAdmission {
    const store = this.#store;
    if (store !== undefined) this.#syncShared(store, now);
    const admission = this.#m.admit(this.#s, now);
    this.#set(admission.state, now);
    return admission;
  }

  #admit<T>(fn: PolicyFn<T>, context: PolicyContext): Promise<T> {
    const now = this.#clock.now();
    const admission = this.#admission(now);
    const epoch = admission.state.epoch;
    if (admission.verdict === "call") return this.#run(fn, context, epoch, undefined);
    if (admission.verdict === "reject") return this.#reject(admission.state.kind, admission.retryAfterMs);
    const store = this.#store;
    if (store === undefined) return this.#run(fn, context, epoch, undefined);
    return this.#probe(store, fn, context, epoch, now);
  }

  #leaseProbe(store: BreakerStateStore, now: number): ReturnType<BreakerStateStore["acquireProbe"]> {
    const { halfOpenProbes, maxHalfOpenMs } = this.#m.config;
    return store.acquireProbe(this.name, halfOpenProbes, maxHalfOpenMs, now);
  }

  /** A probe's permit once the shared store answered, or the refusal when every shared slot is taken. */
  #probePermit(
    lease: ProbeLease | undefined,
    epoch: number,
    start: number,
  ): BreakerPermit | BrokenCircuitError {
    if (lease === undefined) return this.#leaseRefused(epoch);
    return this.#permitFor(epoch, start, lease);
  }

  /** Every shared probe slot is taken: frees the local one and answers the refusal. */
  #leaseRefused(epoch: number): BrokenCircuitError {
    const later = this.#clock.now();
    this.#apply({ type: "ignored", epoch }, later);
    const s = this.#s;
    const retryAfterMs =
      s.kind === "half-open" ? Math.max(1, s.since + this.#m.config.maxHalfOpenMs - later) : 1;
    return this.#rejection("half-open", retryAfterMs);
  }

  #permitFor(epoch: number, start: number, lease: ProbeLease | undefined): BreakerPermit & { epoch: number } {
    return {
      epoch,
      success: (value?: unknown) => this.#settleValue(value, epoch, start, lease),
      failure: (error: unknown) => this.#settleError(error, epoch, start, lease),
      release: () => this.#settle("ignored", epoch, start, lease),
    };
  }

  async #probe<T>(
    store: BreakerStateStore,
    fn: PolicyFn<T>,
    context: PolicyContext,
    epoch: number,
    now: number,
  ): Promise<T> {
    let lease: ProbeLease | undefined;
    try {
      lease = await this.#leaseProbe(store, now);
    } catch {
      lease = LOCAL_LEASE; // the store is down: probe locally
    }
    if (lease === undefined) return Promise.reject(this.#leaseRefused(epoch));
    return this.#run(fn, context, epoch, lease);
  }

  #syncShared(store: BreakerStateStore, now: number): void {
    let shared: ReturnType<BreakerStateStore["peek"]>;
    try {
      shared = store.peek(this.name, now);
    } catch {
      return;
    }
    if (shared === undefined) return;
    const kind = this.#s.kind;
    if (shared.open) {
      if (kind !== "isolated") this.#apply({ type: "remote_open", until: shared.until }, now);
    } else if (kind === "open" || kind === "half-open") {
      this.#apply({ type: "remote_close" }, now);
    }
  }

  #reject(state: CircuitState, retryAfterMs: number): Promise<never> {
    return Promise.reject(this.#rejection(state, retryAfterMs));
  }

  /** The refusal for a call, announced with `breaker_rejected`. */
  #rejection(state: CircuitState, retryAfterMs: number): BrokenCircuitError {
    emit(this.#onEvent, { type: "breaker_rejected", breaker: this.name, retryAfterMs });
    const rejecting: RejectingState = state === "closed" ? "open" : state;
    return new BrokenCircuitError(this.name, rejecting, retryAfterMs);
  }

  #run<T>(fn: PolicyFn<T>, context: PolicyContext, epoch: number, lease: ProbeLease | undefined): Promise<T> {
    const start = this.#timed ? this.#clock.now() : 0;
    let result: T | PromiseLike<T>;
    try {
      result = fn(context);
    } catch (error) {
      this.#settleError(error, epoch, start, lease);
      return Promise.reject(error);
    }
    if (result instanceof Promise && lease === undefined && !this.#timed) {
      // The hot path: handlers made once per epoch, so a closed breaker's call allocates no closures.
      let h = this.#handlers;
      if (h === undefined || h.epoch !== epoch) h = this.#handlers = this.#makeHandlers(epoch);
      return result.then(h.ok, h.err) as Promise<T>;
    }
    if (result !== null && typeof (result as PromiseLike<T>)?.then === "function") {
      return Promise.resolve(result).then(
        (value) => {
          this.#settleValue(value, epoch, start, lease);
          return value;
        },
        (error: unknown) => {
          this.#settleError(error, epoch, start, lease);
          throw error;
        },
      );
    }
    this.#settleValue(result as T, epoch, start, lease);
    return Promise.resolve(result as T);
  }

  #makeHandlers(epoch: number): Handlers {
    return {
      epoch,
      ok: (value: unknown) => {
        this.#settleValue(value, epoch, 0, undefined);
        return value;
      },
      err: (error: unknown) => {
        this.#settleError(error, epoch, 0, undefined);
        throw error;
      },
    };
  }

  #settleValue(value: unknown, epoch: number, start: number, lease: ProbeLease | undefined): void {
    const failed = this.#isResultFailure?.(value) === true;
    const s = this.#s;
    if (!failed && s.kind === "closed" && s.epoch === epoch && !this.#timed && lease === undefined) {
      // The hot path, exactly `transition(closed, success)` without building the event.
      if (s.window.record(false, 0, 0) === undefined) return;
    }
    this.#settle(failed ? "failure" : "success", epoch, start, lease);
  }

  #settleError(error: unknown, epoch: number, start: number, lease: ProbeLease | undefined): void {
    const counted = this.#isFailure === undefined || this.#isFailure(error);
    this.#settle(counted ? "failure" : "ignored", epoch, start, lease);
  }

  #settle(
    type: "success" | "failure" | "ignored",
    epoch: number,
    start: number,
    lease: ProbeLease | undefined,
  ) {
    lease?.release();
    const now = this.#clock.now();
    const event: BreakerMachineEvent =
      type === "ignored" ? { type, epoch } : { type, epoch, durationMs: this.#timed ? now - start : 0 };
    this.#apply(event, now);
  }

  #apply(event: BreakerMachineEvent, now: number): void {
    this.#set(this.#m.transition(this.#s, event, now), now);
  }

  #set(next: BreakerMachineState, now: number): void {
    const prev = this.#s;
    if (next === prev) return;
    this.#s = next;
    if (next.kind === prev.kind) return;
    const name = this.name;
    switch (next.kind) {
      case "open":
        emit(this.#onEvent, {
          type: "breaker_opened",
          breaker: name,
          reason: next.reason,
          retryAfterMs: Math.max(0, next.reopenAt - now),
        });
        if (next.reason !== "remote" && this.#store !== undefined) {
          try {
            this.#store.open(name, next.reopenAt, now);
          } catch {
            // A store must not throw; if one does, the breaker stays local.
          }
        }
        break;
      case "half-open":
        emit(this.#onEvent, { type: "breaker_half_open", breaker: name });
        break;
      case "closed":
        emit(this.#onEvent, { type: "breaker_closed", breaker: name });
        if (prev.kind === "half-open") this.#storeClose();
        break;
      case "isolated":
        emit(this.#onEvent, { type: "breaker_isolated", breaker: name });
        break;
    }
  }

  #storeClose(): void {
    try {
      this.#store?.close(this.name);
    } catch {
      // See above.
    }
  }
}

/**
 * Makes a circuit breaker. Closed, it counts outcomes with its `strategy`; open, it refuses calls with
 * `BrokenCircuitError` (carrying `retryAfterMs`) until `openFor` has passed; then the next call finds it
 * half-open and up to `halfOpenProbes` concurrent probes run, the rest refused at once. `successThreshold`
 * probe successes close it; a probe failure, or a half-open older than `maxHalfOpenMs`, re-opens it. No
 * timers: every transition happens when a call or a settle observes the clock.
 *
 * @example
 * const breaker = circuitBreaker({
 *   name: "partner-api",
 *   strategy: [countWindow({ size: 20, failureRate: 0.5 }), slowCalls({ slowMs: 2_000 })],
 *   openFor: (trips) => Math.min(60_000, 5_000 * 2 ** (trips - 1)),
 *   halfOpenProbes: 2,
 *   isResultFailure: (res) => res instanceof Response && res.status >= 500,
 * });
 * const res = await breaker.execute(({ signal }) => fetch("https://partner.example/api", { signal }));
 */
export function circuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  return new Breaker(options);
}
