import { beforeAll, describe, expect, it } from "vitest";
import { type CheckResult, checks } from "./conformance.js";
import { available, buildPackages, type RuntimeName, runOn } from "./runtimes.js";

const runtimes: RuntimeName[] = ["node22", "node24", "bun", "deno", "workerd", "chromium"];

beforeAll(() => buildPackages(), 180_000);

for (const runtime of runtimes) {
  const missing = !available(runtime);
  if (missing) {
    if (process.env.CI === "true") throw new Error(`CI=true but ${runtime} is not available on this machine`);
    console.warn(`[goggles] ${runtime} is not installed: its runtime conformance checks are SKIPPED.`);
  }
  describe.skipIf(missing)(`runtime conformance on ${runtime}`, () => {
    let results: Map<string, CheckResult>;
    beforeAll(async () => {
      results = new Map((await runOn(runtime)).map((r) => [r.name, r]));
    }, 120_000);
    for (const check of checks) {
      it(check.name, () => {
        expect(results.get(check.name)).toEqual({ name: check.name, ok: true });
      });
    }
  });
}
