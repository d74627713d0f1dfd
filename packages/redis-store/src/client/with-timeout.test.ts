import { FakeClock } from "@goggles/core/testing";
import { describe, expect, it } from "vitest";
import { isRedisTimeoutError } from "../errors/redis-timeout-error.js";
import { withTimeout } from "./with-timeout.js";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("withTimeout", () => {
  it("settles with the work and leaves no sleeper behind", async () => {
    const clock = new FakeClock();
    const ok = deferred<string>();
    const call = withTimeout(ok.promise, 100, clock, "GET");
    expect(clock.pending).toBe(1);
    ok.resolve("v");
    await expect(call).resolves.toBe("v");
    expect(clock.pending).toBe(0);

    const failed = deferred<string>();
    const failing = withTimeout(failed.promise, 100, clock, "GET");
    failed.reject(new Error("boom"));
    await expect(failing).rejects.toThrow("boom");
    expect(clock.pending).toBe(0);
  });

  it("rejects with RedisTimeoutError when the time is up, and absorbs a late failure", async () => {
    const clock = new FakeClock();
    const late = deferred<string>();
    const call = withTimeout(late.promise, 100, clock, "EVALSHA limit").catch((error: unknown) => error);
    await clock.advance(99);
    expect(clock.pending).toBe(1);
    await clock.advance(1);
    const error = await call;
    expect(isRedisTimeoutError(error)).toBe(true);
    expect(error).toMatchObject({ code: "REDIS_TIMEOUT", command: "EVALSHA limit", timeoutMs: 100 });
    expect(clock.pending).toBe(0);
    late.reject(new Error("connection lost")); // must not surface as an unhandled rejection
    await clock.advance(0);
  });

  it("adds no timeout for 0 or Infinity", async () => {
    const clock = new FakeClock();
    const work = Promise.resolve(1);
    expect(withTimeout(work, 0, clock, "GET")).toBe(work);
    expect(withTimeout(work, Number.POSITIVE_INFINITY, clock, "GET")).toBe(work);
    expect(clock.pending).toBe(0);
  });
});
