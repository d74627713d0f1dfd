import { Schema } from "effect";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { isAsyncSchemaError } from "../errors/async-schema-error.js";
import type { GogglesEvent } from "../events.js";
import type { StandardSchemaV1 } from "./standard-schema.js";
import { issuePath, validate, validateSync, validationProblem } from "./validate.js";

const bad = { items: [{ name: 1 }, { name: "ok" }], count: "x" };
const good = { items: [{ name: "a" }], count: 2 };

const schemas: Record<string, StandardSchemaV1<unknown, { items: { name: string }[]; count: number }>> = {
  zod: z.object({ items: z.array(z.object({ name: z.string() })), count: z.number() }),
  valibot: v.object({ items: v.array(v.object({ name: v.string() })), count: v.number() }),
  effect: Schema.toStandardSchemaV1(
    Schema.Struct({ items: Schema.Array(Schema.Struct({ name: Schema.String })), count: Schema.Number }),
  ) as StandardSchemaV1<unknown, { items: { name: string }[]; count: number }>,
};

describe.each(Object.entries(schemas))("validate with %s", (_vendor, schema) => {
  it("passes a valid value through, typed", async () => {
    const verdict = await validate(schema, good);
    expect(verdict).toEqual({ ok: true, value: good });
    if (verdict.ok) expect(verdict.value.items[0]?.name).toBe("a");
  });

  it("lists every issue with its dot path in a 422", async () => {
    const verdict = await validate(schema, bad, { source: "body" });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.problem.status).toBe(422);
    expect(verdict.problem.detail).toContain("body");
    const issues = verdict.problem.extensions?.issues as { path: string; message: string }[];
    expect(issues.map((i) => i.path).sort()).toEqual(["count", "items.0.name"]);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
  });

  it("validates synchronously too", () => {
    expect(validateSync(schema, good).ok).toBe(true);
    expect(validateSync(schema, bad).ok).toBe(false);
  });
});

describe("validate", () => {
  it("awaits async schemas; validateSync refuses them with a clear error", async () => {
    const schema = z.string().refine(async (s) => s.length > 2, "too short");
    expect((await validate(schema, "abc")).ok).toBe(true);
    const verdict = await validate(schema, "ab");
    expect(verdict.ok).toBe(false);
    let thrown: unknown;
    try {
      validateSync(schema, "abc");
    } catch (error) {
      thrown = error;
    }
    expect(isAsyncSchemaError(thrown)).toBe(true);
    expect(String((thrown as Error).message)).toContain("validate()");
  });

  it("reports a validation_failed event with the source and the issue count", async () => {
    const events: GogglesEvent[] = [];
    await validate(schemas.zod as StandardSchemaV1, bad, { source: "query", onEvent: (e) => events.push(e) });
    expect(events).toEqual([{ type: "validation_failed", source: "query", issueCount: 2 }]);
  });

  it("caps the number of issues and counts the rest", async () => {
    const schema = z.array(z.number());
    const verdict = await validate(
      schema,
      Array.from({ length: 50 }, () => "x"),
    );
    if (verdict.ok) throw new Error("expected a failure");
    expect(((verdict.problem.extensions?.issues ?? []) as unknown[]).length).toBe(20);
    expect(verdict.problem.extensions?.truncated).toBe(30);
    const two = await validate(schema, ["x", "y", "z"], { maxIssues: 2 });
    if (two.ok) throw new Error("expected a failure");
    expect(two.problem.extensions?.truncated).toBe(1);
  });

  it("never echoes a large input back: messages and keys are trimmed", async () => {
    const huge = "A".repeat(100_000);
    const valibot = v.object({ name: v.number() });
    const verdict = await validate(valibot, { name: huge });
    if (verdict.ok) throw new Error("expected a failure");
    const body = JSON.stringify(verdict.problem);
    expect(body.length).toBeLessThan(1000);
    const strict = z.strictObject({});
    const keyed = await validate(strict, { [huge]: 1 });
    if (keyed.ok) throw new Error("expected a failure");
    expect(JSON.stringify(keyed.problem).length).toBeLessThan(1500);
  });

  it("rejects something that is not a Standard Schema", async () => {
    await expect(validate({} as StandardSchemaV1, 1)).rejects.toThrow(/Standard Schema/);
  });

  it("propagates a schema that throws (a bug, not bad input)", async () => {
    const broken: StandardSchemaV1 = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: () => {
          throw new Error("boom");
        },
      },
    };
    await expect(validate(broken, 1)).rejects.toThrow("boom");
  });
});

describe("issuePath", () => {
  it("joins keys and { key } segments with dots", () => {
    expect(issuePath(["items", 0, { key: "name" }])).toBe("items.0.name");
    expect(issuePath([{ key: "a b" }, "c.d"])).toBe("a b.c.d");
    expect(issuePath([Symbol("s")])).toBe("s");
    expect(issuePath(undefined)).toBe("");
    expect(issuePath([])).toBe("");
  });

  it("trims long keys", () => {
    expect(issuePath(["k".repeat(500)]).length).toBeLessThanOrEqual(64);
    expect(issuePath(Array.from({ length: 500 }, () => "abcdef")).length).toBeLessThanOrEqual(256);
  });
});

describe("validationProblem", () => {
  it("builds the problem from raw issues", () => {
    const problem = validationProblem([{ message: "Required", path: ["a"] }], { source: "response" });
    expect(problem.status).toBe(422);
    expect(problem.extensions).toEqual({ issues: [{ path: "a", message: "Required" }] });
    expect(problem.detail).toBe("The response does not match the expected schema (1 issue).");
  });
});
