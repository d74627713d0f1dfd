import { errorGuard, GogglesError } from "@goggles/core";

/**
 * A response body larger than `maxResponseBytes`. Reading stopped at the limit (or before reading, when
 * `Content-Length` said so) and the connection was released.
 *
 * @example
 * try { await (await api("/export")).text(); } catch (e) { if (isResponseTooLargeError(e)) … }
 */
export class ResponseTooLargeError extends GogglesError {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super("RESPONSE_TOO_LARGE", `The response body exceeds the limit of ${maxBytes} bytes.`);
    this.maxBytes = maxBytes;
  }
}

/** Whether `value` is a `ResponseTooLargeError` from any copy of goggles. @example if (isResponseTooLargeError(e)) … */
export const isResponseTooLargeError = errorGuard<ResponseTooLargeError>("RESPONSE_TOO_LARGE");
