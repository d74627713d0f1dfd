import { Cause, Effect } from "effect";
import { fromCoreError, type GogglesTaggedError } from "../errors/from-core.js";

/** Options of `fromAbortable`. */
export interface FromAbortableOptions<E> {
  /** Turns a rejection that is not a goggles error into your error (default: `Cause.UnknownError`). */
  readonly catch: (error: unknown) => E;
}

/**
 * Runs a core-style call `(signal) => Promise` as an Effect. Interrupting the fiber aborts `signal`, so the
 * work (a `fetch`, a core policy's `execute`, a limiter call) is really cancelled. Goggles errors become
 * their tagged twins (`BrokenCircuitError`, `TimeoutError`, …); any other rejection goes through `catch`,
 * or becomes a `Cause.UnknownError`.
 *
 * @example
 * const res = fromAbortable((signal) => breaker.execute(() => fetch(url, { signal }), { signal }));
 * const fiber = Effect.runFork(res);
 * Effect.runFork(Fiber.interrupt(fiber)); // the fetch is aborted
 */
export function fromAbortable<A>(
  f: (signal: AbortSignal) => PromiseLike<A>,
): Effect.Effect<A, GogglesTaggedError | Cause.UnknownError>;
export function fromAbortable<A, E>(
  f: (signal: AbortSignal) => PromiseLike<A>,
  options: FromAbortableOptions<E>,
): Effect.Effect<A, GogglesTaggedError | E>;
export function fromAbortable<A, E>(
  f: (signal: AbortSignal) => PromiseLike<A>,
  options?: FromAbortableOptions<E>,
): Effect.Effect<A, GogglesTaggedError | E | Cause.UnknownError> {
  const orElse = options?.catch;
  const mapError = (error: unknown): GogglesTaggedError | E | Cause.UnknownError =>
    fromCoreError(error) ??
    (orElse !== undefined ? orElse(error) : new Cause.UnknownError(error, "A goggles call failed"));
  // Our own controller, aborted when the fiber is interrupted: cheaper than `tryPromise`'s signal.
  return Effect.callback((resume) => {
    const controller = new AbortController();
    let running: PromiseLike<A>;
    try {
      running = f(controller.signal);
    } catch (error) {
      resume(Effect.suspend(() => Effect.fail(mapError(error))));
      return;
    }
    running.then(
      (value) => resume(Effect.succeed(value)),
      (error: unknown) => resume(Effect.suspend(() => Effect.fail(mapError(error)))),
    );
    return Effect.sync(() => controller.abort());
  });
}
