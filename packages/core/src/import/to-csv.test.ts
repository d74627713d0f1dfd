import { describe, expect, it } from "vitest";
import { isFormulaCell, neutralizeFormula } from "./formula.js";
import { toCsv } from "./to-csv.js";

describe("toCsv", () => {
  it("writes RFC 4180: header, CRLF, quotes only where needed, doubled quotes", () => {
    expect(
      toCsv([
        { name: "Ada", note: 'says "hi", twice\nok' },
        { name: "Bob", note: "" },
      ]),
    ).toBe('name,note\r\nAda,"says ""hi"", twice\nok"\r\nBob,\r\n');
  });

  it("neutralizes formula cells with a leading quote (OWASP), leaving numbers alone", () => {
    const csv = toCsv([
      { a: "=1+2", b: "+cmd", c: "-2+3+cmd|' /C calc'!A0", d: "@SUM(A1)", e: "\tx", f: "\rx" },
      { a: -5, b: "-5", c: "+3.5", d: "a=b", e: 1e21, f: null },
    ]);
    expect(csv.split("\r\n").slice(1, 3)).toEqual([
      "'=1+2,'+cmd,'-2+3+cmd|' /C calc'!A0,'@SUM(A1),'\tx,\"'\rx\"",
      "-5,-5,+3.5,a=b,1e+21,",
    ]);
    expect(toCsv([{ a: "=1" }], { formulas: "allow" })).toBe("a\r\n=1\r\n");
  });

  it("follows the given columns, writes missing values empty, and quotes a lone empty field", () => {
    expect(toCsv([{ b: 2, a: 1, z: 9 }, { a: "" }], { columns: ["a", "b"], newline: "\n" })).toBe(
      "a,b\n1,2\n,\n",
    );
    expect(toCsv([{ a: "" }])).toBe('a\r\n""\r\n');
    expect(toCsv([], { columns: ["a"] })).toBe("a\r\n");
    expect(toCsv([])).toBe("");
    expect(toCsv([{ a: 1 }], { header: false })).toBe("1\r\n");
  });

  it("writes dates as ISO strings and objects as JSON", () => {
    expect(toCsv([{ at: new Date(0), tags: ["x", "y"] }], { header: false })).toBe(
      '1970-01-01T00:00:00.000Z,"[""x"",""y""]"\r\n',
    );
  });
});

describe("isFormulaCell / neutralizeFormula", () => {
  it("recognizes the OWASP trigger characters but not plain numbers", () => {
    for (const cell of ["=", "+a", "-a", "@a", "\t", "\r", "-1-1", "+1 555 0100"])
      expect(isFormulaCell(cell)).toBe(true);
    for (const cell of ["", "a", " =1", "-1", "+1.5", "-.5", "1e3", "-2E-3"])
      expect(isFormulaCell(cell)).toBe(false);
    expect(neutralizeFormula("=x")).toBe("'=x");
    expect(neutralizeFormula("x")).toBe("x");
  });
});
