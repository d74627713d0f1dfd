import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeText } from "./normalize-text.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting there are none
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u202a-\u202e\u2066-\u2069]/;

describe("normalizeText", () => {
  it("composes to NFC, strips controls and invisible formatting, trims", () => {
    expect(normalizeText("  Cafe\u0301\u202e\u0000 ")).toBe("Café");
    expect(normalizeText("a\u200bb\u2066c\u2069d\ufeff")).toBe("abcd");
    expect(normalizeText("x\u0085y\u007fz\u0007")).toBe("xyz");
    expect(normalizeText("line 1\r\nline 2\rline 3")).toBe("line 1\nline 2\nline 3");
    expect(normalizeText("bad \ud800 surrogate")).toBe("bad \ufffd surrogate");
  });

  it("keeps ZWJ/ZWNJ, tabs and newlines", () => {
    const family = "\u{1F468}\u200d\u{1F469}\u200d\u{1F467}";
    expect(normalizeText(family)).toBe(family);
    expect(normalizeText("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")).toContain("\u200c");
    expect(normalizeText("a\tb\nc")).toBe("a\tb\nc");
  });

  it("has options", () => {
    expect(normalizeText("Ada\n  Lovelace", { singleLine: true })).toBe("Ada Lovelace");
    expect(normalizeText("ﬁ", { form: "NFKC" })).toBe("fi");
    expect(normalizeText("e\u0301", { form: false })).toBe("e\u0301");
    expect(normalizeText(" a ", { trim: false })).toBe(" a ");
    expect(normalizeText("a\u202eb", { stripInvisible: false })).toBe("a\u202eb");
    expect(normalizeText("a\u0001b", { stripControl: false })).toBe("a\u0001b");
    expect(normalizeText("\u{1F600}\u{1F600}\u{1F600}", { maxLength: 2 })).toBe("\u{1F600}\u{1F600}");
    expect(normalizeText("abc  def", { maxLength: 4 })).toBe("abc");
  });

  it("is idempotent, well-formed, free of controls and within maxLength", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
        fc.boolean(),
        (s, maxLength, singleLine) => {
          const options = { maxLength, singleLine };
          const out = normalizeText(s, options);
          expect(normalizeText(out, options)).toBe(out);
          expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
          expect(out).not.toMatch(FORBIDDEN);
          if (maxLength !== undefined) expect([...out].length).toBeLessThanOrEqual(maxLength);
        },
      ),
    );
  });
});
