import { type Problem, unprocessableContent } from "../problem.js";

/**
 * The part of Standard Schema v1 that imports need: `~standard.validate`, sync or async. Zod, Valibot,
 * ArkType, Effect `Schema` (through `Schema.toStandardSchemaV1`) and goggles adapters all satisfy it.
 *
 * @example
 * const Row: ImportSchema<unknown, { name: string }> = z.object({ name: z.string() });
 */
export interface ImportSchema<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => SchemaResult<Output> | Promise<SchemaResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** A Standard Schema result: a value, or issues. @example const ok: SchemaResult<number> = { value: 1 }; */
export type SchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
      }>;
    };

/** The output type of an import schema. @example type Family = SchemaOutput<typeof FamilySchema>; */
export type SchemaOutput<S> = S extends ImportSchema<unknown, infer O> ? O : never;

const MAX_ISSUES = 20;

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * Turns a Standard Schema result into a value or a 422 problem listing `{ path, message }` issues.
 * A minimal stand-in for `validate` until that lands in core; it never echoes the input.
 * @internal
 */
export function schemaOutcome<O>(result: SchemaResult<O>): { value: O } | { problem: Problem } {
  if (result.issues === undefined) return { value: result.value };
  const issues = Array.isArray(result.issues) ? result.issues : [];
  const listed = issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: (issue.path ?? [])
      .map((s: PropertyKey | { readonly key: PropertyKey }) => {
        const key = typeof s === "object" && s !== null ? s.key : s;
        return clip(typeof key === "symbol" ? (key.description ?? "symbol") : String(key), 64);
      })
      .join("."),
    message: clip(String(issue.message), 200),
  }));
  return {
    problem: unprocessableContent({
      detail: `The row does not match the expected schema (${issues.length} issue${issues.length === 1 ? "" : "s"}).`,
      extensions: { issues: listed },
    }),
  };
}
