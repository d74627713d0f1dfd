import { errorGuard, GogglesError } from "@goggles/core";

/** One reason a response body was refused: a dot path into the body (`""` for the root) and a message, never the value. */
export interface ResponseIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * A response body that did not match the schema (or was not JSON). Carries the issues, the status and the
 * URL without its query, never the body: external data is untrusted, and may hold personal data.
 *
 * @example
 * try { await (await api("/users/1")).json(User); }
 * catch (e) { if (isResponseValidationError(e)) log.warn(e.message, { issues: e.issues }); }
 */
export class ResponseValidationError extends GogglesError {
  readonly issues: readonly ResponseIssue[];
  readonly status: number;
  readonly url: string;
  constructor(init: { issues: readonly ResponseIssue[]; status: number; url: string }) {
    super(
      "RESPONSE_VALIDATION",
      `The response from ${init.url || "(unknown)"} (${init.status}) failed validation: ${init.issues.length} issue(s).`,
    );
    this.issues = init.issues;
    this.status = init.status;
    this.url = init.url;
  }
}

/** Whether `value` is a `ResponseValidationError` from any copy of goggles. @example if (isResponseValidationError(e)) … */
export const isResponseValidationError = errorGuard<ResponseValidationError>("RESPONSE_VALIDATION");
