import type { Problem } from "../problem.js";

/** The brand every goggles error carries; `Symbol.for` so it survives two copies of the package. */
const BRAND: unique symbol = Symbol.for("goggles.error") as never;

/**
 * The base of every error goggles throws. Each subclass has a stable `code`; use the `isXxxError(e)`
 * guards rather than `instanceof`, which fails across realms and duplicate installs.
 *
 * @example
 * try { await breaker.execute(call); } catch (e) { if (isGogglesError(e)) log(e.code); }
 */
export class GogglesError extends Error {
  /** A stable, machine-readable error code (`"BROKEN_CIRCUIT"`, `"TIMEOUT"`, …). */
  readonly code: string;
  readonly [BRAND] = true as const;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Whether `value` is an error thrown by any copy of goggles. @example if (isGogglesError(e)) … */
export function isGogglesError(value: unknown): value is GogglesError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true &&
    typeof (value as { code?: unknown }).code === "string"
  );
}

/**
 * Makes a cross-realm guard for an error code.
 *
 * @example
 * export const isTimeoutError = errorGuard<TimeoutError>("TIMEOUT");
 */
export function errorGuard<E extends GogglesError>(code: string): (value: unknown) => value is E {
  return (value: unknown): value is E => isGogglesError(value) && value.code === code;
}

/**
 * An error that knows its HTTP form. Anything a guard throws that carries a `problem` is answered with that
 * problem by the boundary; every other throw becomes a 500 without details.
 *
 * @example
 * throw new ProblemError(contentTooLarge({ detail: "The body exceeds 1024 bytes." }));
 */
export class ProblemError extends GogglesError {
  readonly problem: Problem;
  constructor(problem: Problem, options?: { cause?: unknown }) {
    super("PROBLEM", problem.detail ?? problem.title, options);
    this.problem = problem;
  }
}

/** Whether `value` is a `ProblemError` from any copy of goggles. */
export const isProblemError = errorGuard<ProblemError>("PROBLEM");
