import { type Clock, systemClock } from "../clock.js";
import { isProblemError } from "../errors/goggles-error.js";
import { type EventHandler, emit, type GogglesEvent } from "../events.js";
import { internalError, type Problem } from "../problem.js";
import { type Failure, type Replied, type Reply, replyError, type Success } from "../verdict.js";
import type { BoundaryRequest } from "./boundary-request.js";
import { clientIp, compileTrustProxy, type ProxyHeader, type TrustProxy } from "./client-ip.js";
import type { AfterHook, Guard, GuardInput, GuardResult, HandlerOutcome } from "./guard.js";

/** Options for `boundary()`. */
export interface BoundaryOptions {
  /** Which proxies may speak for the client (`Forwarded` / `X-Forwarded-For`). Default: none. */
  trustProxy?: TrustProxy;
  /** Which proxy header the trusted proxies write. Default `"auto"` (`Forwarded`, else `X-Forwarded-For`). */
  proxyHeader?: ProxyHeader;
  /** Receives every decision, with redacted data only. */
  onEvent?: EventHandler;
  /** The clock handed to every guard. Default `systemClock`. */
  clock?: Clock;
}

/** The context every boundary starts with: the client address, as far as trusted proxies let us know it. */
export interface BaseContext {
  /** The client's full address, or `undefined` when the runtime gave no socket address. */
  readonly ip: string | undefined;
}

/**
 * A boundary's answer: the typed context (with headers to set), a problem to send, or a guard's early
 * reply to send instead of running the handler (`earlyResponse` turns either into a `Response`).
 * `after(outcome)` must be called by the adapter once the handler finished; when the handler does not run,
 * the boundary already ran the hooks of the guards that had passed, with the problem's or reply's status.
 */
export type BoundaryVerdict<Ctx, Early extends Replied = never> = (Success<Ctx> | Failure | Early) & {
  readonly after: (outcome: HandlerOutcome) => Promise<void>;
};

/**
 * A chain of guards, callable on a request. `.use(guard)` returns a new boundary whose context type also
 * holds what that guard proves.
 */
export interface Boundary<Ctx extends object, Early extends Replied = never> {
  (request: BoundaryRequest): Promise<BoundaryVerdict<Ctx, Early>>;
  /** Adds a guard that runs after the ones already added. */
  use<Name extends string, Out>(
    guard: Guard<Name, Out, Ctx>,
  ): Boundary<Ctx & { readonly [K in Name]: Out }, Early>;
  /** Adds a guard that may answer requests itself (`reply`): the boundary's verdicts now include replies. */
  use<Name extends string, Out>(
    guard: Guard<Name, Out, Ctx, Replied>,
  ): Boundary<Ctx & { readonly [K in Name]: Out }, Replied>;
  /** The names of the guards, in order. */
  readonly guards: readonly string[];
  readonly options: Readonly<BoundaryOptions>;
}

// biome-ignore lint/suspicious/noExplicitAny: guards of every shape are stored side by side.
type AnyGuard = Guard<string, any, any, Replied>;

const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

const noAfter = async (): Promise<void> => {};

function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function runAfterHooks(hooks: AfterHook[], report: (event: GogglesEvent) => void, names: string[]) {
  let ran = false;
  return async (outcome: HandlerOutcome): Promise<void> => {
    // Runs once: an adapter that reports twice must not release a delivery or refund a token twice.
    if (ran) return;
    ran = true;
    for (let i = hooks.length - 1; i >= 0; i--) {
      try {
        await (hooks[i] as AfterHook)(outcome);
      } catch (error) {
        report({ type: "guard_error", guard: names[i] ?? "unknown", errorName: errorName(error) });
      }
    }
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** Adds the headers of the guards that passed (`RateLimit`…); the problem's or reply's own win. */
function withHeaders<T extends Problem | Reply>(answer: T, headers: Record<string, string> | undefined): T {
  if (headers === undefined) return answer;
  return { ...answer, headers: { ...headers, ...answer.headers } };
}

function build<Ctx extends object, Early extends Replied>(
  options: BoundaryOptions,
  guards: readonly AnyGuard[],
): Boundary<Ctx, Early> {
  const clock = options.clock ?? systemClock;
  const report = (event: GogglesEvent) => emit(options.onEvent, event);
  const { trustProxy, proxyHeader } = options;
  compileTrustProxy(trustProxy); // a bad setting fails here, at start-up, not on the first request
  const ipOptions = proxyHeader === undefined ? { trustProxy } : { trustProxy, proxyHeader };

  const run = async (request: BoundaryRequest): Promise<BoundaryVerdict<Ctx, Replied>> => {
    const context: Record<string, unknown> = { ip: clientIp(request, ipOptions) };
    const input: GuardInput<Record<string, unknown>> = { request, context, clock, emit: report };
    let headers: Record<string, string> | undefined;
    let hooks: AfterHook[] | undefined;
    let hookNames: string[] | undefined;
    for (const guard of guards) {
      let result: GuardResult<unknown, Replied>;
      try {
        const out = guard.check(input);
        result = isPromiseLike(out) ? await out : out;
        if (typeof result !== "object" || result === null || typeof result.ok !== "boolean") {
          throw new TypeError(
            `guard "${guard.name}" returned ${result === null ? "null" : typeof result}, not a verdict`,
          );
        }
        const invalid = !result.ok && "reply" in result ? replyError(result.reply) : undefined;
        if (invalid !== undefined) throw new TypeError(`guard "${guard.name}" replied with ${invalid}`);
      } catch (error) {
        if (isProblemError(error)) {
          result = { ok: false, problem: error.problem };
        } else {
          report({ type: "guard_error", guard: guard.name, errorName: errorName(error) });
          result = { ok: false, problem: internalError() };
        }
      }
      if (result.after !== undefined) {
        hooks = hooks ?? [];
        hookNames = hookNames ?? [];
        hooks.push(result.after);
        hookNames.push(guard.name);
      }
      if (!result.ok) {
        const stop: BoundaryVerdict<Ctx, Replied> =
          "reply" in result
            ? { ok: false, reply: withHeaders(result.reply, headers), after: noAfter }
            : { ok: false, problem: withHeaders(result.problem, headers), after: noAfter };
        if (hooks !== undefined) {
          const status = "reply" in stop ? stop.reply.status : stop.problem.status;
          await runAfterHooks(hooks, report, hookNames as string[])({ status });
        }
        return stop;
      }
      context[guard.name] = result.value;
      if (result.headers !== undefined)
        headers = headers ? { ...headers, ...result.headers } : { ...result.headers };
    }
    const after = hooks === undefined ? noAfter : runAfterHooks(hooks, report, hookNames as string[]);
    return headers === undefined
      ? { ok: true, value: context as Ctx, after }
      : { ok: true, value: context as Ctx, headers, after };
  };

  return Object.assign(run, {
    use<Name extends string, Out>(guard: Guard<Name, Out, Ctx, Replied>) {
      if (guards.some((g) => g.name === guard.name)) {
        throw new TypeError(
          `boundary: a guard named "${guard.name}" is already in use; give the second one another name (option \`name\`).`,
        );
      }
      if (guard.name === "ip") throw new TypeError('boundary: "ip" is reserved for the client address.');
      if (typeof guard.name !== "string" || guard.name === "" || RESERVED.has(guard.name)) {
        throw new TypeError(`boundary: ${JSON.stringify(guard.name)} cannot be a guard name.`);
      }
      if (typeof guard.check !== "function") {
        throw new TypeError(`boundary: the guard "${guard.name}" has no check function.`);
      }
      return build<Ctx & { readonly [K in Name]: Out }, Replied>(options, [...guards, guard as AnyGuard]);
    },
    guards: guards.map((g) => g.name),
    options,
  }) as unknown as Boundary<Ctx, Early>;
}

/**
 * Starts a boundary: guards added with `.use()` run in order, the first refusal stops the chain, and each
 * guard's proof lands in a typed context under its name.
 *
 * @example
 * const protect = boundary({ trustProxy: 1 })
 *   .use(rateLimit({ limiter }))
 *   .use(apiKey({ lookup }))
 *   .use(json({ schema: Enrolment }));
 * const verdict = await protect(fromRequest(request));
 * if (!verdict.ok) return earlyResponse(verdict); // a problem, or a guard's reply
 * verdict.value.body; // typed by the schema
 */
export function boundary(options: BoundaryOptions = {}): Boundary<BaseContext> {
  return build<BaseContext, never>(options, []);
}
