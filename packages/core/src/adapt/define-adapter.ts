import { AsyncSchemaError } from "../errors/async-schema-error.js";
import { isProblemError } from "../errors/goggles-error.js";
import type { Problem } from "../problem.js";
import type { StandardSchemaV1 } from "../validate/standard-schema.js";
import { resultToVerdict, type ValidateOptions } from "../validate/validate.js";
import { fail, type Verdict } from "../verdict.js";

/** What `defineAdapter` needs: the external shape's schema and the mapping to the internal shape. */
export interface AdapterOptions<S extends StandardSchemaV1, Internal> {
  /** Any Standard Schema v1 validator for the external data (a partner's response, an import row). */
  schema: S;
  /**
   * Maps the validated external value to the internal shape; may be async. To refuse a value the schema let
   * through, throw a `ProblemError` (its problem becomes the verdict); any other throw is a bug and propagates.
   */
  transform: (external: StandardSchemaV1.InferOutput<S>) => Internal | Promise<Internal>;
  /** Labels problems and events (`"response"`, `"stripe customer"`). Default `"value"`. */
  source?: string;
}

/**
 * The boundary between an external shape and the internal one. It is itself a Standard Schema v1 (its
 * output is the internal value), so anything that accepts a schema accepts an adapter.
 *
 * @example
 * const verdict = await customer.parse(await response.json());
 * if (verdict.ok) save(verdict.value); // the internal shape
 */
export interface Adapter<Internal, External = unknown, Input = unknown>
  extends StandardSchemaV1<Input, Internal> {
  /** The external shape's schema. */
  readonly schema: StandardSchemaV1<Input, External>;
  /** Validates then transforms; issues give a 422 problem, a `ProblemError` from the transform its problem. */
  parse(value: unknown, options?: ValidateOptions): Promise<Verdict<Internal>>;
  /** Like `parse`, synchronously; throws `AsyncSchemaError` if the schema or the transform is async. */
  parseSync(value: unknown, options?: ValidateOptions): Verdict<Internal>;
}

type Outcome<T> = StandardSchemaV1.Result<T> | { readonly problem: Problem };

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Defines an adapter: validate external data with `schema`, then `transform` it into the internal shape.
 * The outbound fetch client (`.json(adapter)`) and imports use adapters; so can any code that accepts a
 * Standard Schema.
 *
 * @example
 * const customer = defineAdapter({
 *   schema: z.object({ id: z.string(), email: z.email(), created: z.number() }),
 *   transform: (c) => ({ customerId: c.id, email: c.email.toLowerCase(), createdAt: new Date(c.created * 1000) }),
 *   source: "stripe customer",
 * });
 * const verdict = await customer.parse(payload);
 */
export function defineAdapter<S extends StandardSchemaV1, Internal>(
  options: AdapterOptions<S, Internal>,
): Adapter<Internal, StandardSchemaV1.InferOutput<S>, StandardSchemaV1.InferInput<S>> {
  type External = StandardSchemaV1.InferOutput<S>;
  const { schema, transform } = options;
  const props = schema?.["~standard"];
  if (props === undefined || typeof props.validate !== "function") {
    throw new TypeError("defineAdapter: `schema` must be a Standard Schema v1 validator.");
  }
  if (typeof transform !== "function") throw new TypeError("defineAdapter: `transform` must be a function.");

  const refused = (error: unknown): { readonly problem: Problem } => {
    if (isProblemError(error)) return { problem: error.problem };
    throw error;
  };
  const mapped = (
    result: StandardSchemaV1.Result<External>,
  ): Outcome<Internal> | Promise<Outcome<Internal>> => {
    if (result.issues !== undefined) return result;
    let out: Internal | Promise<Internal>;
    try {
      out = transform(result.value);
    } catch (error) {
      return refused(error);
    }
    return isPromiseLike(out) ? Promise.resolve(out).then((value) => ({ value }), refused) : { value: out };
  };
  const run = (value: unknown): Outcome<Internal> | Promise<Outcome<Internal>> => {
    const result = props.validate(value) as
      | StandardSchemaV1.Result<External>
      | Promise<StandardSchemaV1.Result<External>>;
    return isPromiseLike(result) ? Promise.resolve(result).then(mapped) : mapped(result);
  };
  const settle = (outcome: Outcome<Internal>, options: ValidateOptions = {}): Verdict<Internal> => {
    if ("problem" in outcome) return fail(outcome.problem);
    return resultToVerdict(outcome, { ...options, source: options.source ?? source });
  };
  const source = options.source ?? "value";

  return {
    schema: schema as StandardSchemaV1<StandardSchemaV1.InferInput<S>, External>,
    "~standard": {
      version: 1,
      vendor: "goggles",
      validate(value: unknown) {
        const toResult = (outcome: Outcome<Internal>): StandardSchemaV1.Result<Internal> =>
          "problem" in outcome
            ? { issues: [{ message: outcome.problem.detail ?? outcome.problem.title }] }
            : outcome;
        const outcome = run(value);
        return isPromiseLike(outcome) ? outcome.then(toResult) : toResult(outcome);
      },
    },
    async parse(value, parseOptions) {
      return settle(await run(value), parseOptions);
    },
    parseSync(value, parseOptions) {
      const outcome = run(value);
      if (isPromiseLike(outcome)) {
        outcome.then(undefined, () => {});
        throw new AsyncSchemaError(`goggles adapter (${props.vendor})`);
      }
      return settle(outcome, parseOptions);
    },
  };
}
