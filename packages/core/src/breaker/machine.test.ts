import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BreakerMachineState, breakerMachine } from "./machine.js";
import { type BreakerStrategy, consecutive, countWindow, slowCalls, timeWindow } from "./strategies.js";

// A deliberately naive reference: it keeps every outcome since the breaker last closed and recomputes the
// strategy's verdict from scratch, where the real windows keep fixed-size rings and buckets.
interface Outcome {
  readonly t: number;
  readonly failed: boolean;
  readonly d: number;
}
type Trips = (outcomes: readonly Outcome[], now: number) => boolean;

const tail = (xs: readonly Outcome[], n: number) => xs.slice(Math.max(0, xs.length - n));
const rateTrips = (xs: readonly Outcome[], bad: (o: Outcome) => boolean, rate: number, min: number) =>
  xs.length >= min && xs.filter(bad).length / xs.length >= rate;
const inTime = (xs: readonly Outcome[], now: number, windowMs: number, buckets: number) => {
  const bw = windowMs / buckets;
  const index = Math.floor(now / bw);
  return xs.filter((o) => Math.floor(o.t / bw) > index - buckets);
};

interface Case {
  readonly name: string;
  readonly strategy: BreakerStrategy;
  readonly trips: Trips;
  readonly probeFails: (failed: boolean, d: number) => boolean;
}

const cases: Case[] = [
  {
    name: "consecutive",
    strategy: consecutive({ threshold: 3 }),
    trips: (xs) => {
      let n = 0;
      for (let i = xs.length - 1; i >= 0 && (xs[i] as Outcome).failed; i--) n++;
      return n >= 3;
    },
    probeFails: (f) => f,
  },
  {
    name: "count window",
    strategy: countWindow({ size: 5, failureRate: 0.6, minimumCalls: 3 }),
    trips: (xs) => rateTrips(tail(xs, 5), (o) => o.failed, 0.6, 3),
    probeFails: (f) => f,
  },
  {
    name: "time window",
    strategy: timeWindow({ windowMs: 1000, buckets: 4, failureRate: 0.5, minimumCalls: 4 }),
    trips: (xs, now) => rateTrips(inTime(xs, now, 1000, 4), (o) => o.failed, 0.5, 4),
    probeFails: (f) => f,
  },
  {
    name: "slow calls (count)",
    strategy: slowCalls({ slowMs: 100, size: 4, failureRate: 0.5, minimumCalls: 2 }),
    trips: (xs) => rateTrips(tail(xs, 4), (o) => o.d >= 100, 0.5, 2),
    probeFails: (f, d) => f || d >= 100,
  },
  {
    name: "slow calls (time)",
    strategy: slowCalls({ slowMs: 100, windowMs: 800, buckets: 8, failureRate: 0.75, minimumCalls: 3 }),
    trips: (xs, now) => rateTrips(inTime(xs, now, 800, 8), (o) => o.d >= 100, 0.75, 3),
    probeFails: (f, d) => f || d >= 100,
  },
];

const OPEN_FOR = 500;
const PROBES = 2;
const SUCCESSES = 2;
const MAX_HALF_OPEN = 1500;

class Model {
  kind: "closed" | "open" | "half-open" | "isolated" = "closed";
  gen = 0;
  outcomes: Outcome[] = [];
  reopenAt = 0;
  since = 0;
  probes = 0;
  successes = 0;
  trips = 0;
  constructor(readonly c: Case) {}
  private open(now: number, trips: number) {
    this.kind = "open";
    this.gen++;
    this.trips = trips;
    this.reopenAt = now + OPEN_FOR;
  }
  private close() {
    this.kind = "closed";
    this.gen++;
    this.outcomes = [];
    this.trips = 0;
  }
  expire(now: number) {
    if (this.kind === "half-open" && now - this.since >= MAX_HALF_OPEN) {
      this.open(this.since + MAX_HALF_OPEN, this.trips + 1);
    }
  }
  admit(now: number): "call" | "probe" | "reject" {
    this.expire(now);
    if (this.kind === "closed") return "call";
    if (this.kind === "open" && now >= this.reopenAt) {
      this.kind = "half-open";
      this.gen++;
      this.since = now;
      this.probes = 1;
      this.successes = 0;
      return "probe";
    }
    if (this.kind === "half-open" && this.probes < PROBES) {
      this.probes++;
      return "probe";
    }
    return "reject";
  }
  settle(gen: number, outcome: "success" | "failure" | "ignored", d: number, now: number) {
    this.expire(now);
    if (gen !== this.gen) return;
    if (this.kind === "closed") {
      if (outcome === "ignored") return;
      this.outcomes.push({ t: now, failed: outcome === "failure", d });
      if (this.c.trips(this.outcomes, now)) this.open(now, 1);
    } else if (this.kind === "half-open") {
      if (outcome === "ignored") this.probes--;
      else if (this.c.probeFails(outcome === "failure", d)) this.open(now, this.trips + 1);
      else if (++this.successes >= SUCCESSES) this.close();
      else this.probes--;
    }
  }
}

type Op =
  | { op: "advance"; ms: number }
  | { op: "admit" }
  | { op: "settle"; pick: number; roll: number; d: number }
  | { op: "isolate" }
  | { op: "reset" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 700 }) }),
  },
  { weight: 5, arbitrary: fc.constant({ op: "admit" as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("settle" as const),
      pick: fc.nat(),
      roll: fc.nat(99),
      d: fc.constantFrom(0, 50, 99, 100, 400),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "isolate" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "reset" as const }) },
);

describe.each(cases)("breaker machine against the reference model: $name", (c) => {
  it("agrees on every admission and every state", () => {
    const m = breakerMachine({
      strategy: c.strategy,
      openFor: () => OPEN_FOR,
      halfOpenProbes: PROBES,
      successThreshold: SUCCESSES,
      maxHalfOpenMs: MAX_HALF_OPEN,
    });
    fc.assert(
      // The failure share varies per run, so that some runs fill windows without tripping and others trip.
      fc.property(
        fc.integer({ min: 3, max: 70 }),
        fc.array(opArb, { minLength: 20, maxLength: 300, size: "max" }),
        (failPct, ops) => {
          const model = new Model(c);
          let s: BreakerMachineState = m.initial();
          let now = 0;
          const inFlight: { epoch: number; gen: number }[] = [];
          for (const op of ops) {
            switch (op.op) {
              case "advance":
                now += op.ms;
                break;
              case "admit": {
                const a = m.admit(s, now);
                s = a.state;
                const expected = model.admit(now);
                expect(a.verdict).toBe(expected);
                if (a.verdict !== "reject") inFlight.push({ epoch: s.epoch, gen: model.gen });
                else expect(a.retryAfterMs).toBeGreaterThan(0);
                break;
              }
              case "settle": {
                if (inFlight.length === 0) break;
                const [call] = inFlight.splice(op.pick % inFlight.length, 1);
                if (call === undefined) break;
                const outcome = op.roll < 5 ? "ignored" : op.roll < 5 + failPct ? "failure" : "success";
                s = m.transition(
                  s,
                  outcome === "ignored"
                    ? { type: "ignored", epoch: call.epoch }
                    : { type: outcome, epoch: call.epoch, durationMs: op.d },
                  now,
                );
                model.settle(call.gen, outcome, op.d, now);
                break;
              }
              case "isolate":
                s = m.transition(s, { type: "isolate" }, now);
                if (model.kind !== "isolated") {
                  model.kind = "isolated";
                  model.gen++;
                }
                break;
              case "reset":
                s = m.transition(s, { type: "reset" }, now);
                model.gen++; // a new epoch with empty counts, as the machine does
                model.kind = "closed";
                model.outcomes = [];
                model.trips = 0;
                break;
            }
            model.expire(now);
            expect(m.settle(s, now).kind).toBe(model.kind);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("breaker machine", () => {
  const m = breakerMachine({
    strategy: consecutive({ threshold: 1 }),
    openFor: (trips) => 1000 * 2 ** (trips - 1),
    halfOpenProbes: 1,
    successThreshold: 1,
    maxHalfOpenMs: 10_000,
  });

  it("returns the same state object for a success while closed (no allocation on the hot path)", () => {
    const s = m.initial();
    expect(m.transition(s, { type: "success", epoch: s.epoch, durationMs: 0 }, 0)).toBe(s);
  });

  it("grows openFor with consecutive opens and resets it on close", () => {
    let s = m.initial();
    s = m.transition(s, { type: "failure", epoch: s.epoch, durationMs: 0 }, 0);
    expect(s).toMatchObject({ kind: "open", reopenAt: 1000, trips: 1 });
    let a = m.admit(s, 1000);
    s = m.transition(a.state, { type: "failure", epoch: a.state.epoch, durationMs: 0 }, 1000);
    expect(s).toMatchObject({ kind: "open", reopenAt: 3000, trips: 2 });
    a = m.admit(s, 3000);
    s = m.transition(a.state, { type: "success", epoch: a.state.epoch, durationMs: 0 }, 3000);
    expect(s.kind).toBe("closed");
    s = m.transition(s, { type: "failure", epoch: s.epoch, durationMs: 0 }, 4000);
    expect(s).toMatchObject({ kind: "open", reopenAt: 5000, trips: 1 });
  });

  it("ignores outcomes from an earlier epoch", () => {
    let s = m.initial();
    const stale = s.epoch;
    s = m.transition(s, { type: "isolate" }, 0);
    s = m.transition(s, { type: "reset" }, 0);
    expect(m.transition(s, { type: "failure", epoch: stale, durationMs: 0 }, 0)).toBe(s);
  });

  it("adopts a remote open and a remote close", () => {
    let s = m.initial();
    s = m.transition(s, { type: "remote_open", until: 700 }, 100);
    expect(s).toMatchObject({ kind: "open", reopenAt: 700, reason: "remote" });
    expect(m.transition(s, { type: "remote_open", until: 50 }, 100)).toBe(s);
    s = m.transition(s, { type: "remote_close" }, 200);
    expect(s.kind).toBe("closed");
  });
});
