import { describe, expect, it } from "vitest";
import { type BulkheadRejectedError, isBulkheadRejectedError } from "../errors/bulkhead-rejected-error.js";
import { FakeClock } from "../testing/fake-clock.js";
import { bulkhead } from "./bulkhead.js";

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("bulkhead", () => {
  it("runs `limit` at once, queues `queue` more in order, rejects the rest", async () => {
    const events: unknown[] = [];
    const pool = bulkhead({ limit: 2, queue: 2, onEvent: (e) => events.push(e) });
    const g = gate();
    const order: number[] = [];
    const calls = [0, 1, 2, 3].map((i) =>
      pool.execute(async () => {
        order.push(i);
        await g.promise;
        return i;
      }),
    );
    expect(pool.active).toBe(2);
    expect(pool.queued).toBe(2);
    const rejected = await pool.execute(() => 99).catch((e: unknown) => e);
    expect(isBulkheadRejectedError(rejected)).toBe(true);
    expect((rejected as BulkheadRejectedError).reason).toBe("full");
    expect(events).toEqual([{ type: "bulkhead_rejected", active: 2, queued: 2 }]);
    g.open();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3]);
    expect(order).toEqual([0, 1, 2, 3]);
    expect(pool.active).toBe(0);
  });

  it("saturates under many callers without exceeding the limit, and frees slots on failure", async () => {
    const pool = bulkhead({ limit: 3, queue: 100 });
    let running = 0;
    let peak = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        pool.execute(async () => {
          running++;
          peak = Math.max(peak, running);
          await Promise.resolve();
          running--;
          if (i % 2) throw new Error("odd");
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results.filter((r) => r.status === "rejected" && isBulkheadRejectedError(r.reason))).toHaveLength(
      97,
    );
    expect(pool.active).toBe(0);
    expect(pool.queued).toBe(0);
  });

  it("rejects a queued call after queueTimeoutMs and leaves no sleeper", async () => {
    const clock = new FakeClock();
    const pool = bulkhead({ limit: 1, queue: 1, queueTimeoutMs: 1_000, clock });
    const g = gate();
    const first = pool.execute(() => g.promise);
    const queued = pool.execute(() => "late").catch((e: unknown) => e);
    await clock.advance(1_000);
    const error = await queued;
    expect(isBulkheadRejectedError(error) && error.reason).toBe("queue_timeout");
    expect(pool.queued).toBe(0);
    g.open();
    await first;
    expect(clock.pending).toBe(0);
  });

  it("cancels the queue timer when a slot frees, and lets a caller abort while queued", async () => {
    const clock = new FakeClock();
    const pool = bulkhead({ limit: 1, queue: 2, queueTimeoutMs: 1_000, clock });
    const g = gate();
    const first = pool.execute(() => g.promise);
    const controller = new AbortController();
    const aborted = pool.execute(() => "never", { signal: controller.signal });
    const second = pool.execute(() => "second");
    controller.abort(new Error("bye"));
    await expect(aborted).rejects.toThrow("bye");
    g.open();
    await first;
    expect(await second).toBe("second");
    expect(clock.pending).toBe(0);
  });
});
