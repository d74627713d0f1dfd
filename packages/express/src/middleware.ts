import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type BodyLimits,
  type Boundary,
  type BoundaryVerdict,
  emit,
  internalError,
  type Replied,
} from "@goggles/core";
import { fromNodeRequest, hasBody, whenResponded } from "@goggles/core/node-http";
import { BodyConsumedError } from "./body-consumed-error.js";
import { writeEarly } from "./node-response.js";

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

/** The request fields Express (4 and 5) adds that the middleware reads or writes. */
type ExpressRequest = IncomingMessage & {
  originalUrl?: string;
  body?: unknown;
  _body?: boolean;
  goggles?: unknown;
};

/** An Express middleware. Typed structurally so the package does not need `@types/express`. */
export type GogglesMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

const consumedMessage =
  "goggles: a guard needs the raw request body, but a body parser mounted before goggles() already read it. " +
  "Mount goggles() before express.json()/express.urlencoded()/express.text() on this route, or parse it " +
  "with express.raw({ type: '*/*' }) (goggles reads the captured Buffer).";

const defaultOnError = (error: Error): void => console.error(error);

/**
 * Express 4/5 middleware: runs the boundary on each request. A refusal is answered with its problem
 * (`application/problem+json`, with `Retry-After`/`RateLimit`… headers), a guard's early reply (a duplicate
 * webhook's 200) as given; on success the typed context is on
 * `req.goggles`, the success headers are set, and `next()` runs. Guards' `after` hooks run once the
 * response is sent. goggles reads the raw body itself (or the Buffer `express.raw()` captured); it does
 * not read Express's `trust proxy` setting: give the boundary its own `trustProxy`.
 *
 * @example
 * const protect = boundary({ trustProxy: 1 }).use(apiKey({ lookup })).use(json({ schema: Order }));
 * app.post("/orders", goggles(protect), (req, res) => res.json(save(req.goggles.body)));
 */
export function goggles<Ctx extends object>(
  protect: Boundary<Ctx, Replied>,
  options: GogglesOptions = {},
): GogglesMiddleware {
  const onError = options.onError ?? defaultOnError;
  const clock = protect.options.clock;
  const report = protect.options.onEvent;

  return function gogglesMiddleware(req, res, next): void {
    const request = req as ExpressRequest;
    const captured = request.body instanceof Uint8Array ? request.body : undefined;
    let misuse: Error | undefined;
    const boundaryRequest = fromNodeRequest(req, {
      path: request.originalUrl,
      captured,
      consumed: () => {
        misuse = new BodyConsumedError(consumedMessage);
        return misuse;
      },
      limits: options.limits,
      clock,
    });

    const respond = (verdict: BoundaryVerdict<Ctx, Replied>): void => {
      if (misuse !== undefined) onError(misuse);
      if (!verdict.ok) {
        const close = hasBody(req) && !req.readableEnded && captured === undefined;
        writeEarly(res, verdict, close);
        return;
      }
      if (verdict.headers !== undefined) {
        for (const name of Object.keys(verdict.headers)) res.setHeader(name, verdict.headers[name] as string);
      }
      // After goggles read the stream, body parsers mounted later must skip it rather than wait forever.
      if (captured === undefined && boundaryRequest.bodyUsed) request._body = true;
      request.goggles = verdict.value;
      whenResponded(res, (outcome) => {
        verdict.after(outcome).catch(() => {});
      });
      next();
    };

    protect(boundaryRequest).then(
      (verdict) => {
        try {
          respond(verdict);
        } catch (error) {
          next(error);
        }
      },
      (error: unknown) => {
        emit(report, {
          type: "guard_error",
          guard: "boundary",
          errorName: error instanceof Error ? error.name : typeof error,
        });
        writeEarly(res, { ok: false, problem: internalError() }, hasBody(req) && !req.readableEnded);
      },
    );
  };
}
