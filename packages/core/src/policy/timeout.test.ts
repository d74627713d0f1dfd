import { describe, expect, it } from "vitest";
import { isTimeoutError, TimeoutError } from "../errors/timeout-error.js";
import { FakeClock } from "../testing/fake-clock.js";
import { timeout } from "./timeout.js";

const never = (signal: AbortSignal | undefined) =>
  new Promise<string>((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));

describe("timeout", () => {
  it("aborts the call's own signal with a TimeoutError and leaves no sleeper behind", async () => {
    const clock = new FakeClock();
    const events: unknown[] = [];
    const policy = timeout(500, { clock, onEvent: (e) => events.push(e) });
    let seen: AbortSignal | undefined;
    const call = policy.execute(({ signal }) => {
      seen = signal;
      return never(signal);
    });
    const settled = call.catch((e: unknown) => e);
    await clock.advance(499);
    expect(seen?.aborted).toBe(false);
    await clock.advance(1);
    const error = await settled;
    expect(isTimeoutError(error)).toBe(true);
    expect((error as TimeoutError).timeoutMs).toBe(500);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(error);
    expect(events).toEqual([{ type: "timeout", timeoutMs: 500 }]);
    expect(clock.pending).toBe(0);
  });

  it("gives each call its own signal: one timing out does not abort another", async () => {
    const clock = new FakeClock();
    const policy = timeout(100, { clock });
    const signals: AbortSignal[] = [];
    const slow = policy
      .execute(({ signal }) => {
        signals.push(signal as AbortSignal);
        return never(signal);
      })
      .catch((e: unknown) => e);
    const fast = policy.execute(({ signal }) => {
      signals.push(signal as AbortSignal);
      return "done";
    });
    expect(await fast).toBe("done");
    await clock.advance(100);
    expect(await slow).toBeInstanceOf(TimeoutError);
    expect(signals[0]).not.toBe(signals[1]);
    expect(signals[1]?.aborted).toBe(false);
  });

  it("releases its timer when the call settles first", async () => {
    const clock = new FakeClock();
    const policy = timeout(1_000, { clock });
    expect(await policy.execute(() => Promise.resolve(1))).toBe(1);
    await expect(policy.execute(() => Promise.reject(new Error("x")))).rejects.toThrow("x");
    await expect(
      policy.execute(() => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
    expect(clock.pending).toBe(0);
  });

  it("honours the caller's signal: its reason, not a TimeoutError", async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let inner: AbortSignal | undefined;
    const call = timeout(1_000, { clock }).execute(
      ({ signal }) => {
        inner = signal;
        return never(signal);
      },
      { signal: controller.signal },
    );
    controller.abort(new Error("user left"));
    await expect(call).rejects.toThrow("user left");
    expect(inner?.aborted).toBe(true);
    expect(clock.pending).toBe(0);
    await expect(timeout(10, { clock }).execute(() => 1, { signal: controller.signal })).rejects.toThrow(
      "user left",
    );
  });
});
