import { isIP } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIp } from "./ip-address.js";

// Node's own address parser is an independent oracle for which strings are addresses at all.
describe("parseIp agrees with node:net isIP", () => {
  const piece = fc.oneof(
    fc.constantFrom(
      "0",
      "00",
      "1",
      "01",
      "255",
      "256",
      "ffff",
      "FFFF",
      "0db8",
      "12345",
      "g",
      "",
      "::",
      ":",
      ".",
    ),
    fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)),
    fc.integer({ min: 0, max: 300 }).map(String),
  );
  const candidate = fc.oneof(
    fc.array(piece, { maxLength: 10 }).map((p) => p.join(":")),
    fc.array(piece, { maxLength: 5 }).map((p) => p.join(".")),
    fc.tuple(fc.array(piece, { maxLength: 7 }), fc.ipV4()).map(([p, v4]) => `${p.join(":")}:${v4}`),
    fc.ipV6(),
    fc.ipV4(),
    fc.stringMatching(/^[0-9a-fA-F:.]{0,40}$/),
  );

  it("accepts exactly what Node accepts", () => {
    fc.assert(
      fc.property(candidate, (text) => {
        expect(parseIp(text) !== undefined, text).toBe(isIP(text) !== 0);
      }),
      { numRuns: 5000 },
    );
  });
});
