import { describe, expect, it } from "vitest";
import { isBrokenCircuitError } from "../errors/broken-circuit-error.js";
import type { GogglesEvent } from "../events.js";
import { FakeClock } from "../testing/fake-clock.js";
import { circuitBreaker } from "./circuit-breaker.js";
import { memoryBreakerStateStore } from "./state-store.js";
import { consecutive, countWindow, slowCalls, timeWindow } from "./strategies.js";

const boom = () => Promise.reject(new Error("boom"));
const ok = () => Promise.resolve("ok");
const settle = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

function deferred<T = string>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function trip(breaker: { execute: (fn: () => Promise<string>) => Promise<string> }, n: number) {
  for (let i = 0; i < n; i++) await settle(breaker.execute(boom));
}

describe("circuitBreaker", () => {
  it("opens after the threshold and refuses without calling, with retryAfterMs", async () => {
    const clock = new FakeClock(1_000);
    const events: GogglesEvent[] = [];
    const breaker = circuitBreaker({
      name: "pay",
      strategy: consecutive({ threshold: 3 }),
      openFor: 5_000,
      clock,
      onEvent: (e) => events.push(e),
    });
    await trip(breaker, 2);
    expect(breaker.state).toBe("closed");
    await trip(breaker, 1);
    expect(breaker.state).toBe("open");
    await clock.advance(2_000);
    let calls = 0;
    const r = await settle(breaker.execute(() => ++calls));
    expect(calls).toBe(0);
    expect(r.ok).toBe(false);
    if (!r.ok && isBrokenCircuitError(r.error)) {
      expect(r.error.retryAfterMs).toBe(3_000);
      expect(r.error.state).toBe("open");
      expect(r.error.breaker).toBe("pay");
    } else throw new Error("expected a BrokenCircuitError");
    expect(events.map((e) => e.type)).toEqual(["breaker_opened", "breaker_rejected"]);
    expect(events[0]).toMatchObject({ reason: "consecutive_failures", retryAfterMs: 5_000 });
  });

  it("half-open under 1,000 concurrent callers runs exactly halfOpenProbes probes", async () => {
    const clock = new FakeClock();
    const breaker = circuitBreaker({
      strategy: consecutive({ threshold: 1 }),
      openFor: 1_000,
      halfOpenProbes: 3,
      clock,
    });
    await trip(breaker, 1);
    await clock.advance(1_000);
    const gate = deferred();
    let running = 0;
    const calls = Array.from({ length: 1_000 }, () =>
      settle(
        breaker.execute(() => {
          running++;
          return gate.promise;
        }),
      ),
    );
    expect(running).toBe(3);
    expect(breaker.state).toBe("half-open");
    gate.resolve("up");
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    const rejected = results.filter((r) => !r.ok);
    expect(rejected).toHaveLength(997);
    expect(
      rejected.every((r) => !r.ok && isBrokenCircuitError(r.error) && r.error.state === "half-open"),
    ).toBe(true);
    expect(breaker.state).toBe("closed");
  });

  it("re-opens when a probe hangs past maxHalfOpenMs, and ignores the hung probe's late answer", async () => {
    const clock = new FakeClock();
    const events: string[] = [];
    const breaker = circuitBreaker({
      strategy: consecutive({ threshold: 1 }),
      openFor: 1_000,
      maxHalfOpenMs: 3_000,
      clock,
      onEvent: (e) => events.push(e.type === "breaker_opened" ? `opened:${e.reason}` : e.type),
    });
    await trip(breaker, 1);
    await clock.advance(1_000);
    const hung = deferred();
    const probe = settle(breaker.execute(() => hung.promise));
    expect(breaker.state).toBe("half-open");
    await clock.advance(2_999);
    expect((await settle(breaker.execute(ok))).ok).toBe(false); // the probe slot is still taken
    await clock.advance(1);
    expect(breaker.state).toBe("open"); // the hung probe no longer wedges it
    await clock.advance(2_000);
    let ran = false;
    expect(
      await settle(
        breaker.execute(() => {
          ran = true;
          return "fine";
        }),
      ),
    ).toEqual({ ok: true, value: "fine" });
    expect(ran).toBe(true);
    expect(breaker.state).toBe("closed");
    hung.reject(new Error("late"));
    await probe;
    expect(breaker.state).toBe("closed"); // a failure from an earlier half-open does not count
    expect(events).toEqual([
      "opened:consecutive_failures",
      "breaker_half_open",
      "breaker_rejected",
      "opened:half_open_timeout",
      "breaker_half_open",
      "breaker_closed",
    ]);
  });

  it("recovers after successThreshold probe successes and re-opens on a probe failure", async () => {
    const clock = new FakeClock();
    const breaker = circuitBreaker({
      strategy: consecutive({ threshold: 1 }),
      openFor: (trips) => 1_000 * trips,
      successThreshold: 2,
      clock,
    });
    await trip(breaker, 1);
    await clock.advance(1_000);
    await settle(breaker.execute(boom)); // probe fails: open for 2 s now
    expect(breaker.toJSON()).toMatchObject({ state: "open", reopenAt: 3_000, trips: 2 });
    await clock.advance(2_000);
    expect((await settle(breaker.execute(ok))).ok).toBe(true);
    expect(breaker.state).toBe("half-open");
    expect((await settle(breaker.execute(ok))).ok).toBe(true);
    expect(breaker.state).toBe("closed");
  });

  it("counts failing results and passes ignored errors through uncounted", async () => {
    const breaker = circuitBreaker({
      strategy: consecutive({ threshold: 2 }),
      isFailure: (e) => !(e instanceof TypeError),
      isResultFailure: (r) => r === 503,
    });
    for (let i = 0; i < 5; i++)
      await settle(breaker.execute(() => Promise.reject(new TypeError("bad input"))));
    expect(breaker.state).toBe("closed");
    expect(await breaker.execute(() => 503)).toBe(503);
    expect(breaker.state).toBe("closed");
    await breaker.execute(() => 503);
    expect(breaker.state).toBe("open");
  });

  it("counts synchronous throws, returns sync values as promises", async () => {
    const breaker = circuitBreaker({ strategy: consecutive({ threshold: 1 }) });
    expect(await breaker.execute(() => 7)).toBe(7);
    const r = await settle(
      breaker.execute(() => {
        throw new Error("sync");
      }),
    );
    expect(r.ok).toBe(false);
    expect(breaker.state).toBe("open");
  });

  it("treats slow successes as failures with slowCalls, timed on the clock", async () => {
    const clock = new FakeClock();
    const breaker = circuitBreaker({
      strategy: slowCalls({ slowMs: 100, size: 4, minimumCalls: 2, failureRate: 0.5 }),
      clock,
    });
    const slow = () => clock.sleep(150).then(() => "late");
    const p1 = breaker.execute(slow);
    await clock.advance(150);
    await p1;
    expect(breaker.state).toBe("closed");
    await breaker.execute(ok);
    expect(breaker.state).toBe("open"); // 1 slow of 2 calls: 50%
  });

  it("forgets failures that slid out of a time window, and respects minimumCalls", async () => {
    const clock = new FakeClock();
    const breaker = circuitBreaker({
      strategy: timeWindow({ windowMs: 1_000, buckets: 4, failureRate: 0.5, minimumCalls: 4 }),
      clock,
    });
    await trip(breaker, 3); // 3 of 3 failed, but fewer than minimumCalls
    expect(breaker.state).toBe("closed");
    await clock.advance(1_000); // those three slide out
    await breaker.execute(ok);
    await breaker.execute(ok);
    await breaker.execute(ok);
    await trip(breaker, 1); // 1 of 4 in the window: 25%
    expect(breaker.state).toBe("closed");
    await trip(breaker, 1); // 2 of 5: 40%
    expect(breaker.state).toBe("closed");
    await trip(breaker, 1); // 3 of 6: 50%
    expect(breaker.state).toBe("open");
  });

  it("isolates until reset, and restores from toJSON", async () => {
    const clock = new FakeClock();
    const breaker = circuitBreaker({
      clock,
      strategy: countWindow({ size: 2, minimumCalls: 2 }),
      openFor: 100,
    });
    breaker.isolate();
    const r = await settle(breaker.execute(ok));
    expect(!r.ok && isBrokenCircuitError(r.error) && r.error.retryAfterMs).toBe(Number.POSITIVE_INFINITY);
    expect(breaker.toJSON()).toEqual({ state: "isolated" });
    breaker.reset();
    expect(breaker.state).toBe("closed");
    await trip(breaker, 2);
    const saved = JSON.parse(JSON.stringify(breaker));
    const copy = circuitBreaker({ clock, initialState: saved });
    expect(copy.state).toBe("open");
    expect((await settle(copy.execute(ok))).ok).toBe(false);
    await clock.advance(100);
    expect(await copy.execute(ok)).toBe("ok");
    expect(copy.state).toBe("closed");
  });

  it("shares opens and probes through a BreakerStateStore", async () => {
    const clock = new FakeClock();
    const store = memoryBreakerStateStore();
    const make = () =>
      circuitBreaker({
        name: "partner",
        store,
        clock,
        strategy: consecutive({ threshold: 2 }),
        openFor: 1_000,
        halfOpenProbes: 2,
      });
    const [a, b, c] = [make(), make(), make()];
    await trip(a, 2);
    expect(a.state).toBe("open");
    let called = false;
    const r = await settle(
      b.execute(() => {
        called = true;
        return "x";
      }),
    );
    expect(called).toBe(false);
    expect(!r.ok && isBrokenCircuitError(r.error) && r.error.retryAfterMs).toBe(1_000);
    await clock.advance(1_000);
    const gate = deferred();
    let probes = 0;
    const probe = () => {
      probes++;
      return gate.promise;
    };
    const all = [a, b, c, a, b, c].map((x) => settle(x.execute(probe)));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(probes).toBe(2); // two across the three breakers, not two each
    gate.resolve("up");
    await Promise.all(all);
    expect(a.state === "closed" || b.state === "closed").toBe(true);
    expect(await c.execute(ok)).toBe("ok"); // the close was shared
    expect(c.state).toBe("closed");
  });

  it("degrades to local-only when the store throws", async () => {
    const broken = {
      peek: () => {
        throw new Error("down");
      },
      open: () => {
        throw new Error("down");
      },
      close: () => {
        throw new Error("down");
      },
      acquireProbe: () => Promise.reject(new Error("down")),
    };
    const clock = new FakeClock();
    const breaker = circuitBreaker({
      store: broken,
      clock,
      strategy: consecutive({ threshold: 1 }),
      openFor: 10,
    });
    expect(await breaker.execute(ok)).toBe("ok");
    await trip(breaker, 1);
    expect(breaker.state).toBe("open");
    await clock.advance(10);
    expect(await breaker.execute(ok)).toBe("ok");
    expect(breaker.state).toBe("closed");
  });

  it("passes the caller's signal and attempt through untouched", async () => {
    const breaker = circuitBreaker();
    const controller = new AbortController();
    const seen = await breaker.execute((ctx) => ctx, { signal: controller.signal, attempt: 2 });
    expect(seen.signal).toBe(controller.signal);
    expect(seen.attempt).toBe(2);
  });
});
