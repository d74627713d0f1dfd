import { GogglesError } from "@goggles/core";

/**
 * Internal: an attempt answered with a status worth retrying (5xx, 408, 429). Thrown so the breaker counts
 * it (5xx and 408 only) and `retry()` retries it (reading `Retry-After` from `response.headers`); when the
 * retries run out, `protectedFetch` hands the caller this last response, as `fetch` would have.
 */
export class UpstreamStatusError extends GogglesError {
  readonly response: Response;
  readonly status: number;
  constructor(response: Response) {
    super("UPSTREAM_STATUS", `The upstream answered ${response.status}.`);
    this.response = response;
    this.status = response.status;
  }
}
