import { describe, expect, expectTypeOf, it } from "vitest";
import { ProblemError } from "../errors/goggles-error.js";
import type { GogglesEvent } from "../events.js";
import {
  badRequest,
  conflict,
  contentTooLarge,
  type Problem,
  tooManyRequests,
  unauthorized,
} from "../problem.js";
import { FakeClock } from "../testing/fake-clock.js";
import { fail, pass, type Replied, type Reply, reply } from "../verdict.js";
import { type BaseContext, boundary } from "./boundary.js";
import { createBoundaryRequest } from "./boundary-request.js";
import type { Guard, HandlerOutcome } from "./guard.js";

const request = (init: { headers?: Record<string, string>; body?: string; remoteAddress?: string } = {}) =>
  createBoundaryRequest({
    method: "POST",
    url: "https://api.example.com/orders",
    headers: init.headers ?? {},
    remoteAddress: init.remoteAddress ?? "203.0.113.7",
    body: init.body ?? "",
  });

describe("boundary", () => {
  it("starts with the client address and runs guards in order, each writing under its name", async () => {
    const seen: string[] = [];
    const protect = boundary()
      .use({
        name: "tenant",
        check: ({ request: r }) => {
          seen.push("tenant");
          return pass(r.headers.get("x-tenant") ?? "none");
        },
      })
      .use({
        name: "quota",
        check: async ({ context }) => {
          seen.push(`quota saw ${context.tenant} from ${context.ip}`);
          return pass({ remaining: 9 });
        },
      });
    expect(protect.guards).toEqual(["tenant", "quota"]);
    const verdict = await protect(request({ headers: { "x-tenant": "acme" } }));
    expect(seen).toEqual(["tenant", "quota saw acme from 203.0.113.7"]);
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.value).toEqual({ ip: "203.0.113.7", tenant: "acme", quota: { remaining: 9 } });
    expect(verdict.headers).toBeUndefined();
  });

  it("types the context with what each guard proves", async () => {
    const tenant: Guard<"tenant", string> = { name: "tenant", check: () => pass("acme") };
    const needsTenant: Guard<"order", number, BaseContext & { tenant: string }> = {
      name: "order",
      check: ({ context }) => pass(context.tenant.length),
    };
    const protect = boundary().use(tenant).use(needsTenant);
    const verdict = await protect(request());
    if (verdict.ok) {
      expectTypeOf(verdict.value.ip).toEqualTypeOf<string | undefined>();
      expectTypeOf(verdict.value.tenant).toEqualTypeOf<string>();
      expectTypeOf(verdict.value.order).toEqualTypeOf<number>();
      expect(verdict.value.order).toBe(4);
    }
    // A guard that needs what no earlier guard proved does not fit.
    // @ts-expect-error: "tenant" is not in the context yet
    boundary().use(needsTenant);
  });

  it("stops at the first refusal: later guards never run", async () => {
    let laterRan = false;
    const protect = boundary()
      .use({ name: "a", check: () => pass(1) })
      .use({ name: "b", check: () => fail(unauthorized({ detail: "Missing API key." })) })
      .use({
        name: "c",
        check: () => {
          laterRan = true;
          return pass(3);
        },
      });
    const verdict = await protect(request());
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.problem.status).toBe(401);
    expect(laterRan).toBe(false);
  });

  it("merges success headers, and sends them with a later refusal too (the problem's own win)", async () => {
    const protect = boundary()
      .use({ name: "limit", check: () => pass(1, { ratelimit: '"default";r=9;t=1', "x-a": "1" }) })
      .use({ name: "other", check: () => pass(2, { "x-b": "2", "x-a": "override" }) });
    const ok = await protect(request());
    expect(ok.ok && ok.headers).toEqual({ ratelimit: '"default";r=9;t=1', "x-a": "override", "x-b": "2" });

    const refusing = boundary()
      .use({ name: "limit", check: () => pass(1, { ratelimit: '"default";r=0;t=1', "retry-after": "9" }) })
      .use({ name: "body", check: () => fail(tooManyRequests({ headers: { "retry-after": "1" } })) });
    const verdict = await refusing(request());
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.problem.headers).toEqual({ ratelimit: '"default";r=0;t=1', "retry-after": "1" });
  });

  it("runs after hooks in reverse order with the handler's outcome, once", async () => {
    const calls: string[] = [];
    const hook = (name: string) => (outcome: HandlerOutcome) => {
      calls.push(`${name}:${outcome.status}${outcome.error ? ":threw" : ""}`);
    };
    const protect = boundary()
      .use({ name: "a", check: () => ({ ...pass(1), after: hook("a") }) })
      .use({ name: "b", check: () => pass(2) })
      .use({ name: "c", check: async () => ({ ...pass(3), after: async (o) => hook("c")(o) }) });
    const verdict = await protect(request());
    expect(calls).toEqual([]);
    await verdict.after({ status: 500, error: new Error("handler failed") });
    expect(calls).toEqual(["c:500:threw", "a:500:threw"]);
    await verdict.after({ status: 200 });
    expect(calls).toHaveLength(2);
  });

  it("on a refusal, runs the hooks of the guards that had passed with the problem's status", async () => {
    const calls: string[] = [];
    const protect = boundary()
      .use({
        name: "limit",
        check: () => ({ ...pass(1), after: (o) => void calls.push(`limit:${o.status}`) }),
      })
      .use({
        name: "replay",
        check: () => ({ ...pass(2), after: (o) => void calls.push(`replay:${o.status}`) }),
      })
      .use({ name: "body", check: () => fail(badRequest()) });
    const verdict = await protect(request());
    expect(calls).toEqual(["replay:400", "limit:400"]);
    await verdict.after({ status: 200 });
    expect(calls).toHaveLength(2);
  });

  it("also runs the refusing guard's own hook, so it can undo what it started", async () => {
    const calls: string[] = [];
    const protect = boundary()
      .use({
        name: "first",
        check: () => ({ ...pass(1), after: (o) => void calls.push(`first:${o.status}`) }),
      })
      .use({
        name: "limit",
        check: () => ({ ...fail(tooManyRequests()), after: (o) => void calls.push(`limit:${o.status}`) }),
      });
    await protect(request());
    expect(calls).toEqual(["limit:429", "first:429"]);
  });

  it("reports a throwing after hook and still runs the others", async () => {
    const events: GogglesEvent[] = [];
    const calls: string[] = [];
    const protect = boundary({ onEvent: (e) => events.push(e) })
      .use({ name: "a", check: () => ({ ...pass(1), after: () => void calls.push("a") }) })
      .use({
        name: "b",
        check: () => ({
          ...pass(2),
          after: () => {
            throw new RangeError("hook broke");
          },
        }),
      });
    const verdict = await protect(request());
    await verdict.after({ status: 204 });
    expect(calls).toEqual(["a"]);
    expect(events).toEqual([{ type: "guard_error", guard: "b", errorName: "RangeError" }]);
  });

  it("answers a throwing guard with a bare 500 and a guard_error event", async () => {
    const events: GogglesEvent[] = [];
    const secret = "password=hunter2";
    const protect = boundary({ onEvent: (e) => events.push(e) }).use({
      name: "broken",
      check: () => {
        throw new TypeError(secret);
      },
    });
    const verdict = await protect(request());
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.problem).toEqual({
      type: "https://goggles.dev/problems/internal-error",
      title: "Internal Server Error",
      status: 500,
    });
    expect(JSON.stringify(verdict)).not.toContain("hunter2");
    expect(events).toEqual([{ type: "guard_error", guard: "broken", errorName: "TypeError" }]);
  });

  it("answers a rejected async guard and a guard returning no verdict the same way", async () => {
    const events: GogglesEvent[] = [];
    const protect = boundary({ onEvent: (e) => events.push(e) })
      .use({ name: "nothing", check: () => undefined as never })
      .use({ name: "later", check: () => pass(1) });
    const verdict = await protect(request());
    expect(!verdict.ok && verdict.problem.status).toBe(500);
    expect(events).toEqual([{ type: "guard_error", guard: "nothing", errorName: "TypeError" }]);

    const rejecting = boundary().use({ name: "r", check: () => Promise.reject(new Error("x")) });
    expect((await rejecting(request())).ok).toBe(false);
  });

  it("answers a thrown ProblemError with its problem (a body over the limit is a 413)", async () => {
    const events: GogglesEvent[] = [];
    const protect = boundary({ onEvent: (e) => events.push(e) }).use({
      name: "body",
      check: async ({ request: r }) => pass(await r.body({ maxBytes: 4 })),
    });
    const verdict = await protect(request({ body: "0123456789" }));
    expect(!verdict.ok && verdict.problem.status).toBe(413);
    expect(events).toEqual([]);

    const thrower = boundary().use({
      name: "t",
      check: () => {
        throw new ProblemError(conflict({ detail: "Still processing." }));
      },
    });
    const v = await thrower(request());
    expect(!v.ok && v.problem).toEqual(conflict({ detail: "Still processing." }));
    expect(!v.ok && v.problem).not.toEqual(contentTooLarge());
  });

  it("answers with a guard's reply: no handler, earlier headers added (the reply's own win), hooks run with its status", async () => {
    const calls: string[] = [];
    const acknowledge: Guard<"ack", never, object, Replied> = {
      name: "ack",
      check: () => ({
        ...reply(200, { body: { duplicate: true }, headers: { "x-a": "reply" } }),
        after: (o) => void calls.push(`ack:${o.status}`),
      }),
    };
    const later = {
      name: "later",
      check: () => {
        calls.push("later ran");
        return pass(1);
      },
    };
    const protect = boundary()
      .use({
        name: "limit",
        check: () => ({
          ...pass(1, { ratelimit: "r=9", "x-a": "limit" }),
          after: (o) => void calls.push(`limit:${o.status}`),
        }),
      })
      .use(acknowledge)
      .use(later);
    const verdict = await protect(request());
    expect(verdict).toMatchObject({
      ok: false,
      reply: { status: 200, body: { duplicate: true }, headers: { ratelimit: "r=9", "x-a": "reply" } },
    });
    expect(calls).toEqual(["ack:200", "limit:200"]);
    await verdict.after({ status: 500 });
    expect(calls).toHaveLength(2);
  });

  it("types replies into the verdict only when a guard may reply", () => {
    const plain = boundary().use({ name: "a", check: () => pass(1) });
    type Plain = Awaited<ReturnType<typeof plain>>;
    expectTypeOf<Extract<Plain, { reply: unknown }>>().toBeNever();
    expectTypeOf<Extract<Plain, { ok: false }>["problem"]>().toEqualTypeOf<Problem>();
    const acknowledging: Guard<"ack", number, object, Replied> = { name: "ack", check: () => reply(204) };
    const replying = plain.use(acknowledging).use({ name: "b", check: () => pass("b") });
    type Replying = Awaited<ReturnType<typeof replying>>;
    expectTypeOf<Extract<Replying, { reply: unknown }>["reply"]>().toEqualTypeOf<Reply>();
    expectTypeOf<Extract<Replying, { ok: true }>["value"]["b"]>().toEqualTypeOf<string>();
  });

  it("answers a reply that is an error status, or a bodiless status with a body, as a guard bug (500)", async () => {
    const events: GogglesEvent[] = [];
    for (const bad of [{ status: 401 }, { status: 204, body: "x" }, { status: 99.5 }, { status: "200" }]) {
      const protect = boundary({ onEvent: (e) => events.push(e) }).use({
        name: "bad",
        check: () => ({ ok: false, reply: bad }) as Replied,
      } as Guard<"bad", never, object, Replied>);
      const verdict = await protect(request());
      expect(!verdict.ok && "problem" in verdict && verdict.problem.status, JSON.stringify(bad)).toBe(500);
    }
    expect(events).toHaveLength(4);
    expect(events[0]).toEqual({ type: "guard_error", guard: "bad", errorName: "TypeError" });
  });

  it("refuses duplicate, reserved and empty guard names when the chain is built", () => {
    const base = boundary().use({ name: "a", check: () => pass(1) });
    expect(() => base.use({ name: "a", check: () => pass(2) })).toThrow(/already in use/);
    expect(() => boundary().use({ name: "ip", check: () => pass(1) })).toThrow(/reserved/);
    for (const name of ["__proto__", "constructor", ""]) {
      expect(() => boundary().use({ name, check: () => pass(1) }), name).toThrow(TypeError);
    }
    expect(() => boundary().use({ name: "x" } as never)).toThrow(/no check function/);
  });

  it("keeps each chain immutable: use() returns a new boundary", async () => {
    const base = boundary();
    const one = base.use({ name: "a", check: () => pass(1) });
    expect(base.guards).toEqual([]);
    expect(one.guards).toEqual(["a"]);
    expect(base.use({ name: "a", check: () => pass(2) }).guards).toEqual(["a"]);
  });

  it("finds the client through trusted proxies, and checks trustProxy at construction", async () => {
    const protect = boundary({ trustProxy: 1 });
    const verdict = await protect(
      request({ remoteAddress: "10.0.0.2", headers: { "x-forwarded-for": "6.6.6.6, 198.51.100.7" } }),
    );
    expect(verdict.ok && verdict.value.ip).toBe("198.51.100.7");
    const xff = await boundary({ trustProxy: 1, proxyHeader: "x-forwarded-for" })(
      request({
        remoteAddress: "10.0.0.2",
        headers: { forwarded: "for=1.1.1.1", "x-forwarded-for": "198.51.100.7" },
      }),
    );
    expect(xff.ok && xff.value.ip).toBe("198.51.100.7");
    expect(() => boundary({ trustProxy: ["10.0.0.0/99"] })).toThrow(/trustProxy/);
    expect(() => boundary({ trustProxy: -1 })).toThrow(/trustProxy/);
  });

  it("hands guards its clock and survives an event handler that throws", async () => {
    const clock = new FakeClock(1234);
    const protect = boundary({
      clock,
      onEvent: () => {
        throw new Error("observer broke");
      },
    }).use({
      name: "time",
      check: ({ clock: c, emit }) => {
        emit({ type: "auth_failed", reason: "test" });
        return pass(c.now());
      },
    });
    const verdict = await protect(request());
    expect(verdict.ok && verdict.value.time).toBe(1234);
  });
});
