import { describe, expect, it } from "vitest";
import { isBrokenCircuitError } from "../errors/broken-circuit-error.js";
import type { GogglesEvent } from "../events.js";
import { FakeClock } from "../testing/fake-clock.js";
import { circuitBreaker } from "./circuit-breaker.js";
import type { BreakerAcquisition, BreakerPermit } from "./permit.js";
import { type BreakerStateStore, memoryBreakerStateStore } from "./state-store.js";
import { consecutive, slowCalls } from "./strategies.js";

/** The permit `tryAcquire` answered synchronously, or a failed test. */
function permitOf(acquired: BreakerAcquisition): BreakerPermit {
  if (acquired instanceof Promise) throw new Error("expected a synchronous answer");
  if (isBrokenCircuitError(acquired)) throw new Error(`expected a permit, got ${acquired.message}`);
  return acquired;
}

describe("circuitBreaker().tryAcquire", () => {
  it("counts reported failures like execute, then refuses (returned, not thrown) with retryAfterMs", () => {
    const clock = new FakeClock(1_000);
    const events: GogglesEvent[] = [];
    const breaker = circuitBreaker({
      name: "pay",
      strategy: consecutive({ threshold: 2 }),
      openFor: 5_000,
      clock,
      onEvent: (e) => events.push(e),
    });
    permitOf(breaker.tryAcquire()).failure(new Error("boom"));
    expect(breaker.state).toBe("closed");
    permitOf(breaker.tryAcquire()).failure(new Error("boom"));
    expect(breaker.state).toBe("open");
    clock.set(3_000);
    const refused = breaker.tryAcquire();
    expect(isBrokenCircuitError(refused)).toBe(true);
    expect(refused).toMatchObject({ breaker: "pay", state: "open", retryAfterMs: 3_000 });
    expect(events.map((e) => e.type)).toEqual(["breaker_opened", "breaker_rejected"]);
  });

  it("a success resets consecutive failures; a closed epoch shares one permit, a new epoch gets a new one", () => {
    const breaker = circuitBreaker({ strategy: consecutive({ threshold: 2 }), clock: new FakeClock() });
    const first = permitOf(breaker.tryAcquire());
    expect(permitOf(breaker.tryAcquire())).toBe(first);
    first.failure(new Error("boom"));
    first.success("ok");
    first.failure(new Error("boom"));
    expect(breaker.state).toBe("closed");
    breaker.reset();
    expect(permitOf(breaker.tryAcquire())).not.toBe(first);
  });

  it("honours isFailure and isResultFailure", () => {
    const breaker = circuitBreaker({
      strategy: consecutive({ threshold: 1 }),
      isFailure: (e) => !(e instanceof TypeError),
      isResultFailure: (r) => r === 503,
      clock: new FakeClock(),
    });
    permitOf(breaker.tryAcquire()).failure(new TypeError("not the dependency's fault"));
    expect(breaker.state).toBe("closed");
    permitOf(breaker.tryAcquire()).success(200);
    expect(breaker.state).toBe("closed");
    permitOf(breaker.tryAcquire()).success(503);
    expect(breaker.state).toBe("open");
  });

  it("an outcome reported after the breaker moved on (a stale epoch) is ignored", () => {
    const breaker = circuitBreaker({ strategy: consecutive({ threshold: 1 }), clock: new FakeClock() });
    const early = permitOf(breaker.tryAcquire());
    breaker.isolate();
    breaker.reset();
    early.failure(new Error("late"));
    expect(breaker.state).toBe("closed");
  });

  it("half-open: one probe at a time; release() frees the slot without counting; success closes", () => {
    const clock = new FakeClock();
    const breaker = circuitBreaker({ strategy: consecutive({ threshold: 1 }), openFor: 1_000, clock });
    permitOf(breaker.tryAcquire()).failure(new Error("boom"));
    clock.set(1_000);
    const probe = permitOf(breaker.tryAcquire());
    expect(breaker.state).toBe("half-open");
    expect(breaker.tryAcquire()).toMatchObject({ state: "half-open" });
    probe.release();
    expect(breaker.state).toBe("half-open");
    const next = permitOf(breaker.tryAcquire());
    next.success("ok");
    expect(breaker.state).toBe("closed");
  });

  it("a timed strategy measures from admission to the report", () => {
    const clock = new FakeClock();
    const breaker = circuitBreaker({
      strategy: slowCalls({ slowMs: 100, minimumCalls: 1, failureRate: 1 }),
      clock,
    });
    const permit = permitOf(breaker.tryAcquire());
    clock.set(500);
    permit.success("slow");
    expect(breaker.state).toBe("open");
  });

  it("shares probes through a store: a synchronous store answers synchronously", () => {
    const clock = new FakeClock();
    const store = memoryBreakerStateStore();
    const a = circuitBreaker({
      name: "s",
      strategy: consecutive({ threshold: 1 }),
      openFor: 10,
      clock,
      store,
    });
    const b = circuitBreaker({
      name: "s",
      strategy: consecutive({ threshold: 1 }),
      openFor: 10,
      clock,
      store,
    });
    permitOf(a.tryAcquire()).failure(new Error("boom"));
    expect(isBrokenCircuitError(b.tryAcquire())).toBe(true);
    clock.set(10);
    const probe = permitOf(a.tryAcquire());
    // b's own half-open has a free local slot, but the shared one is taken.
    expect(b.tryAcquire()).toMatchObject({ state: "half-open" });
    probe.success("ok");
    expect(a.state).toBe("closed");
    expect(b.state).toBe("closed");
  });

  it("an asynchronous store answers a promise that resolves to the permit or the refusal, never rejects", async () => {
    const clock = new FakeClock();
    let answer: "grant" | "refuse" | "fail" = "refuse";
    const memory = memoryBreakerStateStore();
    const store: BreakerStateStore = {
      peek: (key, now) => memory.peek(key, now),
      open: (key, until, now) => memory.open(key, until, now),
      close: (key) => memory.close(key),
      async acquireProbe() {
        if (answer === "fail") throw new Error("store down");
        return answer === "grant" ? { release() {} } : undefined;
      },
    };
    const breaker = circuitBreaker({ strategy: consecutive({ threshold: 1 }), openFor: 10, clock, store });
    permitOf(breaker.tryAcquire()).failure(new Error("boom"));
    clock.set(10);
    const refused = breaker.tryAcquire();
    expect(refused).toBeInstanceOf(Promise);
    expect(await refused).toMatchObject({ state: "half-open" });
    answer = "fail";
    const local = await breaker.tryAcquire();
    if (isBrokenCircuitError(local)) throw new Error("a store that is down must let the probe run locally");
    local.release();
    answer = "grant";
    const granted = await breaker.tryAcquire();
    if (isBrokenCircuitError(granted)) throw new Error("expected a permit");
    granted.success("ok");
    expect(breaker.state).toBe("closed");
  });
});
