import { Schema } from "effect";
import * as v from "valibot";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as z from "zod";
import { isAsyncSchemaError } from "../errors/async-schema-error.js";
import { ProblemError } from "../errors/goggles-error.js";
import type { GogglesEvent } from "../events.js";
import { conflict } from "../problem.js";
import type { StandardSchemaV1 } from "../validate/standard-schema.js";
import { validate } from "../validate/validate.js";
import { defineAdapter } from "./define-adapter.js";

const StripeCustomer = z.object({ id: z.string(), email: z.email(), created: z.number() });
const customer = defineAdapter({
  schema: StripeCustomer,
  transform: (c) => ({
    customerId: c.id,
    email: c.email.toLowerCase(),
    createdAt: new Date(c.created * 1000),
  }),
  source: "stripe customer",
});
interface Customer {
  customerId: string;
  email: string;
  createdAt: Date;
}

describe("defineAdapter", () => {
  it("validates the external shape and transforms it into the internal one", async () => {
    const verdict = await customer.parse({ id: "cus_1", email: "Ada@Example.com", created: 1_700_000_000 });
    expectTypeOf(verdict).toEqualTypeOf<import("../verdict.js").Verdict<Customer>>();
    expect(verdict).toEqual({
      ok: true,
      value: { customerId: "cus_1", email: "ada@example.com", createdAt: new Date(1_700_000_000_000) },
    });
    expect(customer.parseSync({ id: "cus_1", email: "a@b.co", created: 0 }).ok).toBe(true);
    expect(customer.schema).toBe(StripeCustomer);
  });

  it("gives a 422 problem for external data that does not match, labelled with its source", async () => {
    const events: GogglesEvent[] = [];
    const verdict = await customer.parse({ id: 1, email: "nope" }, { onEvent: (e) => events.push(e) });
    if (verdict.ok) throw new Error("expected a failure");
    expect(verdict.problem.status).toBe(422);
    expect(verdict.problem.detail).toContain("stripe customer");
    const paths = ((verdict.problem.extensions?.issues ?? []) as { path: string }[])
      .map((i) => i.path)
      .sort();
    expect(paths).toEqual(["created", "email", "id"]);
    expect(events).toEqual([{ type: "validation_failed", source: "stripe customer", issueCount: 3 }]);
    const response = await customer.parse({}, { source: "response" });
    if (!response.ok) expect(response.problem.detail).toContain("response");
  });

  it("is itself a Standard Schema: validate() accepts it and infers the internal type", async () => {
    const schema: StandardSchemaV1<unknown, Customer> = customer;
    expect(customer["~standard"].vendor).toBe("goggles");
    const verdict = await validate(customer, { id: "cus_1", email: "a@b.co", created: 0 });
    if (!verdict.ok) throw new Error("expected a value");
    expectTypeOf(verdict.value).toEqualTypeOf<Customer>();
    expect(verdict.value.customerId).toBe("cus_1");
    const raw = schema["~standard"].validate({ id: 2 });
    expect("issues" in raw && raw.issues?.length).toBe(3);
    // Adapters compose: an adapter's schema may be another adapter.
    const label = defineAdapter({ schema: customer, transform: (c) => `${c.customerId} <${c.email}>` });
    expect(await label.parse({ id: "c", email: "x@y.zz", created: 1 })).toEqual({
      ok: true,
      value: "c <x@y.zz>",
    });
  });

  it("works with Valibot and Effect schemas, and async transforms", async () => {
    const fromValibot = defineAdapter({
      schema: v.object({ amount_cents: v.number() }),
      transform: async (p) => ({ amount: p.amount_cents / 100 }),
    });
    expect(await fromValibot.parse({ amount_cents: 1250 })).toEqual({ ok: true, value: { amount: 12.5 } });
    expect((await fromValibot.parse({ amount_cents: "x" })).ok).toBe(false);
    expect(() => fromValibot.parseSync({ amount_cents: 1 })).toThrow();
    const fromEffect = defineAdapter({
      schema: Schema.toStandardSchemaV1(Schema.Struct({ n: Schema.Number })),
      transform: (p) => p.n * 2,
    });
    expect(fromEffect.parseSync({ n: 21 })).toEqual({ ok: true, value: 42 });
    expect(fromEffect.parseSync({ n: "21" }).ok).toBe(false);
  });

  it("parseSync refuses async schemas with AsyncSchemaError", () => {
    const adapter = defineAdapter({ schema: z.string().refine(async () => true), transform: (s) => s });
    let thrown: unknown;
    try {
      adapter.parseSync("x");
    } catch (error) {
      thrown = error;
    }
    expect(isAsyncSchemaError(thrown)).toBe(true);
  });

  it("lets the transform refuse with a ProblemError; other throws propagate", async () => {
    const refusing = defineAdapter({
      schema: z.object({ status: z.string() }),
      transform: (p) => {
        if (p.status === "deleted") throw new ProblemError(conflict({ detail: "The customer was deleted." }));
        return p.status;
      },
    });
    const verdict = await refusing.parse({ status: "deleted" });
    expect(verdict.ok ? 200 : verdict.problem.status).toBe(409);
    const raw = await refusing["~standard"].validate({ status: "deleted" });
    expect(raw.issues?.[0]?.message).toBe("The customer was deleted.");
    const buggy = defineAdapter({
      schema: z.number(),
      transform: () => {
        throw new RangeError("bug");
      },
    });
    await expect(buggy.parse(1)).rejects.toThrow("bug");
  });

  it("checks its options", () => {
    expect(() => defineAdapter({ schema: {} as StandardSchemaV1, transform: (x) => x })).toThrow(TypeError);
  });
});
