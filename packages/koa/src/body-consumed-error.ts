import { errorGuard, GogglesError } from "@goggles/core";

/**
 * Thrown (and reported) when a guard needs the raw request body but a body parser mounted earlier has
 * already consumed the stream without keeping its bytes. It is a server misconfiguration, so the client gets
 * a 500 problem without details while this error, with the fix in its message, goes to the adapter's
 * `onError` (by default `console.error`).
 *
 * @example
 * app.use(goggles(protect, { onError: (e) => { if (isBodyConsumedError(e)) log.error(e.message); } }));
 */
export class BodyConsumedError extends GogglesError {
  constructor(message: string) {
    super("BODY_CONSUMED", message);
  }
}

/** Whether `value` is a `BodyConsumedError` from any copy of goggles. @example if (isBodyConsumedError(e)) … */
export const isBodyConsumedError = errorGuard<BodyConsumedError>("BODY_CONSUMED");
