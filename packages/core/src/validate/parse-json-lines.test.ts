import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ParseJsonOptions, parseJson } from "./parse-json.js";
import { JsonLineParser } from "./parse-json-lines.js";

/** Cuts `lines.join("\n")` back into ranges and parses each one with a loaded JsonLineParser. */
function parseAll(lines: readonly string[], options: ParseJsonOptions) {
  const text = lines.join("\n");
  const parser = new JsonLineParser(options);
  parser.load(text);
  let start = 0;
  return lines.map((line) => {
    const verdict = parser.parse(start, start + line.length);
    start += line.length + 1;
    return verdict;
  });
}

const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
const manyKeys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(",")}}`;

/** Lines that take every path: clean JSON, dangerous keys plain and escaped, deep nesting, wide objects, BOMs, junk. */
const line = fc.oneof(
  fc.json(),
  fc.constantFrom(
    '{"a":5,"__proto__":{"x":7}}',
    '{"a":5,"\\u005f_proto__":{"x":7}}',
    '{"a":{"b":{"constructor":{"prototype":{"bar":"baz"}}}}}',
    '{"constructor":"ok","c":{"__proto__":1}}',
    '{"text":"say \\u0041\\u005a"}',
    '"structor proto__"',
    '\ufeff{"a":1}',
    '{"s":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}',
    "{nope",
    "",
    "   ",
  ),
  fc.integer({ min: 1, max: 70 }).map(nested),
  fc.integer({ min: 0, max: 1100 }).map(manyKeys),
  fc.string({ maxLength: 40 }),
  fc.tuple(fc.json(), fc.json()).map(([a, b]) => `{"a":${a},"constructor":{"prototype":${b}}}`),
);

const optionSets: ParseJsonOptions[] = [
  { maxBytes: Number.MAX_SAFE_INTEGER, label: "line" },
  {},
  { maxDepth: 2, maxKeys: 3 },
  { maxDepth: 0 },
  { protoAction: "remove" },
  { maxBytes: 40 },
];

describe("JsonLineParser", () => {
  it("gives every line exactly parseJson's verdict (fast-check, differential)", () => {
    fc.assert(
      fc.property(
        fc.array(
          line.map((l) => l.replaceAll("\n", " ")),
          { maxLength: 12 },
        ),
        fc.constantFrom(...optionSets),
        (lines, options) => {
          const verdicts = parseAll(lines, options);
          lines.forEach((l, k) => {
            expect(verdicts[k]).toEqual(parseJson(l, options));
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("sends only the lines holding a suspect key through the full check", () => {
    const verdicts = parseAll(['{"a":1}', '{"__proto__":{"admin":true}}', '{"b":"\\u005f"}', "[2]"], {});
    expect(verdicts.map((v) => (v.ok ? v.value : v.problem.status))).toEqual([
      { a: 1 },
      400,
      { b: "_" },
      [2],
    ]);
  });

  it("refuses nesting past maxDepth and objects past maxKeys like parseJson", () => {
    const verdicts = parseAll([nested(64), nested(65), manyKeys(1000), manyKeys(1001)], {});
    expect(verdicts.map((v) => v.ok)).toEqual([true, false, true, false]);
  });
});
