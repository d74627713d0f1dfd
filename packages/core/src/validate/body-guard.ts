import type { GuardInput, GuardResult } from "../http/guard.js";
import { pass, type Verdict } from "../verdict.js";
import { type ReadBodyOptions, readBody } from "./read-body.js";
import type { StandardSchemaV1 } from "./standard-schema.js";
import { validateEither } from "./validate.js";

/** How one kind of body is read, parsed and validated. @internal */
export interface BodyPipeline extends ReadBodyOptions {
  /** Parses the raw bytes; a failure is a 400 or 413 problem. */
  readonly parse: (bytes: Uint8Array) => Verdict<unknown>;
  /** The `body_rejected` reason for a parse failure that is not about size. */
  readonly invalidReason: string;
  readonly schema: StandardSchemaV1 | undefined;
  readonly maxIssues: number | undefined;
}

/**
 * The check shared by the `json()` and `form()` guards: content type (415), byte limit while reading (413),
 * parse (400), then the schema (422). Refusals before the schema are reported as `body_rejected`.
 *
 * @internal
 * @example
 * check: (input) => checkBody(input, pipeline),
 */
export async function checkBody<Out>(
  input: GuardInput<object>,
  pipeline: BodyPipeline,
): Promise<GuardResult<Out>> {
  const body = await readBody(input, pipeline);
  if (!body.ok) return body;
  const parsed = pipeline.parse(body.value);
  if (!parsed.ok) {
    const status = parsed.problem.status;
    input.emit({
      type: "body_rejected",
      reason: status === 413 ? "too_large" : pipeline.invalidReason,
      status,
    });
    return parsed;
  }
  if (pipeline.schema === undefined) return pass(parsed.value as Out);
  const out = validateEither(pipeline.schema, parsed.value, {
    source: "body",
    onEvent: input.emit,
    ...(pipeline.maxIssues === undefined ? {} : { maxIssues: pipeline.maxIssues }),
  });
  // A synchronous schema (the usual case) is not awaited: no promise jobs for a verdict already there.
  const verdict = out instanceof Promise ? await out : out;
  return verdict.ok ? (verdict as Verdict<Out>) : verdict;
}
