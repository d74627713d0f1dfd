import {
  type Adapter,
  type AdapterOptions,
  type JsonOptions as CoreJsonOptions,
  defineAdapter as coreDefineAdapter,
  json as coreJson,
  validate as coreValidate,
  type Guard,
  type StandardSchemaV1,
  type ValidateOptions,
  type Verdict,
} from "@goggles/core";
import { Effect, Schema } from "effect";
import { ValidationError } from "../errors/validation-error.js";
import { type BoundarySchema, standardSchema } from "./standard.js";

const toEffect = <T>(verdict: Verdict<T>): Effect.Effect<T, ValidationError> =>
  verdict.ok
    ? Effect.succeed(verdict.value)
    : Effect.fail(
        new ValidationError({
          problem: verdict.problem,
          message: verdict.problem.detail ?? verdict.problem.title,
        }),
      );

/**
 * Validates `value` with an Effect `Schema` at the boundary: the decoded value, or a `ValidationError`
 * holding the 422 problem (dot paths and messages, capped; the value is never echoed). Reports
 * `validation_failed` to `onEvent`.
 *
 * @example
 * const User = Schema.Struct({ id: Schema.String, email: Schema.String });
 * const user = yield* validate(User, await request.json(), { source: "body" });
 */
export function validate<S extends BoundarySchema>(
  schema: S,
  value: unknown,
  options?: ValidateOptions,
): Effect.Effect<S["Type"], ValidationError> {
  return Effect.flatMap(
    Effect.promise(() => coreValidate(standardSchema(schema), value, options)),
    toEffect,
  );
}

/** Options of `json()`: core's, with an Effect `Schema` for `schema`. */
export type JsonOptions<S extends BoundarySchema | StandardSchemaV1 | undefined, Name extends string> = Omit<
  CoreJsonOptions<undefined, Name>,
  "schema"
> & {
  /** The Effect schema the parsed body must match (or any Standard Schema, e.g. an adapter); its output lands on the context. */
  readonly schema?: S;
};

/** What a schema puts on the context: an Effect schema's `Type`, a Standard Schema's output. */
export type OutputOf<S> = S extends BoundarySchema
  ? S["Type"]
  : S extends StandardSchemaV1
    ? StandardSchemaV1.InferOutput<S>
    : unknown;

/**
 * Core's `json()` body guard (415 / 413 / 400 / 422) with an Effect `Schema` (or an adapter from
 * `defineAdapter`): use it in a core `boundary()` and the decoded value lands on the context.
 *
 * @example
 * const protect = boundary().use(json({ schema: Schema.Struct({ email: Schema.String }) }));
 */
export function json<
  S extends BoundarySchema | StandardSchemaV1 | undefined = undefined,
  const Name extends string = "body",
>(options: JsonOptions<S, Name> = {}): Guard<Name, OutputOf<S>> {
  const { schema, ...rest } = options;
  const standard =
    schema === undefined || !Schema.isSchema(schema) ? schema : standardSchema(schema as BoundarySchema);
  return coreJson({ ...rest, schema: standard as StandardSchemaV1 | undefined }) as never;
}

/** Options of `defineAdapter()`: core's, with an Effect `Schema` for the external shape. */
export interface EffectAdapterOptions<S extends BoundarySchema, Internal> {
  /** The Effect schema of the external data (a partner's response, an import row). */
  readonly schema: S;
  /** Maps the decoded external value to the internal shape; may be async; may throw a `ProblemError`. */
  readonly transform: (external: S["Type"]) => Internal | Promise<Internal>;
  /** Labels problems and events. Default `"value"`. */
  readonly source?: string;
}

/** A core `Adapter` (itself a Standard Schema) that also decodes as an Effect. */
export interface EffectAdapter<Internal, External, Input> extends Adapter<Internal, External, Input> {
  /** Validates then transforms: the internal value, or a `ValidationError` with the problem. */
  decode(value: unknown, options?: ValidateOptions): Effect.Effect<Internal, ValidationError>;
}

/**
 * Core's `defineAdapter` with an Effect `Schema` for the external shape: validate, then transform into your
 * internal shape. The result is a core adapter (usable wherever core takes a Standard Schema) with a
 * `decode` Effect.
 *
 * @example
 * const Customer = defineAdapter({
 *   schema: Schema.Struct({ id: Schema.String, created: Schema.Number }),
 *   transform: (c) => ({ customerId: c.id, createdAt: new Date(c.created * 1000) }),
 *   source: "stripe customer",
 * });
 * const customer = yield* Customer.decode(payload);
 */
export function defineAdapter<S extends BoundarySchema, Internal>(
  options: EffectAdapterOptions<S, Internal>,
): EffectAdapter<Internal, S["Type"], S["Encoded"]> {
  const adapter = coreDefineAdapter({
    ...options,
    schema: standardSchema(options.schema),
  } as AdapterOptions<ReturnType<typeof standardSchema<S>>, Internal>);
  return Object.assign(adapter, {
    decode: (value: unknown, decodeOptions?: ValidateOptions) =>
      Effect.flatMap(
        Effect.promise(() => adapter.parse(value, decodeOptions)),
        toEffect,
      ),
  }) as EffectAdapter<Internal, S["Type"], S["Encoded"]>;
}
