import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Verdict } from "../verdict.js";
import { parseJson } from "./parse-json.js";

const statusOf = (verdict: Verdict<unknown>) => (verdict.ok ? 200 : verdict.problem.status);
const parsedValue = (verdict: Verdict<unknown>) => {
  if (!verdict.ok) throw new Error(`expected a value, got ${verdict.problem.detail}`);
  return verdict.value;
};

// Vectors from fastify/secure-json-parse test/index.test.js (protoAction / constructorAction suites).
const protoVectors = [
  '{ "a": 5, "b": 6, "__proto__": { "x": 7 } }',
  '{ "a": 5, "b": 6, "__proto__" : { "x": 7 } }',
  '{ "a": 5, "b": 6, "__proto__" \n\r\t : { "x": 7 } }',
  '{ "a": 5, "b": 6, "__proto__" \n \r \t : { "x": 7 } }',
  '{ "a": 5, "b": 6, "\\u005f_proto__": { "x": 7 } }',
  '{ "a": 5, "b": 6, "_\\u005fp\\u0072oto__": { "x": 7 } }',
  '{ "a": 5, "b": 6, "\\u005f\\u005f\\u0070\\u0072\\u006f\\u0074\\u006f\\u005f\\u005f": { "x": 7 } }',
  '{ "a": 5, "b": 6, "\\u005F_proto__": { "x": 7 } }',
  '{ "a": 5, "b": 6, "_\\u005Fp\\u0072oto__": { "x": 7 } }',
  '{ "a": 5, "b": 6, "\\u005F\\u005F\\u0070\\u0072\\u006F\\u0074\\u006F\\u005F\\u005F": { "x": 7 } }',
  '{ "a": 5, "b": 6, "__proto__": { "x": 7 }, "c": { "d": 0, "e": "text", "__proto__": { "y": 8 }, "f": { "g": 2 } } }',
  '{ "a": 5, "b": 6, "constructor": { "x": 7 }, "c": { "d": 0, "e": "text", "__proto__": { "y": 8 }, "f": { "g": 2 } } }',
];
const constructorVectors = [
  '{ "a": 5, "b": 6, "constructor": {"prototype":{"bar":"baz"}} }',
  '{ "a": 5, "b": 6, "constructor" : {"prototype":{"bar":"baz"}} }',
  '{ "a": 5, "b": 6, "constructor" \n\r\t : {"prototype":{"bar":"baz"}} }',
  '{ "a": 5, "b": 6, "constructor" \n \r \t : {"prototype":{"bar":"baz"}} }',
  '{ "a": 5, "b": 6, "\\u0063\\u006fnstructor": {"prototype":{"bar":"baz"}} }',
  '{ "a": 5, "b": 6, "\\u0063\\u006f\\u006e\\u0073\\u0074ructor": {"prototype":{"bar":"baz"}} }',
  '{ "a": 5, "b": 6, "\\u0063\\u006f\\u006e\\u0073\\u0074\\u0072\\u0075\\u0063\\u0074\\u006f\\u0072": {"prototype":{"bar":"baz"}} }',
  '{ "a": 5, "b": 6, "\\u0063\\u006Fnstructor": {"prototype":{"bar":"baz"}} }',
  '{ "a": 5, "b": 6, "\\u0063\\u006F\\u006E\\u0073\\u0074\\u0072\\u0075\\u0063\\u0074\\u006F\\u0072": {"prototype":{"bar":"baz"}} }',
  '{"a": 5, "b": 6, "constructor":{"prototype":{"bar":"baz"}}, "__proto__": { "x": 7 } }',
];

describe("parseJson: prototype pollution (secure-json-parse vectors)", () => {
  it.each([...protoVectors, ...constructorVectors])("rejects %s with 400", (text) => {
    const verdict = parseJson(text);
    expect(statusOf(verdict)).toBe(400);
    if (!verdict.ok)
      expect(verdict.problem.detail).toMatch(/forbidden key "(__proto__|constructor\.prototype)"/);
  });

  it("removes them with protoAction: remove", () => {
    const remove = { protoAction: "remove" } as const;
    expect(parsedValue(parseJson('{"a": 5, "b": 6,"__proto__": { "x": 7 }}', remove))).toEqual({
      a: 5,
      b: 6,
    });
    expect(
      parsedValue(
        parseJson(
          '{ "a": 5, "b": 6, "__proto__": { "x": 7 }, "c": { "d": 0, "e": "text", "__proto__": { "y": 8 }, "f": { "g": 2 } } }',
          remove,
        ),
      ),
    ).toEqual({ a: 5, b: 6, c: { d: 0, e: "text", f: { g: 2 } } });
    expect(
      parsedValue(
        parseJson(
          '{ "a": 5, "b": 6, "constructor":{"prototype":{"bar":"baz"}}, "c": { "d": 0, "e": "text", "constructor":{"prototype":{"bar":"baz"}}, "f": { "g": 2 } } }',
          remove,
        ),
      ),
    ).toEqual({ a: 5, b: 6, c: { d: 0, e: "text", f: { g: 2 } } });
    expect(
      parsedValue(parseJson('{ "a": 5, "b": 6, "hasOwnProperty": "text", "__proto__": { "x": 7 } }', remove)),
    ).toEqual({ a: 5, b: 6, hasOwnProperty: "text" });
    for (const text of [...protoVectors, ...constructorVectors]) {
      const value = parsedValue(parseJson(text, remove)) as Record<string, unknown>;
      expect(Object.hasOwn(value, "__proto__")).toBe(false);
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    }
  });

  it("keeps harmless uses of the words", () => {
    expect(parsedValue(parseJson('{"a": 5, "b": "__proto__"}'))).toEqual({ a: 5, b: "__proto__" });
    expect(parsedValue(parseJson('{"a": 5, "b": "constructor"}'))).toEqual({ a: 5, b: "constructor" });
    expect(parsedValue(parseJson('{"a": 5, "b": 6,"constructor":{"bar":"baz"} }'))).toEqual({
      a: 5,
      b: 6,
      constructor: { bar: "baz" },
    });
    expect(parsedValue(parseJson('{"constructor": null}'))).toEqual({ constructor: null });
    expect(parsedValue(parseJson('["\\u005f\\u005fproto__"]'))).toEqual(["__proto__"]);
  });

  it("never pollutes Object.prototype", () => {
    parseJson('{"__proto__": {"polluted": true}}', { protoAction: "remove" });
    parseJson('{"constructor": {"prototype": {"polluted": true}}}', { protoAction: "remove" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("parseJson", () => {
  it("parses scalars, objects and arrays like JSON.parse", () => {
    for (const text of ['{"a": 5, "b": 6}', "null", "0", '"X"', "[1,[2,{}]]", " true "]) {
      expect(parsedValue(parseJson(text))).toEqual(JSON.parse(text));
    }
  });

  it("tolerates a UTF-8 byte order mark, in text and bytes", () => {
    const json = JSON.stringify({ hello: "world" });
    expect(parsedValue(parseJson(`\uFEFF${json}`))).toEqual({ hello: "world" });
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(json)]);
    expect(parsedValue(parseJson(bytes))).toEqual({ hello: "world" });
    expect(parsedValue(parseJson(bytes.buffer))).toEqual({ hello: "world" });
  });

  it("refuses invalid UTF-8 with 400", () => {
    const verdict = parseJson(new Uint8Array([0x22, 0xff, 0xfe, 0x22]));
    expect(statusOf(verdict)).toBe(400);
    if (!verdict.ok) expect(verdict.problem.detail).toContain("UTF-8");
  });

  it("gives 400 with the position, never the input, for invalid JSON", () => {
    const secret = "s3cr3t-token-value";
    for (const text of [`{"token": "${secret}"`, `{"a": ${secret}}`, `${secret}`, `{"a":1}${secret}`]) {
      const verdict = parseJson(text);
      expect(statusOf(verdict)).toBe(400);
      expect(JSON.stringify(verdict)).not.toContain(secret);
    }
    const verdict = parseJson('{"a":1}x');
    if (!verdict.ok) expect(verdict.problem.detail).toBe("The JSON is not valid JSON (at position 7).");
    expect(statusOf(parseJson(""))).toBe(400);
    expect(statusOf(parseJson(new Uint8Array(0)))).toBe(400);
  });

  it("enforces maxBytes in UTF-8 bytes (413)", () => {
    expect(statusOf(parseJson('"abcd"', { maxBytes: 6 }))).toBe(200);
    expect(statusOf(parseJson('"abcde"', { maxBytes: 6 }))).toBe(413);
    expect(statusOf(parseJson('"éé"', { maxBytes: 6 }))).toBe(200); // 2 + 4 bytes
    expect(statusOf(parseJson('"ééé"', { maxBytes: 7 }))).toBe(413); // 8 bytes
    expect(statusOf(parseJson('"😀"', { maxBytes: 6 }))).toBe(200);
    expect(statusOf(parseJson('"😀"', { maxBytes: 5 }))).toBe(413);
    expect(statusOf(parseJson(new Uint8Array(11), { maxBytes: 10 }))).toBe(413);
    expect(statusOf(parseJson("1".repeat(2 * 1024 * 1024)))).toBe(413); // default 1 MiB
  });

  it("refuses 10,000 nested arrays with 400, not a crash", () => {
    const text = "[".repeat(10_000) + "]".repeat(10_000);
    const verdict = parseJson(text);
    expect(statusOf(verdict)).toBe(400);
    if (!verdict.ok) expect(verdict.problem.detail).toBe("The JSON nests deeper than 64 levels.");
    expect(statusOf(parseJson(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`))).toBe(400);
  });

  it("refuses 1,000,000 nested levels with 400, and unclosed nesting too", () => {
    const text = "[".repeat(1_000_000) + "]".repeat(1_000_000);
    expect(statusOf(parseJson(text, { maxBytes: 4_000_000 }))).toBe(400);
    expect(statusOf(parseJson("[".repeat(1_000_000), { maxBytes: 4_000_000 }))).toBe(400);
    // Even with the depth limit lifted, deep input is parsed without blowing the stack.
    expect(statusOf(parseJson(text, { maxBytes: 4_000_000, maxDepth: Number.POSITIVE_INFINITY }))).toBe(200);
    const proto = `${"[".repeat(100_000)}{"__proto__":1}${"]".repeat(100_000)}`;
    expect(statusOf(parseJson(proto, { maxDepth: Number.POSITIVE_INFINITY }))).toBe(400);
  });

  it("counts depth exactly and ignores brackets inside strings", () => {
    const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(statusOf(parseJson(nested(64)))).toBe(200);
    expect(statusOf(parseJson(nested(65)))).toBe(400);
    expect(statusOf(parseJson(nested(3), { maxDepth: 2 }))).toBe(400);
    const brackets = JSON.stringify({ s: '[[[[[[[[[[{{{{{{{{\\"[[[[' });
    expect(statusOf(parseJson(brackets, { maxDepth: 1 }))).toBe(200);
    const hidden = `[["]]]]]]]]]]]]]]]]]]"${",[[[[]]]]".repeat(2)}]]`; // closers in a string do not hide depth
    expect(statusOf(parseJson(hidden, { maxDepth: 5 }))).toBe(400);
    expect(statusOf(parseJson(hidden, { maxDepth: 6 }))).toBe(200);
  });

  it("limits members per object (maxKeys)", () => {
    const object = (n: number) =>
      JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])));
    expect(statusOf(parseJson(object(1000)))).toBe(200);
    expect(statusOf(parseJson(object(1001)))).toBe(400);
    expect(statusOf(parseJson(object(4), { maxKeys: 3 }))).toBe(400);
    expect(statusOf(parseJson('{"a":0,"b":0,"c":0,"d":0}', { maxKeys: 3 }))).toBe(400);
    expect(statusOf(parseJson('{"a":0,"b":0,"c":0}', { maxKeys: 3 }))).toBe(200);
    expect(statusOf(parseJson('[{"a":0,"b":0},{"a":0,"b":0,"c":0,"d":0}]', { maxKeys: 3 }))).toBe(400);
    expect(statusOf(parseJson('{"a":0,"a":0,"a":0,"a":0}', { maxKeys: 3 }))).toBe(200); // a repeated key counts once
    // Many small objects are fine: the limit is per object.
    expect(statusOf(parseJson(JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ i })))))).toBe(200);
    expect(statusOf(parseJson(JSON.stringify({ s: ":".repeat(5000) }), { maxKeys: 2 }))).toBe(200);
  });

  it("names the input in details (label)", () => {
    const verdict = parseJson("{", { label: "body" });
    if (!verdict.ok) expect(verdict.problem.detail).toMatch(/^The body is not valid JSON/);
  });
});

describe("parseJson properties", () => {
  it("never throws for arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        const verdict = parseJson(text, { maxDepth: 3, maxKeys: 3 });
        expect([200, 400, 413]).toContain(statusOf(verdict));
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws for arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect([200, 400, 413]).toContain(statusOf(parseJson(bytes, { maxDepth: 3 })));
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws for JSON-like soup", () => {
    const soup = fc
      .array(fc.constantFrom("[", "]", "{", "}", '"', "\\", ":", ",", "1", "__proto__", "\\u005f", " "), {
        maxLength: 60,
      })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(soup, (text) => {
        expect([200, 400]).toContain(statusOf(parseJson(text, { maxDepth: 4, maxKeys: 2 })));
      }),
      { numRuns: 3000 },
    );
  });

  it("catches every mix of plain and \\u-escaped letters in the dangerous keys", () => {
    const escaped = (word: string) =>
      fc
        .array(fc.constantFrom("plain", "lower", "upper"), { minLength: word.length, maxLength: word.length })
        .map((modes) =>
          [...word]
            .map((ch, i) => {
              if (modes[i] === "plain") return ch;
              const hex = ch.charCodeAt(0).toString(16).padStart(4, "0");
              return `\\u${modes[i] === "upper" ? hex.toUpperCase() : hex}`;
            })
            .join(""),
        );
    const vectors = fc.oneof(
      escaped("__proto__").map((key) => `{"a":[1,{"b":2}],"${key}":{"x":1}}`),
      // The scan before the walk looks for "proto" (in __proto__ and prototype) or an escape, so the
      // prototype key is escaped independently of constructor.
      fc
        .tuple(escaped("constructor"), escaped("prototype"))
        .map(([key, prototype]) => `[{"${key}":{"${prototype}":{"x":1}}}]`),
    );
    fc.assert(
      fc.property(vectors, (text) => {
        expect(statusOf(parseJson(text))).toBe(400);
        const removed = parseJson(text, { protoAction: "remove" });
        expect(JSON.stringify(parsedValue(removed))).not.toMatch(/"x"/);
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with JSON.parse on clean JSON", () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 8 }), (text) => {
        const verdict = parseJson(text);
        if (/__proto__|constructor/.test(text)) return; // fc keys are arbitrary strings: rare, skip
        expect(parsedValue(verdict)).toEqual(JSON.parse(text));
      }),
      { numRuns: 2000 },
    );
  });
});
