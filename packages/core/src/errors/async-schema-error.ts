import { errorGuard, GogglesError } from "./goggles-error.js";

/**
 * Thrown by `validateSync` (and an adapter's `parseSync`) when the schema or transform turned out to be
 * asynchronous. This is a programming error, not bad input: use `validate` (or `parse`) for async schemas.
 *
 * @example
 * try { validateSync(schema, value); } catch (e) { if (isAsyncSchemaError(e)) … }
 */
export class AsyncSchemaError extends GogglesError {
  /** The schema library that answered asynchronously (`"zod"`, `"valibot"`, …). */
  readonly vendor: string;
  constructor(vendor: string) {
    super(
      "ASYNC_SCHEMA",
      `The ${vendor} schema validated asynchronously; use validate() (or adapter.parse()) instead of the sync variant.`,
    );
    this.vendor = vendor;
  }
}

/** Whether `value` is an `AsyncSchemaError` from any copy of goggles. @example if (isAsyncSchemaError(e)) … */
export const isAsyncSchemaError = errorGuard<AsyncSchemaError>("ASYNC_SCHEMA");
