import { AsyncSchemaError } from "../errors/async-schema-error.js";
import { type EventHandler, emit } from "../events.js";
import { type Problem, unprocessableContent } from "../problem.js";
import { fail, pass, type Verdict } from "../verdict.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** One schema issue as a problem lists it: a dot path (`items.0.name`, `""` for the root) and a message. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Options for `validate`, `validateSync` and `validationProblem`. */
export interface ValidateOptions {
  /**
   * What was validated, for the problem's detail and the `validation_failed` event: `"body"`, `"query"`,
   * `"response"`, a field name… Default `"value"`.
   */
  source?: string;
  /** Receives a `validation_failed` event when validation fails. */
  onEvent?: EventHandler;
  /** The most issues listed in the problem; the rest are counted in `truncated`. Default 20. */
  maxIssues?: number;
}

/** Default number of issues a validation problem lists. */
export const DEFAULT_MAX_ISSUES = 20;
/** Longest message kept per issue (in UTF-16 units); longer ones are trimmed with "…". */
const MAX_MESSAGE = 200;
/** Longest path segment kept (object keys come from the input: a long key is not echoed back whole). */
const MAX_SEGMENT = 64;
/** Longest dot path kept. */
const MAX_PATH = 256;

/** Cuts `s` to `max` units, never through a surrogate pair, marking the cut. */
function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 1;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

function segmentText(segment: PropertyKey | StandardSchemaV1.PathSegment): string {
  const key = typeof segment === "object" && segment !== null ? segment.key : segment;
  const text = typeof key === "symbol" ? (key.description ?? "symbol") : String(key);
  return clip(text, MAX_SEGMENT);
}

/**
 * The dot path of an issue: `["items", 0, { key: "name" }]` → `"items.0.name"`. Keys that are not
 * identifiers are kept as they are; each key and the whole path are capped in length.
 *
 * @example
 * issuePath(["items", 0, { key: "name" }]); // "items.0.name"
 */
export function issuePath(path: StandardSchemaV1.Issue["path"]): string {
  if (path === undefined || path === null || path.length === 0) return "";
  const parts: string[] = [];
  let length = 0;
  for (const segment of path) {
    const text = segmentText(segment);
    parts.push(text);
    length += text.length + 1;
    if (length > MAX_PATH) break;
  }
  return clip(parts.join("."), MAX_PATH);
}

/**
 * Turns schema issues into a 422 problem with an `issues` extension (`[{ path, message }]`), at most
 * `maxIssues` of them (the rest counted in `truncated`), messages trimmed. The validated value itself is
 * never included.
 *
 * @example
 * const problem = validationProblem(result.issues, { source: "body" });
 */
export function validationProblem(
  issues: ReadonlyArray<StandardSchemaV1.Issue>,
  options: Pick<ValidateOptions, "source" | "maxIssues"> = {},
): Problem {
  const max = Math.max(0, options.maxIssues ?? DEFAULT_MAX_ISSUES);
  const listed: ValidationIssue[] = [];
  for (let i = 0; i < issues.length && i < max; i++) {
    const issue = issues[i] as StandardSchemaV1.Issue;
    listed.push({ path: issuePath(issue.path), message: clip(String(issue.message), MAX_MESSAGE) });
  }
  const count = issues.length;
  const extensions: Record<string, unknown> = { issues: listed };
  if (count > listed.length) extensions.truncated = count - listed.length;
  const source = options.source ?? "value";
  return unprocessableContent({
    detail: `The ${source} does not match the expected schema (${count} issue${count === 1 ? "" : "s"}).`,
    extensions,
  });
}

function standardOf(schema: StandardSchemaV1): StandardSchemaV1.Props {
  const props = (schema as Partial<StandardSchemaV1> | null | undefined)?.["~standard"];
  if (props === undefined || props === null || typeof props.validate !== "function") {
    throw new TypeError(
      "Expected a Standard Schema v1 validator (an object with `~standard`); for Effect use Schema.toStandardSchemaV1(schema).",
    );
  }
  return props;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** Maps a Standard Schema result to a verdict, reporting failures. @internal */
export function resultToVerdict<T>(result: StandardSchemaV1.Result<T>, options: ValidateOptions): Verdict<T> {
  if (result.issues === undefined) return pass(result.value);
  const issues = Array.isArray(result.issues) ? result.issues : [];
  emit(options.onEvent, {
    type: "validation_failed",
    source: options.source ?? "value",
    issueCount: issues.length,
  });
  return fail(validationProblem(issues, options));
}

/**
 * Validates `value` with any Standard Schema v1 validator (Zod, Valibot, ArkType, Effect `Schema` through
 * `Schema.toStandardSchemaV1`), sync or async. Issues become a 422 problem listing each issue's dot path and
 * message. A schema that throws is a bug and rejects the promise.
 *
 * @example
 * const verdict = await validate(z.object({ email: z.email() }), input, { source: "body" });
 * if (!verdict.ok) return problemResponse(verdict.problem);
 * verdict.value.email; // string
 */
export async function validate<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  options: ValidateOptions = {},
): Promise<Verdict<StandardSchemaV1.InferOutput<S>>> {
  const result = await standardOf(schema).validate(value);
  return resultToVerdict(result as StandardSchemaV1.Result<StandardSchemaV1.InferOutput<S>>, options);
}

/**
 * Like `validate`, but a synchronous schema's verdict comes back as is, without a promise (the body
 * guards' path: a request should not pay promise jobs for a schema that answers at once). @internal
 *
 * @example
 * const out = validateEither(schema, value); const verdict = isPromiseLike(out) ? await out : out;
 */
export function validateEither<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  options: ValidateOptions = {},
): Verdict<StandardSchemaV1.InferOutput<S>> | Promise<Verdict<StandardSchemaV1.InferOutput<S>>> {
  const result = standardOf(schema).validate(value);
  if (!isPromiseLike(result)) {
    return resultToVerdict(result as StandardSchemaV1.Result<StandardSchemaV1.InferOutput<S>>, options);
  }
  return Promise.resolve(result).then((settled) =>
    resultToVerdict(settled as StandardSchemaV1.Result<StandardSchemaV1.InferOutput<S>>, options),
  );
}

/**
 * Like `validate`, without a promise, for synchronous schemas. Throws `AsyncSchemaError` if the schema
 * answers with a promise (an async refinement, an async transform).
 *
 * @example
 * const verdict = validateSync(v.object({ id: v.string() }), input);
 */
export function validateSync<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  options: ValidateOptions = {},
): Verdict<StandardSchemaV1.InferOutput<S>> {
  const props = standardOf(schema);
  const result = props.validate(value);
  if (isPromiseLike(result)) {
    // Nobody will await it: keep a rejection from surfacing as an unhandled one.
    result.then(undefined, () => {});
    throw new AsyncSchemaError(props.vendor);
  }
  return resultToVerdict(result as StandardSchemaV1.Result<StandardSchemaV1.InferOutput<S>>, options);
}
