import {
  boundary,
  createBoundaryRequest,
  type GogglesEvent,
  ProblemError,
  unprocessableContent,
} from "@goggles/core";
import { Effect, Schema } from "effect";
import { describe, expect, it } from "vitest";
import { defineAdapter, json, validate } from "./validate.js";

const User = Schema.Struct({ id: Schema.String, age: Schema.Number });

describe("validate with an Effect Schema", () => {
  it("decodes a matching value and fails with a 422 ValidationError otherwise, never echoing the value", async () => {
    expect(await Effect.runPromise(validate(User, { id: "u1", age: 3 }))).toEqual({ id: "u1", age: 3 });
    const events: GogglesEvent[] = [];
    const error = await Effect.runPromise(
      Effect.flip(
        validate(User, { id: "secret-value", age: "x" }, { source: "body", onEvent: (e) => events.push(e) }),
      ),
    );
    expect(error._tag).toBe("ValidationError");
    expect(error.problem.status).toBe(422);
    expect(error.problem.extensions?.issues).toEqual([{ path: "age", message: expect.any(String) }]);
    expect(JSON.stringify(error.problem)).not.toContain("secret-value");
    expect(events).toEqual([{ type: "validation_failed", source: "body", issueCount: 1 }]);
    const handled = await Effect.runPromise(
      validate(User, null).pipe(Effect.catchTag("ValidationError", (e) => Effect.succeed(e.problem.status))),
    );
    expect(handled).toBe(422);
  });

  it("json() takes the Effect schema in a core boundary: typed value on the context, 422 on mismatch", async () => {
    const protect = boundary().use(json({ schema: User }));
    const request = (body: string) =>
      createBoundaryRequest({
        method: "POST",
        url: "http://localhost/users",
        headers: { "content-type": "application/json" },
        body: new TextEncoder().encode(body),
      });
    const ok = await protect(request(JSON.stringify({ id: "u1", age: 30 })));
    expect(ok.ok && ok.value.body.age).toBe(30);
    const bad = await protect(request(JSON.stringify({ id: 1 })));
    expect(!bad.ok && bad.problem.status).toBe(422);
    // An adapter (a Standard Schema made from an Effect schema) works too.
    const Adult = defineAdapter({ schema: User, transform: (u) => ({ userId: u.id, adult: u.age >= 18 }) });
    const adapted = await boundary().use(json({ schema: Adult }))(
      request(JSON.stringify({ id: "u2", age: 40 })),
    );
    expect(adapted.ok && adapted.value.body).toEqual({ userId: "u2", adult: true });
  });

  it("defineAdapter takes an Effect schema, transforms, and decodes as an Effect", async () => {
    const Customer = defineAdapter({
      schema: Schema.Struct({ id: Schema.String, created: Schema.Number }),
      transform: (c) => {
        if (c.id === "banned") throw new ProblemError(unprocessableContent({ detail: "banned customer" }));
        return { customerId: c.id, createdAt: new Date(c.created * 1000) };
      },
      source: "customer",
    });
    const customer = await Effect.runPromise(Customer.decode({ id: "c1", created: 1 }));
    expect(customer).toEqual({ customerId: "c1", createdAt: new Date(1000) });
    const refused = await Effect.runPromise(Effect.flip(Customer.decode({ id: "banned", created: 1 })));
    expect(refused.problem.detail).toBe("banned customer");
    const invalid = await Effect.runPromise(Effect.flip(Customer.decode({ id: 5 })));
    expect(invalid.problem.status).toBe(422);
    // Still a core adapter: a Standard Schema with parse().
    expect((await Customer.parse({ id: "c2", created: 2 })).ok).toBe(true);
    expect(Customer["~standard"].vendor).toBe("goggles");
  });
});
