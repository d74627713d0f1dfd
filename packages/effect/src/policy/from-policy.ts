import { Cause, Context, Effect, type Exit, Fiber } from "effect";
import { fromCoreError, type PolicyError } from "../errors/from-core.js";
import type { PolicyCallContext, PolicyLike } from "./policy-like.js";

/**
 * The attempt number the wrapped Effect runs as: 1, 2, … under a retry, 0 outside any. Read it with
 * `yield* PolicyAttempt` inside the Effect you protect.
 *
 * @example
 * const call = Effect.gen(function* () {
 *   const attempt = yield* PolicyAttempt;
 *   return yield* fetchJson(url, { headers: { "x-attempt": String(attempt) } });
 * });
 */
export const PolicyAttempt: Context.Reference<number> = Context.Reference<number>(
  "@goggles/effect/PolicyAttempt",
  { defaultValue: () => 0 },
);

/**
 * An Effect combinator made from a core policy: `Effect<A, E, R>` in, the same Effect under the policy out,
 * failing also with the policy's tagged errors. `Extra` is what the policy may answer with instead (a
 * fallback's value).
 */
export type PolicyCombinator<Extra = never, Err extends PolicyError = PolicyError> = <A, E, R>(
  self: Effect.Effect<A, E, R>,
) => Effect.Effect<A | Extra, E | Err, R>;

/** Options of `fromPolicy`. */
export interface FromPolicyOptions {
  /**
   * Hand the policy an `AbortSignal` aborted when the caller is interrupted (default `true`). A policy that
   * never waits on its own (a circuit breaker) does not need one: interrupting the caller still interrupts
   * the running attempt, and the call saves an `AbortController`.
   */
  readonly signal?: boolean;
}

/**
 * Runs Effects under a core `Policy` (`circuitBreaker()`, `timeout()`, `retry()`, `bulkhead()`,
 * `fallback()`, `wrap(...)`). Each attempt runs the Effect in one child fiber with the caller's services
 * (its `Clock`, its `TestClock`, its spans); that fiber is the bridge's whole cost. Cancellation goes both
 * ways: interrupting the caller aborts the signal the policy hands on (a queued bulkhead call leaves the
 * queue, a retry stops sleeping) and interrupts the running attempt; a policy aborting an attempt's
 * signal (a timeout) interrupts that attempt's fiber. The caller resumes only when every attempt fiber
 * has ended, so finalizers have run.
 *
 * The policy sees your Effect's error as it is (`isFailure`, `shouldRetry` get your `E`); defects count as
 * failures too. Errors keep their full `Cause`; the policy's own rejections become tagged errors
 * (`BrokenCircuitError`, `TimeoutError`, `BulkheadRejectedError`, `RetryBudgetExhaustedError`).
 *
 * @example
 * const protect = fromPolicy(wrap(retry({ maxAttempts: 3, clock }), timeout(2_000, { clock })));
 * const user = protect(fetchUser(id)).pipe(Effect.catchTag("TimeoutError", () => Effect.succeed(null)));
 */
export function fromPolicy<Extra = never, Err extends PolicyError = PolicyError>(
  policy: PolicyLike<Extra>,
  options?: FromPolicyOptions,
): PolicyCombinator<Extra, Err> {
  const withSignal = options?.signal !== false;
  return <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A | Extra, E | Err, R> => {
    const work = self as Effect.Effect<A, E>;
    return Effect.withFiber((parent) =>
      // Our own controller, aborted by the cancel effect below: cheaper than `callback`'s own signal.
      Effect.callback<A | Extra, E | Err>((resume) => {
        const controller = withSignal ? new AbortController() : undefined;
        const signal = controller?.signal;
        const context = parent.context;
        let causes: Map<unknown, Cause.Cause<E>> | undefined;
        let live: Fiber.Fiber<A, E>[] | undefined;
        const unwrap = (exit: Exit.Exit<A, E>): A => {
          if (exit._tag === "Success") return exit.value;
          const thrown = Cause.squash(exit.cause);
          if (causes === undefined) causes = new Map();
          causes.set(thrown, exit.cause);
          throw thrown;
        };
        const attempt = (call: PolicyCallContext): A | Promise<A> => {
          const ctx = call.attempt === 0 ? context : Context.add(context, PolicyAttempt, call.attempt);
          // The caller's own signal needs no listener per fiber: cancelling interrupts every live attempt.
          const own = call.signal === undefined || call.signal === signal;
          const fiber = Effect.runForkWith(ctx)(work, own ? undefined : { signal: call.signal });
          const done = fiber.pollUnsafe();
          if (done !== undefined) return unwrap(done);
          const running = live ?? [];
          live = running;
          running.push(fiber);
          return new Promise<A>((resolve, reject) => {
            fiber.addObserver((exit) => {
              running.splice(running.indexOf(fiber), 1);
              try {
                resolve(unwrap(exit));
              } catch (error) {
                reject(error);
              }
            });
          });
        };
        const settle = (outcome: Effect.Effect<A | Extra, E | Err>) => {
          if (live === undefined || live.length === 0) resume(outcome);
          else resume(Effect.andThen(Fiber.awaitAll(live.slice()), outcome));
        };
        const failed = (error: unknown) => {
          const cause = causes?.get(error);
          if (cause !== undefined) return settle(Effect.failCause(cause));
          const tagged = fromCoreError(error);
          settle(tagged !== undefined ? Effect.fail(tagged as Err) : Effect.die(error));
        };
        let running: Promise<A | Extra>;
        try {
          running = policy.execute(attempt, signal === undefined ? undefined : { signal });
        } catch (error) {
          // A hand-written policy that lets a synchronous throw escape `execute`.
          running = Promise.reject(error);
        }
        running.then((value) => settle(Effect.succeed(value)), failed);
        return Effect.suspend(() => {
          controller?.abort();
          return live === undefined || live.length === 0 ? Effect.void : Fiber.interruptAll(live.slice());
        });
      }),
    );
  };
}
