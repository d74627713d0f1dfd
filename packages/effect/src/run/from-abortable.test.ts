import { GogglesError } from "@goggles/core";
import { Cause, Effect, Fiber } from "effect";
import { describe, expect, it } from "vitest";
import { fromAbortable } from "./from-abortable.js";

describe("fromAbortable", () => {
  it("interrupting the fiber aborts the signal handed to the work", async () => {
    let signal: AbortSignal | undefined;
    const never = fromAbortable(
      (s) =>
        new Promise<never>((_, reject) => {
          signal = s;
          s.addEventListener("abort", () => reject(s.reason));
        }),
    );
    await Effect.runPromise(
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(never);
        yield* Effect.yieldNow;
        expect(signal?.aborted).toBe(false);
        yield* Fiber.interrupt(fiber);
        expect(signal?.aborted).toBe(true);
      }),
    );
  });

  it("resolves with the work's value", async () => {
    expect(await Effect.runPromise(fromAbortable(async () => 42))).toBe(42);
  });

  it("turns goggles errors into tagged errors, others into UnknownError or your catch", async () => {
    const timeout = Object.assign(new GogglesError("TIMEOUT", "late"), { timeoutMs: 50 });
    const tagged = await Effect.runPromise(Effect.flip(fromAbortable(() => Promise.reject(timeout))));
    expect(tagged).toMatchObject({ _tag: "TimeoutError", timeoutMs: 50, cause: timeout });
    const unknown = await Effect.runPromise(Effect.flip(fromAbortable(() => Promise.reject(new Error("x")))));
    expect(Cause.isUnknownError(unknown)).toBe(true);
    const mine = await Effect.runPromise(
      Effect.flip(fromAbortable(() => Promise.reject(new Error("x")), { catch: () => "mine" as const })),
    );
    expect(mine).toBe("mine");
    const budget = Object.assign(new GogglesError("RETRY_BUDGET_EXHAUSTED", "no", { cause: "last" }), {
      attempt: 2,
    });
    const exhausted = await Effect.runPromise(
      fromAbortable(() => Promise.reject(budget)).pipe(
        Effect.catchTag("RetryBudgetExhaustedError", (e) => Effect.succeed([e.attempt, e.cause])),
      ),
    );
    expect(exhausted).toEqual([2, "last"]);
  });
});
