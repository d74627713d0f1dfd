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

/**
 * What a guard answers by itself when a request is settled without reaching the handler, and is not an
 * error: a 2xx or 3xx status, response headers (lower-case names) and an optional body sent as JSON.
 */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `application/json`; no body when `undefined`. */
  readonly body?: unknown;
}

/**
 * A guard's early answer: the handler does not run (`ok: false`), and the adapter sends `reply` instead of a
 * problem. A duplicate webhook delivery acknowledged with 200 is one.
 */
export interface Replied {
  readonly ok: false;
  readonly reply: Reply;
}

/** Builds a successful verdict. @example return pass(event, { "ratelimit": "\"default\";r=9;t=1" }); */
export function pass<T>(value: T, headers?: Readonly<Record<string, string>>): Success<T> {
  return headers === undefined ? { ok: true, value } : { ok: true, value, headers };
}

/** Builds a failed verdict. @example return fail(unauthorized({ detail: "Missing API key." })); */
export function fail(problem: Problem): Failure {
  return { ok: false, problem };
}

const BODILESS = new Set([204, 205, 304]);

/** @internal Why `answer` cannot be sent as a guard's reply, or `undefined` when it can. */
export function replyError(answer: Reply): string | undefined {
  const { status } = answer;
  if (!(Number.isInteger(status) && status >= 200 && status < 400)) {
    return `status ${status} is not 2xx or 3xx; refuse a request with fail(problem)`;
  }
  if (answer.body !== undefined && BODILESS.has(status)) return `a ${status} reply cannot have a body`;
  return undefined;
}

/**
 * Builds a guard's early answer (see `Replied`). The status must be 2xx or 3xx: a refusal is a problem
 * (`fail`), so it keeps the `application/problem+json` shape clients and logs rely on.
 *
 * @example
 * return reply(200, { body: { received: true, duplicate: true } }); // already processed: acknowledge it
 */
export function reply(
  status: number,
  init: { readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> } = {},
): Replied {
  const answer: { status: number; headers?: Readonly<Record<string, string>>; body?: unknown } = { status };
  if (init.headers !== undefined) answer.headers = init.headers;
  if (init.body !== undefined) answer.body = init.body;
  const error = replyError(answer);
  if (error !== undefined) throw new RangeError(`reply: ${error}.`);
  return { ok: false, reply: answer };
}
