import type { Problem } from "@goggles/core";
import { Data } from "effect";
import { GOGGLES_BRAND } from "./brand.js";

/**
 * A value did not match its Effect `Schema` at the boundary. `problem` is the 422 problem to answer with
 * (each issue's dot path and message, capped; never the value itself).
 *
 * @example
 * validate(User, input).pipe(Effect.catchTag("ValidationError", (e) => Effect.succeed(problemResponse(e.problem))));
 */
export class ValidationError extends Data.TaggedError("ValidationError")<{
  readonly problem: Problem;
  readonly message: string;
}> {
  readonly code = "VALIDATION_FAILED" as const;
  readonly [GOGGLES_BRAND] = true as const;
}
