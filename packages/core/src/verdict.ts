import type { Problem } from "./problem.js";

/**
 * The answer of an inbound policy: a value (with response headers to set, such as `RateLimit` on a 200),
 * or a problem to send. Inbound policies return verdicts instead of throwing.
 *
 * @example
 * const verdict = await validate(schema, input);
 * if (!verdict.ok) return problemResponse(verdict.problem);
 * use(verdict.value);
 */
export type Verdict<T> = Success<T> | Failure;

/** A successful verdict. */
export interface Success<T> {
  readonly ok: true;
  readonly value: T;
  /** Response headers the adapter sets on the eventual response, lower-case names. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A failed verdict. */
export interface Failure {
  readonly ok: false;
  readonly problem: Problem;
}

/** Builds a successful verdict. @example return pass(event, { "ratelimit": "\"default\";r=9;t=1" }); */
export function pass<T>(value: T, headers?: Readonly<Record<string, string>>): Success<T> {
  return headers === undefined ? { ok: true, value } : { ok: true, value, headers };
}

/** Builds a failed verdict. @example return fail(unauthorized({ detail: "Missing API key." })); */
export function fail(problem: Problem): Failure {
  return { ok: false, problem };
}
