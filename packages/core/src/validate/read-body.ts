import { isProblemError } from "../errors/goggles-error.js";
import type { GuardInput } from "../http/guard.js";
import { type Problem, unsupportedMediaType } from "../problem.js";
import { fail, pass, type Verdict } from "../verdict.js";
import { isUtf8Charset, parseMediaType } from "./media-type.js";

/** What a body-parsing guard needs to read a body. @internal */
export interface ReadBodyOptions {
  /** Whether the (lower-case) media type essence is accepted. */
  accepts: (essence: string) => boolean;
  /** Named in the 415 detail: "application/json". */
  expected: string;
  maxBytes: number;
  readTimeoutMs: number | undefined;
}

/**
 * Checks the content type, then reads the body with its byte limit enforced while reading (the request
 * stops pulling chunks once past it). Failures become problems and `body_rejected` events. @internal
 */
export async function readBody(
  input: GuardInput<object>,
  options: ReadBodyOptions,
): Promise<Verdict<Uint8Array>> {
  const type = parseMediaType(input.request.headers.get("content-type"));
  if (type === undefined || !options.accepts(type.essence) || !isUtf8Charset(type)) {
    return rejected(
      input,
      unsupportedMediaType({ detail: `Expected a body of type ${options.expected} (UTF-8).` }),
      "content_type",
    );
  }
  try {
    const limits =
      options.readTimeoutMs === undefined
        ? { maxBytes: options.maxBytes }
        : { maxBytes: options.maxBytes, readTimeoutMs: options.readTimeoutMs };
    return pass(await input.request.body(limits));
  } catch (error) {
    if (!isProblemError(error)) throw error;
    const reason = typeof error.cause === "string" ? error.cause : "unreadable";
    return rejected(input, error.problem, reason);
  }
}

/** Reports a refused body and fails with its problem. @internal */
export function rejected(
  input: Pick<GuardInput<object>, "emit">,
  problem: Problem,
  reason: string,
): Verdict<never> {
  input.emit({ type: "body_rejected", reason, status: problem.status });
  return fail(problem);
}
