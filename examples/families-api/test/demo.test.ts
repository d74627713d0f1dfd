import { redisUrlForTests } from "@goggles/testkit";
import { describe, expect, it } from "vitest";
import { runScenario } from "../src/scenario.js";

// The whole `pnpm demo` scenario: real servers on 127.0.0.1, real HTTP requests. Every row must match.
const failures = (rows: readonly { ok: boolean }[]) => rows.filter((row) => !row.ok);

describe("pnpm demo scenario", () => {
  it("matches every row with the embedded in-memory stores", async () => {
    const result = await runScenario();
    expect(result.stores).toBe("memory");
    expect(result.rows.length).toBeGreaterThanOrEqual(25);
    expect(failures(result.rows)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  const url = redisUrlForTests();
  it.skipIf(!url)("matches every row with Redis stores", async () => {
    const result = await runScenario({ redisUrl: url });
    expect(result.stores).toBe("redis");
    expect(failures(result.rows)).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
