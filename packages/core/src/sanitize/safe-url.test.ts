import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeUrl, urlScheme } from "./safe-url.js";

describe("safeUrl", () => {
  it.each([
    ["https://example.com/a?b=1#c", "https://example.com/a?b=1#c"],
    ["HTTP://EXAMPLE.COM", "HTTP://EXAMPLE.COM"],
    ["mailto:ada@example.com", "mailto:ada@example.com"],
    ["/relative/path", "/relative/path"],
    ["page?q=1", "page?q=1"],
    ["#top", "#top"],
    ["//cdn.example.com/x.png", "//cdn.example.com/x.png"],
    ["  https://example.com  ", "https://example.com"],
    ["https://exa\tmple.com/", "https://example.com/"],
    ["https://example.com/?a=1&amp;b=2", "https://example.com/?a=1&b=2"],
    ["https://example.com/?a=1&copy=2", "https://example.com/?a=1&copy=2"],
    ["a/b:c", "a/b:c"],
    // `&colon` needs its semicolon: browsers read this as a relative path, not a scheme
    ["javascript&colonalert(1)", "javascript&colonalert(1)"],
  ])("allows %j", (input, output) => {
    expect(safeUrl(input)).toBe(output);
  });

  it.each([
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " \u0001javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "&#0000106avascript:alert(1)",
    "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)",
    "&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A",
    "&#X6a;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "jav&Tab;ascript:alert(1)",
    "javasc&NewLine;ript&colon;alert(1)",
    "javascript&amp;colon;alert(1)",
    "javascript&amp;amp;colon;alert(1)",
    "java\u0000script:alert(1)",
    "ｊａｖａｓｃｒｉｐｔ:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "livescript:[code]",
    "c:\\windows",
  ])("refuses %j", (input) => {
    expect(safeUrl(input)).toBeUndefined();
  });

  it("takes schemes and the relative option", () => {
    expect(safeUrl("data:image/png;base64,AAAA", { schemes: ["data"] })).toBe("data:image/png;base64,AAAA");
    expect(safeUrl("https://x", { schemes: ["data"] })).toBeUndefined();
    expect(safeUrl("/a", { allowRelative: false })).toBeUndefined();
    expect(safeUrl("tel:+1", { schemes: ["tel:"] })).toBe("tel:+1");
    expect(safeUrl("a&amp;b", { decodeEntities: false })).toBe("a&amp;b");
  });

  it("reads the scheme as the WHATWG parser does", () => {
    expect(urlScheme("HTTPS://x")).toBe("https");
    expect(urlScheme("/x:y")).toBe("");
    expect(urlScheme("x y:z")).toBeNull();
  });

  it("never throws, and anything it returns has an allowed scheme or none", () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom(
        "javascript:",
        "java",
        "script",
        ":",
        "&#",
        "x6A;",
        "&colon;",
        "&Tab;",
        "\t",
        "\n",
        "\u0000",
        " ",
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const out = safeUrl(pieces.join(""));
        if (out === undefined) return;
        const scheme = urlScheme(out);
        expect(scheme === "" || scheme === "http" || scheme === "https" || scheme === "mailto").toBe(true);
        expect(safeUrl(out, { decodeEntities: false })).toBe(out);
      }),
    );
  });

  it("refuses javascript: however tabs, newlines and case are mixed in", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("", "\t", "\n", "\r", "&Tab;", "&NewLine;", "&#9;", "&#x0A;"), {
          minLength: 11,
          maxLength: 11,
        }),
        fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        fc.constantFrom(":", "&colon;", "&#58;", "&#x3a;", "&#0000058"),
        (gaps, upper, colon) => {
          const word = [..."javascript"].map((c, i) => (upper[i] ? c.toUpperCase() : c));
          const url = `${gaps[0]}${word.map((c, i) => c + gaps[i + 1]).join("")}${colon}alert(1)`;
          expect(safeUrl(url)).toBeUndefined();
        },
      ),
    );
  });
});
