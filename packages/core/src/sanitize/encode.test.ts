import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCharacterReferences } from "./character-references.js";
import { escapeAttribute, escapeHtml } from "./encode.js";

describe("escapeHtml", () => {
  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`<b>"Tom" & 'Jerry'</b>`)).toBe(
      "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;",
    );
    expect(escapeHtml("plain text, ünïcödé")).toBe("plain text, ünïcödé");
    expect(escapeHtml("&amp;")).toBe("&amp;amp;");
  });

  it("round-trips through an HTML decoder and leaves no markup character", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(/[<>"']/);
        expect(decodeCharacterReferences(out, false)).toBe(s);
      }),
    );
  });
});

describe("escapeAttribute", () => {
  it("encodes every ASCII character but letters, digits and ,.-_", () => {
    expect(escapeAttribute(`x" onfocus="a`)).toBe("x&quot;&#x20;onfocus&#x3D;&quot;a");
    expect(escapeAttribute("a-b_c.d,e")).toBe("a-b_c.d,e");
    expect(escapeAttribute("`")).toBe("&#x60;");
    expect(escapeAttribute("é ü")).toBe("é&#x20;ü");
  });

  it("never leaves a character that could end an unquoted or quoted value, and decodes back", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = escapeAttribute(s);
        expect(out).not.toMatch(/[\s"'`=<>]/);
        expect(decodeCharacterReferences(out, true)).toBe(s.replaceAll("\u0000", "\ufffd"));
      }),
    );
  });
});
