import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type BodyLimits,
  type Boundary,
  type BoundaryVerdict,
  earlyAnswer,
  emit,
  type Failure,
  internalError,
  type Replied,
} from "@goggles/core";
import { fromNodeRequest, hasBody, streamConsumed, whenResponded } from "@goggles/core/node-http";
import { BodyConsumedError } from "./body-consumed-error.js";

/** Options for `goggles()`. */
export interface GogglesOptions {
  /** Default body limits for guards that read the body without their own. Default: core's (1 MiB, 30 s). */
  limits?: BodyLimits;
  /**
   * Receives server-side mistakes that the client only sees as a bare 500, such as a `BodyConsumedError`
   * (a body parser mounted before goggles). Default: `console.error`, so the fix is not lost.
   */
  onError?: (error: Error) => void;
}

/** The part of a Koa 2/3 context the middleware uses. Structural, so `@types/koa` is not required. */
export interface KoaContextLike {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly originalUrl: string;
  status: number;
  body: unknown;
  type: string;
  set(fields: Record<string, string>): void;
  remove(field: string): void;
}

/**
 * A Koa middleware that puts the boundary's context on `ctx.state.goggles`; Koa's `app.use()` (with
 * `@types/koa`) carries that state type to the middleware after it.
 */
export type GogglesMiddleware<Ctx> = (
  ctx: KoaContextLike & { state: { goggles: Ctx } },
  next: () => Promise<unknown>,
) => Promise<void>;

const consumedMessage =
  "goggles: a guard needs the raw request body, but a body parser mounted before goggles() already read it. " +
  "Mount goggles() before koa-bodyparser / @koa/bodyparser: goggles reads the raw body itself, and body " +
  "parsers mounted after it skip a body it has read.";

const defaultOnError = (error: Error): void => console.error(error);

/** Sends a verdict that stopped before the handler (a problem, or a guard's early reply) as core's `earlyAnswer` spells it. */
function respondEarly(ctx: KoaContextLike, verdict: Failure | Replied, close: boolean): void {
  const { status, headers, body } = earlyAnswer(verdict);
  ctx.status = status;
  ctx.set(close ? { ...headers, connection: "close" } : headers);
  if (body === undefined) {
    // Koa turns a null body into a 204 unless the status is already bodiless: send an empty one instead.
    ctx.body = "";
    ctx.remove("content-type");
    return;
  }
  ctx.body = body; // Koa keeps the content-type set above
}

/**
 * Koa 2/3 middleware: runs the boundary on each request. A refusal is answered with its problem
 * (`application/problem+json`, with `Retry-After`/`RateLimit`… headers) and stops the chain, as does a
 * guard's early reply (a duplicate webhook's 200), sent as given; on success the
 * typed context is on `ctx.state.goggles`, the success headers are set, and the next middleware runs.
 * Guards' `after` hooks run once the response is sent. goggles reads the raw body itself, so webhooks
 * verify without body-parser tricks; Koa's `app.proxy` is not read: give the boundary its own `trustProxy`.
 *
 * @example
 * const protect = boundary().use(webhook(stripe({ secret })));
 * router.post("/hooks/stripe", goggles(protect), (ctx) => { handle(ctx.state.goggles.webhook); ctx.status = 204; });
 */
export function goggles<Ctx extends object>(
  protect: Boundary<Ctx, Replied>,
  options: GogglesOptions = {},
): GogglesMiddleware<Ctx> {
  const onError = options.onError ?? defaultOnError;
  const clock = protect.options.clock;
  const report = protect.options.onEvent;

  return async function gogglesMiddleware(ctx, next): Promise<void> {
    const req = ctx.req;
    let misuse: Error | undefined;
    const request = fromNodeRequest(req, {
      path: ctx.originalUrl,
      consumed: () => {
        misuse = new BodyConsumedError(consumedMessage);
        return misuse;
      },
      limits: options.limits,
      clock,
    });
    let verdict: BoundaryVerdict<Ctx, Replied>;
    try {
      verdict = await protect(request);
    } catch (error) {
      emit(report, {
        type: "guard_error",
        guard: "boundary",
        errorName: error instanceof Error ? error.name : typeof error,
      });
      respondEarly(ctx, { ok: false, problem: internalError() }, hasBody(req) && !req.readableEnded);
      return;
    }
    if (misuse !== undefined) onError(misuse);
    if (!verdict.ok) {
      const close = hasBody(req) && !req.readableEnded;
      respondEarly(ctx, verdict, close);
      return;
    }
    if (verdict.headers !== undefined) ctx.set({ ...verdict.headers });
    // koa-bodyparser and @koa/bodyparser skip a request flagged so, instead of waiting on a spent stream.
    if (streamConsumed(req)) (ctx as { disableBodyParser?: boolean }).disableBodyParser = true;
    ctx.state.goggles = verdict.value;
    whenResponded(ctx.res, (outcome) => {
      verdict.after(outcome).catch(() => {});
    });
    await next();
  };
}
