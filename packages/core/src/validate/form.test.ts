import fc from "fast-check";
import * as v from "valibot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { boundary } from "../http/boundary.js";
import { createBoundaryRequest } from "../http/boundary-request.js";
import type { Verdict } from "../verdict.js";
import { form } from "./form.js";
import { type FormFields, parseForm } from "./parse-form.js";

const statusOf = (verdict: Verdict<unknown>) => (verdict.ok ? 200 : verdict.problem.status);

describe("parseForm", () => {
  it("decodes names and values, + as space, repeated names as arrays", () => {
    const verdict = parseForm("token=abc&text=hello+w%C3%B6rld%21&tag=a&tag=b&tag=c&empty=&flag&&=x");
    expect(verdict).toEqual({
      ok: true,
      value: { token: "abc", text: "hello wörld!", tag: ["a", "b", "c"], empty: "", flag: "", "": "x" },
    });
  });

  it("keeps inherited names as plain fields", () => {
    const verdict = parseForm("toString=1&constructor=2&hasOwnProperty=3&constructor=4");
    expect(verdict.ok && verdict.value).toEqual({
      toString: "1",
      constructor: ["2", "4"],
      hasOwnProperty: "3",
    });
  });

  it("rejects or removes __proto__ fields, never polluting", () => {
    expect(statusOf(parseForm("__proto__=x&a=1"))).toBe(400);
    expect(statusOf(parseForm("%5F%5Fproto%5F%5F=x"))).toBe(400);
    const removed = parseForm("__proto__=x&a=1", { protoAction: "remove" });
    expect(removed.ok && removed.value).toEqual({ a: "1" });
    if (removed.ok) expect(Object.getPrototypeOf(removed.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("gives 400 for malformed percent-encoding and invalid UTF-8", () => {
    for (const text of ["a=%", "a=%zz", "a=%E2%82", "%C3%28=1", "a=%ff"])
      expect(statusOf(parseForm(text))).toBe(400);
    expect(statusOf(parseForm(new Uint8Array([0x61, 0x3d, 0xff])))).toBe(400);
  });

  it("enforces maxBytes, maxFields and maxFieldBytes with 413", () => {
    expect(statusOf(parseForm("a=1&b=2", { maxBytes: 6 }))).toBe(413);
    expect(statusOf(parseForm(new Uint8Array(7), { maxBytes: 6 }))).toBe(413);
    expect(statusOf(parseForm("a=1&b=2&c=3", { maxFields: 2 }))).toBe(413);
    expect(statusOf(parseForm("a=1&b=2&&&", { maxFields: 2 }))).toBe(200);
    expect(statusOf(parseForm("a=12345", { maxFieldBytes: 4 }))).toBe(413);
    expect(statusOf(parseForm("abcde=1", { maxFieldBytes: 4 }))).toBe(413);
    expect(statusOf(parseForm("a=1234", { maxFieldBytes: 4 }))).toBe(200);
    expect(statusOf(parseForm("a=1&".repeat(1001)))).toBe(413);
  });

  it("never echoes field names or values in problems", () => {
    const secret = "xoxb-secret-token";
    for (const text of [`${secret}=%`, `a=${secret}%`, `__proto__=${secret}`]) {
      expect(JSON.stringify(parseForm(text))).not.toContain(secret);
    }
  });

  it("never throws for arbitrary strings and bytes", () => {
    const soup = fc
      .array(
        fc.oneof(fc.constantFrom("&", "=", "%", "+", "%2", "%C3", "%A9", "__proto__", "a"), fc.string()),
        {
          maxLength: 30,
        },
      )
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 100 }), soup), (text) => {
        expect([200, 400, 413]).toContain(statusOf(parseForm(text, { maxFields: 5, maxFieldBytes: 20 })));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect([200, 400, 413]).toContain(statusOf(parseForm(bytes)));
      }),
      { numRuns: 1000 },
    );
  });

  it("round-trips URLSearchParams output", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 10 }), (pairs) => {
        const safe = pairs.filter(([name]) => name !== "__proto__");
        const text = new URLSearchParams(safe).toString();
        const verdict = parseForm(text);
        const expected = new Map<string, string[]>();
        for (const [name, value] of new URLSearchParams(text))
          expected.set(name, [...(expected.get(name) ?? []), value]);
        if (!verdict.ok) throw new Error(verdict.problem.detail);
        const got = new Map(
          Object.entries(verdict.value).map(([k, val]) => [k, Array.isArray(val) ? val : [val]]),
        );
        expect(got).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe("form()", () => {
  const request = (body: string, type = "application/x-www-form-urlencoded") =>
    createBoundaryRequest({
      method: "POST",
      url: "https://hooks.example.com/slack",
      headers: { "content-type": type },
      body,
    });

  it("validates a Slack slash command and types the context", async () => {
    const SlashCommand = v.object({ command: v.string(), text: v.string(), user_id: v.string() });
    const protect = boundary().use(form({ schema: SlashCommand }));
    const verdict = await protect(request("command=%2Fdeploy&text=api+prod&user_id=U123&team_id=T1"));
    if (!verdict.ok) throw new Error(verdict.problem.detail);
    expectTypeOf(verdict.value.body).toEqualTypeOf<{ command: string; text: string; user_id: string }>();
    expect(verdict.value.body).toEqual({ command: "/deploy", text: "api prod", user_id: "U123" });
    const invalid = await protect(request("command=%2Fdeploy"));
    expect(statusOf(invalid)).toBe(422);
  });

  it("without a schema gives the fields; refuses other types with 415", async () => {
    const protect = boundary().use(form({ name: "fields" }));
    const verdict = await protect(request("a=1&a=2", "application/x-www-form-urlencoded; charset=UTF-8"));
    if (!verdict.ok) throw new Error(verdict.problem.detail);
    expectTypeOf(verdict.value.fields).toEqualTypeOf<FormFields>();
    expect(verdict.value.fields).toEqual({ a: ["1", "2"] });
    expect(statusOf(await protect(request("a=1", "application/json")))).toBe(415);
    expect(
      statusOf(await protect(request("a=1", "application/x-www-form-urlencoded; charset=iso-8859-1"))),
    ).toBe(415);
  });

  it("applies the limits and proto rules", async () => {
    const protect = boundary().use(form({ maxBytes: 64, maxFields: 2 }));
    expect(statusOf(await protect(request("a=1&b=2&c=3")))).toBe(413);
    expect(statusOf(await protect(request(`a=${"x".repeat(100)}`)))).toBe(413);
    expect(statusOf(await protect(request("__proto__=1")))).toBe(400);
    expect(statusOf(await protect(request("a=%E0%A4%A")))).toBe(400);
  });
});
