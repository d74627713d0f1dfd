import { describe, expect, it } from "vitest";
import { FakeClock } from "../testing/fake-clock.js";
import { circuitBreakers } from "./registry.js";
import { consecutive } from "./strategies.js";

describe("circuitBreakers", () => {
  it("keeps one breaker per key, named after it", async () => {
    const breakers = circuitBreakers({ breaker: { strategy: consecutive({ threshold: 1 }) } });
    await breakers.execute("a", () => Promise.reject(new Error("x"))).catch(() => {});
    expect(breakers.get("a").state).toBe("open");
    expect(breakers.get("b").state).toBe("closed");
    expect(breakers.get("a").name).toBe("a");
    expect(breakers.get("a")).toBe(breakers.get("a"));
  });

  it("stays bounded, dropping the least recently used", () => {
    const breakers = circuitBreakers({ maxBreakers: 3 });
    for (const k of ["a", "b", "c"]) breakers.get(k);
    breakers.get("a");
    breakers.get("d");
    expect(breakers.size).toBe(3);
    expect([...breakers.keys()]).toEqual(["c", "a", "d"]);
    for (let i = 0; i < 10_000; i++) breakers.get(`k${i}`);
    expect(breakers.size).toBe(3);
  });

  it("evicts idle breakers lazily, without timers", async () => {
    const clock = new FakeClock();
    const breakers = circuitBreakers({ idleMs: 1_000, clock, breaker: (key) => ({ name: `host:${key}` }) });
    breakers.get("a");
    breakers.get("b");
    await clock.advance(500);
    breakers.get("b");
    await clock.advance(600);
    breakers.get("c");
    expect([...breakers.keys()]).toEqual(["b", "c"]);
    expect(breakers.get("c").name).toBe("host:c");
    expect(clock.pending).toBe(0);
  });
});
