import type { StandardSchemaV1 } from "@goggles/core";
import { Schema } from "effect";

/** An Effect schema that decodes without services: what the boundary helpers accept. */
export type BoundarySchema = Schema.ConstraintDecoder<unknown>;

const cache = new WeakMap<object, StandardSchemaV1>();

/**
 * The Standard Schema v1 view of an Effect schema (`Schema.toStandardSchemaV1`), made once per schema.
 * Every helper here calls it for you; use it to hand an Effect schema to a core API that takes a Standard
 * Schema.
 *
 * @example
 * const guard = json({ schema: standardSchema(Enrolment) }); // core's json guard
 */
export function standardSchema<S extends BoundarySchema>(
  schema: S,
): StandardSchemaV1<S["Encoded"], S["Type"]> {
  let standard = cache.get(schema);
  if (standard === undefined) {
    standard = Schema.toStandardSchemaV1(schema) as unknown as StandardSchemaV1;
    cache.set(schema, standard);
  }
  return standard as StandardSchemaV1<S["Encoded"], S["Type"]>;
}
