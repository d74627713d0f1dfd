import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** The URL of the Redis the test run may use, or "" when none is available (tests skip). */
    redisUrl: string;
  }
}

/**
 * The Redis URL the global setup provided ("" when Redis is unavailable outside CI: tests skip).
 *
 * @example
 * const url = redisUrlForTests();
 * describe.skipIf(!url)("with redis", () => { … });
 */
export function redisUrlForTests(): string {
  return inject("redisUrl") ?? "";
}
