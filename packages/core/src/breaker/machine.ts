import type { BreakerStrategy, StrategyWindow } from "./strategies.js";

/** The public state of a circuit breaker. */
export type CircuitState = "closed" | "open" | "half-open" | "isolated";

/**
 * The breaker's whole state, as the pure machine sees it. Every state carries an `epoch` that changes on
 * each transition, so an outcome that arrives after the state moved on (a call admitted while closed that
 * settles after the breaker opened, a hung probe from an earlier half-open) is recognised and ignored.
 * `trips` counts opens since the breaker was last closed (for a growing `openFor`).
 */
export type BreakerMachineState =
  | { readonly kind: "closed"; readonly epoch: number; readonly window: StrategyWindow }
  | {
      readonly kind: "open";
      readonly epoch: number;
      readonly openedAt: number;
      readonly reopenAt: number;
      readonly reason: string;
      readonly trips: number;
    }
  | {
      readonly kind: "half-open";
      readonly epoch: number;
      readonly since: number;
      /** Probes admitted and not yet settled. */
      readonly probes: number;
      readonly successes: number;
      readonly trips: number;
    }
  | { readonly kind: "isolated"; readonly epoch: number };

/** What happened: a call settled (with the epoch it was admitted in), or an operator/peer acted. */
export type BreakerMachineEvent =
  | { readonly type: "success"; readonly epoch: number; readonly durationMs: number }
  | { readonly type: "failure"; readonly epoch: number; readonly durationMs: number }
  /** A call that neither succeeded nor failed (an ignored error, a refused probe lease): frees its probe slot. */
  | { readonly type: "ignored"; readonly epoch: number }
  | { readonly type: "isolate" }
  | { readonly type: "reset" }
  /** Another instance opened the breaker until `until` (possibly past: the breaker is then due to probe). */
  | { readonly type: "remote_open"; readonly until: number }
  /** Another instance closed it after a successful probe. */
  | { readonly type: "remote_close" };

/** The machine's answer to a call asking to run. */
export interface BreakerAdmission {
  readonly state: BreakerMachineState;
  readonly verdict: "call" | "probe" | "reject";
  /** When rejected: ms until a call may be admitted again. */
  readonly retryAfterMs: number;
}

/** The machine's fixed configuration. */
export interface BreakerMachineConfig {
  readonly strategy: BreakerStrategy;
  /** How long to stay open after the `trips`-th consecutive open (1 for the first). */
  readonly openFor: (trips: number) => number;
  readonly halfOpenProbes: number;
  readonly successThreshold: number;
  readonly maxHalfOpenMs: number;
}

/**
 * The circuit breaker as a pure state machine: `admit(state, now)` and `transition(state, event, now)` return
 * the next state and never touch a clock, a timer or a promise. Open → half-open happens lazily, when a call
 * asks to run after `reopenAt`. The only thing updated in place is the closed state's counting window, so a
 * successful call in a closed breaker returns the very same state object (no allocation).
 *
 * @example
 * const m = breakerMachine({ strategy: consecutive({ threshold: 2 }), openFor: () => 1000, halfOpenProbes: 1, successThreshold: 1, maxHalfOpenMs: 5000 });
 * let s = m.initial();
 * s = m.transition(s, { type: "failure", epoch: s.epoch, durationMs: 0 }, 0);
 */
export interface BreakerMachine {
  readonly config: BreakerMachineConfig;
  initial(): BreakerMachineState;
  admit(state: BreakerMachineState, now: number): BreakerAdmission;
  transition(state: BreakerMachineState, event: BreakerMachineEvent, now: number): BreakerMachineState;
  /** Applies time alone: a half-open that outlived `maxHalfOpenMs` re-opens. */
  settle(state: BreakerMachineState, now: number): BreakerMachineState;
}

/** Builds the pure breaker machine for a configuration. @example const m = breakerMachine(config); */
export function breakerMachine(config: BreakerMachineConfig): BreakerMachine {
  const closed = (epoch: number): BreakerMachineState => ({
    kind: "closed",
    epoch,
    window: config.strategy.create(),
  });
  const open = (
    state: BreakerMachineState,
    now: number,
    reason: string,
    trips: number,
    until?: number,
  ): BreakerMachineState => ({
    kind: "open",
    epoch: state.epoch + 1,
    openedAt: now,
    reopenAt: until ?? now + Math.max(0, config.openFor(trips)),
    reason,
    trips,
  });

  // A half-open that outlived maxHalfOpenMs re-opens as of the moment it expired, not the moment someone
  // noticed, so the outcome does not depend on when the state is observed.
  const settle = (state: BreakerMachineState, now: number): BreakerMachineState =>
    state.kind === "half-open" && now - state.since >= config.maxHalfOpenMs
      ? open(state, state.since + config.maxHalfOpenMs, "half_open_timeout", state.trips + 1)
      : state;

  return {
    config,
    initial: () => closed(0),
    settle,

    admit(current: BreakerMachineState, now: number): BreakerAdmission {
      const state = settle(current, now);
      switch (state.kind) {
        case "closed":
          return { state, verdict: "call", retryAfterMs: 0 };
        case "isolated":
          return { state, verdict: "reject", retryAfterMs: Number.POSITIVE_INFINITY };
        case "open":
          if (now < state.reopenAt) return { state, verdict: "reject", retryAfterMs: state.reopenAt - now };
          return {
            state: {
              kind: "half-open",
              epoch: state.epoch + 1,
              since: now,
              probes: 1,
              successes: 0,
              trips: state.trips,
            },
            verdict: "probe",
            retryAfterMs: 0,
          };
        case "half-open":
          if (state.probes < config.halfOpenProbes) {
            return { state: { ...state, probes: state.probes + 1 }, verdict: "probe", retryAfterMs: 0 };
          }
          return {
            state,
            verdict: "reject",
            retryAfterMs: Math.max(1, state.since + config.maxHalfOpenMs - now),
          };
      }
    },

    transition(current: BreakerMachineState, event: BreakerMachineEvent, now: number): BreakerMachineState {
      switch (event.type) {
        case "isolate":
          return current.kind === "isolated" ? current : { kind: "isolated", epoch: current.epoch + 1 };
        case "reset":
          return closed(current.epoch + 1);
        case "remote_open": {
          // A closed breaker adopts any shared open, even one already due to half-open (it then probes
          // through the shared lease); a half-open one only a newer open (a probe failed elsewhere).
          if (current.kind === "isolated") return current;
          if (current.kind === "open") {
            return event.until > current.reopenAt ? { ...current, reopenAt: event.until } : current;
          }
          if (current.kind === "half-open") {
            return event.until > now ? open(current, now, "remote", current.trips + 1, event.until) : current;
          }
          return open(current, now, "remote", 1, event.until);
        }
        case "remote_close":
          return current.kind === "open" || current.kind === "half-open"
            ? closed(current.epoch + 1)
            : current;
        default:
          break;
      }
      const state = settle(current, now);
      if (event.epoch !== state.epoch) return state;
      if (state.kind === "closed") {
        if (event.type === "ignored") return state;
        const reason = state.window.record(event.type === "failure", event.durationMs, now);
        return reason === undefined ? state : open(state, now, reason, 1);
      }
      if (state.kind !== "half-open") return state;
      if (event.type === "ignored") return { ...state, probes: Math.max(0, state.probes - 1) };
      if (event.type === "failure" || config.strategy.isFailure(false, event.durationMs)) {
        return open(state, now, "probe_failed", state.trips + 1);
      }
      const successes = state.successes + 1;
      if (successes >= config.successThreshold) return closed(state.epoch + 1);
      return { ...state, probes: Math.max(0, state.probes - 1), successes };
    },
  };
}
