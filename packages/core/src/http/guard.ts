import type { Clock } from "../clock.js";
import type { GogglesEvent } from "../events.js";
import type { Failure, Replied, Success } from "../verdict.js";
import type { BoundaryRequest } from "./boundary-request.js";

/** How the handler finished, as reported to `after` hooks: its status, and the error if it threw. */
export interface HandlerOutcome {
  /** The response status (500 when the handler threw). */
  readonly status: number;
  /** What the handler threw, if it did. */
  readonly error?: unknown;
}

/**
 * Runs once the handler has finished (or a later guard refused the request): release a webhook delivery
 * whose processing failed, refund a rate-limit token. Errors it throws are reported, never propagated.
 */
export type AfterHook = (outcome: HandlerOutcome) => void | Promise<void>;

/**
 * What a guard returns, optionally with an `after` hook: a proof (`pass`), a refusal (`fail`), or, for a
 * guard declared with `Early = Replied`, an early answer that is not an error (`reply`), such as 200 for a
 * webhook delivery already processed.
 */
export type GuardResult<T, Early extends Replied = never> = (Success<T> | Failure | Early) & {
  readonly after?: AfterHook;
};

/** What a guard is given: the request, what earlier guards proved, and the boundary's clock and events. */
export interface GuardInput<Ctx> {
  readonly request: BoundaryRequest;
  /** The context so far: `ip` (the client address) and one entry per earlier guard, under its name. */
  readonly context: Readonly<Ctx>;
  readonly clock: Clock;
  /** Reports an event to the boundary's `onEvent` hook. */
  readonly emit: (event: GogglesEvent) => void;
}

/**
 * An inbound policy: checks a request and either proves something (written to the context under `name`)
 * or refuses it with a problem. `Needs` is the context it requires from earlier guards. A guard that may
 * also answer a request itself, without an error (`reply`), says so with `Early = Replied`; boundaries
 * using it then return replies too, and their callers must handle them.
 *
 * @example
 * const tenant: Guard<"tenant", string> = {
 *   name: "tenant",
 *   check: ({ request }) => {
 *     const id = request.headers.get("x-tenant");
 *     return id ? pass(id) : fail(badRequest({ detail: "Missing X-Tenant header." }));
 *   },
 * };
 */
export interface Guard<
  Name extends string,
  Out,
  Needs extends object = object,
  Early extends Replied = never,
> {
  readonly name: Name;
  readonly check: (input: GuardInput<Needs>) => GuardResult<Out, Early> | Promise<GuardResult<Out, Early>>;
}
