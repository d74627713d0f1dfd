import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FakeClock } from "../testing/fake-clock.js";
import { MemoryReplayStore } from "./replay.js";

describe("MemoryReplayStore", () => {
  it("claims an id once, remembers it processed, and forgets it on release", () => {
    const store = new MemoryReplayStore({ clock: new FakeClock() });
    expect(store.claim("a", 1000)).toEqual({ claimed: true });
    expect(store.claim("a", 1000)).toEqual({ claimed: false, state: "in_flight" });
    store.complete("a", 10_000);
    expect(store.claim("a", 1000)).toEqual({ claimed: false, state: "processed" });
    store.release("a");
    expect(store.claim("a", 1000)).toEqual({ claimed: true });
  });

  it("lets a lapsed lease and an expired id be claimed again, under the fake clock", async () => {
    const clock = new FakeClock();
    const store = new MemoryReplayStore({ clock });
    store.claim("lease", 1000);
    await clock.advance(999);
    expect(store.claim("lease", 1000).claimed).toBe(false);
    await clock.advance(1);
    expect(store.claim("lease", 1000).claimed).toBe(true);
    store.complete("done", 5000);
    await clock.advance(4999);
    expect(store.claim("done", 1000)).toEqual({ claimed: false, state: "processed" });
    await clock.advance(1);
    expect(store.claim("done", 1000).claimed).toBe(true);
    expect(clock.pending).toBe(0); // no timers
  });

  it("stays within maxKeys, forgetting the oldest first", () => {
    const store = new MemoryReplayStore({ maxKeys: 100, clock: new FakeClock() });
    for (let i = 0; i < 1000; i++) store.claim(`id-${i}`, 60_000);
    expect(store.size).toBe(100);
    expect(store.claim("id-999", 1).claimed).toBe(false);
    expect(store.claim("id-0", 1).claimed).toBe(true);
  });

  it("sweeps expired ids as it goes", async () => {
    const clock = new FakeClock();
    const store = new MemoryReplayStore({ clock });
    for (let i = 0; i < 100; i++) store.claim(`old-${i}`, 10);
    await clock.advance(10);
    for (let i = 0; i < 20; i++) store.claim(`new-${i}`, 10);
    expect(store.size).toBeLessThan(120);
  });

  it("matches a reference model under arbitrary claim/complete/release/advance sequences", async () => {
    type Op = { op: "claim" | "complete" | "release"; id: number } | { op: "advance"; ms: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        op: fc.constantFrom("claim" as const, "complete" as const, "release" as const),
        id: fc.nat(4),
      }),
      fc.record({ op: fc.constant("advance" as const), ms: fc.nat(3000) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const clock = new FakeClock();
        const store = new MemoryReplayStore({ clock, maxKeys: 1000 });
        const model = new Map<number, { state: "in_flight" | "processed"; until: number }>();
        for (const o of ops) {
          if (o.op === "advance") {
            await clock.advance(o.ms);
            continue;
          }
          const now = clock.now();
          const key = `k${o.id}`;
          if (o.op === "claim") {
            const held = model.get(o.id);
            const expected =
              held && held.until > now ? { claimed: false, state: held.state } : { claimed: true };
            expect(store.claim(key, 1000)).toEqual(expected);
            if (expected.claimed) model.set(o.id, { state: "in_flight", until: now + 1000 });
          } else if (o.op === "complete") {
            store.complete(key, 2000);
            model.set(o.id, { state: "processed", until: now + 2000 });
          } else {
            store.release(key);
            model.delete(o.id);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
