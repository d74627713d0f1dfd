import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { benignComments, bypassVectors } from "../../test/fixtures/sanitizer-corpus.js";
import { unsafeMarkup } from "../../test/fixtures/unsafe-markup.js";
import { dompurifyVectors, jsXssVectors, owaspVectors } from "../../test/fixtures/xss-vectors.js";
import { DEFAULT_HTML_ALLOW, sanitizeHtml, sanitizeHtmlTokenwise } from "./sanitize-html.js";

const REL = ' rel="nofollow noopener noreferrer"';
const allowed = new Set(Object.keys(DEFAULT_HTML_ALLOW));

describe("sanitizeHtml", () => {
  it("keeps allowed elements and attributes, rebuilt with double quotes", () => {
    expect(sanitizeHtml(`<p class=x>Hi <B>there</B></p>`)).toBe("<p>Hi <b>there</b></p>");
    expect(sanitizeHtml(`<a href='https://e.com/?a=1&b=2' title="it's">x</a>`)).toBe(
      `<a href="https://e.com/?a=1&amp;b=2" title="it's"${REL}>x</a>`,
    );
    expect(
      sanitizeHtml(`<img src=https://i.example/x.png alt="a &quot;b&quot;" width=10 onerror=alert(1)>`),
    ).toBe(`<img src="https://i.example/x.png" alt="a &quot;b&quot;" width="10">`);
    expect(sanitizeHtml(`<td colspan=2 rowspan="3" style="x">`)).toBe(`<td colspan="2" rowspan="3"></td>`);
  });

  it("escapes every other tag as text, or removes it", () => {
    expect(sanitizeHtml("<b>bold</b> <div>box</div>")).toBe("<b>bold</b> &lt;div&gt;box&lt;/div&gt;");
    expect(sanitizeHtml("<div onclick=x>box</div>", { disallowedTags: "remove" })).toBe("box");
    expect(sanitizeHtml("a < b > c & d")).toBe("a &lt; b &gt; c &amp; d");
    expect(sanitizeHtml(`x<a href="y`)).toBe(`x&lt;a href="y`);
  });

  it("drops comments, DOCTYPEs and raw-text elements with their content", () => {
    expect(sanitizeHtml("a<!-- c -->b<!DOCTYPE html>c<?php x ?>d")).toBe("abcd");
    for (const el of [
      "script",
      "style",
      "xmp",
      "iframe",
      "noembed",
      "noframes",
      "noscript",
      "textarea",
      "title",
    ]) {
      expect(sanitizeHtml(`a<${el}><b>hidden</b></${el}>b`), el).toBe("ab");
    }
    expect(sanitizeHtml("a<plaintext><b>rest")).toBe("a");
    expect(sanitizeHtml("a<svg><g><text>x</text></g></svg>b<math><mi>y</mi></math>c")).toBe("abc");
    expect(sanitizeHtml("a<svg/>b")).toBe("ab");
  });

  it("decodes character references in text and re-escapes what needs it", () => {
    expect(
      sanitizeHtml("&lt;b&gt; &amp; &hellip; &#x2603; &#0000060; &zzunknown; &notanentity; &copy2026"),
    ).toBe("&lt;b&gt; &amp; … ☃ &lt; &zzunknown; &notanentity; ©2026");
    expect(sanitizeHtml("a\u0000b")).toBe("ab");
  });

  it("balances tags", () => {
    expect(sanitizeHtml("<b><i>x</b>y</i>")).toBe("<b><i>x</i></b>y");
    expect(sanitizeHtml("</p>x</b><br></br>")).toBe("x<br>");
    expect(sanitizeHtml("<ul><li>a<li>b</ul>")).toBe("<ul><li>a</li><li>b</li></ul>");
    expect(sanitizeHtml("<p>a<p>b<ul><li>c</ul>")).toBe("<p>a</p><p>b</p><ul><li>c</li></ul>");
    expect(sanitizeHtml("<h1>a<h2>b")).toBe("<h1>a</h1><h2>b</h2>");
    expect(sanitizeHtml("<table><tr><td>a<td>b<tr><td>c</table>")).toBe(
      "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
    );
    expect(sanitizeHtml("<a href=/x>a<a href=/y>b")).toBe(`<a href="/x"${REL}>a</a><a href="/y"${REL}>b</a>`);
    expect(sanitizeHtml("<b>".repeat(300)).match(/<b>/g)?.length).toBe(256);
  });

  it.each([
    ["<xmp><img src=x onerror=alert(1)></xmp>after", "after"],
    ["<a href='&#0000106avascript:alert(1)'>x</a>", `<a${REL}>x</a>`],
    ["<a href='jav&#x09;ascript:alert(1)'>x</a>", `<a${REL}>x</a>`],
    ["<a href='javascript&colon;alert(1)'>x</a>", `<a${REL}>x</a>`],
    ["<textarea></textarea/><img src=x onerror=alert(1)>", `<img src="x">`],
    ["<svg><textarea><img src=x onerror=alert(1)></textarea></svg>t", `<img src="x">t`],
    ["<math><textarea></math><img src=x onerror=alert(1)></textarea>", `<img src="x">`],
    [`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`, `<img src="x">"&gt;`],
    ["<svg><![CDATA[</svg><img src=x onerror=alert(1)>]]></svg>t", "t"],
    ["<svg><foreignObject><style></svg><img src=x onerror=alert(1)></style></foreignObject></svg>t", "t"],
    [
      `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;">`,
      "",
    ],
    ["<script><!--<script></script><img src=x onerror=alert(1)></script>t", "t"],
    ["<img src='data:text/html,x'><img src='//cdn.example/x.png'>", `<img><img src="//cdn.example/x.png">`],
  ])("defeats %j", (input, output) => {
    expect(sanitizeHtml(input)).toBe(output);
  });

  it("leaves nothing executable in the public corpora and known bypasses, and is idempotent on every vector", () => {
    const all = [...dompurifyVectors, ...jsXssVectors, ...owaspVectors, ...bypassVectors];
    expect(all.length).toBeGreaterThan(400);
    for (const vector of all) {
      const out = sanitizeHtml(vector);
      expect(unsafeMarkup(out, allowed), vector).toEqual([]);
      expect(sanitizeHtml(out), vector).toBe(out);
    }
  });

  it("copes with hostile shapes: thousands of attributes, deep nesting, unclosed everything", () => {
    const attrs = Array.from({ length: 20_000 }, (_, i) => ` a${i % 5000}=${i}`).join("");
    expect(sanitizeHtml(`<b${attrs} title=x>y</b>`)).toBe("<b>y</b>");
    const deep = `<svg>${"<g>".repeat(20_000)}${"</zz>".repeat(20_000)}</svg>ok`;
    expect(sanitizeHtml(deep)).toBe("ok");
    expect(sanitizeHtml(`${"<b>".repeat(20_000)}x${"</i>".repeat(20_000)}`)).toBe(
      `${"<b>".repeat(256)}${"&lt;b&gt;".repeat(20_000 - 256)}x${"</b>".repeat(256)}`,
    );
    expect(sanitizeHtml(`${"<textarea>".repeat(5000)}x`)).toBe("");
    expect(sanitizeHtml("<a ".repeat(20_000))).toBe("&lt;a ".repeat(20_000));
  });

  it("keeps benign comments as written (apart from rel on links)", () => {
    for (const comment of benignComments) {
      expect(sanitizeHtml(comment, { linkRel: false })).toBe(comment);
    }
  });

  it("takes an allowlist, URL schemes and link rel", () => {
    const allow = { ...DEFAULT_HTML_ALLOW, span: ["title"], a: ["href"] };
    expect(sanitizeHtml(`<span title=t id=i>x</span>`, { allow })).toBe(`<span title="t">x</span>`);
    expect(sanitizeHtml(`<a href="tel:+1">call</a>`, { schemes: ["tel"], linkRel: false })).toBe(
      `<a href="tel:+1">call</a>`,
    );
    expect(sanitizeHtml(`<a href="/x">x</a>`, { allowRelativeUrls: false, linkRel: "ugc" })).toBe(
      `<a rel="ugc">x</a>`,
    );
    expect(sanitizeHtml(`<img src="data:image/png;base64,AA">`, { srcSchemes: ["data"] })).toBe(
      `<img src="data:image/png;base64,AA">`,
    );
    const long = { allow: { customelementone: ["title"] } };
    expect(sanitizeHtml(`<customelementone title="t">x</customelementone>`, long)).toBe(
      `<customelementone title="t">x</customelementone>`,
    );
    expect(sanitizeHtml("<xustomelementone>x</xustomelementone>", long)).toBe(
      "&lt;xustomelementone&gt;x&lt;/xustomelementone&gt;",
    );
    expect(() => sanitizeHtml("x", { allow: { script: [] } })).toThrow(TypeError);
    expect(() => sanitizeHtml("x", { allow: { b: ["onclick"] } })).toThrow(TypeError);
    expect(() => sanitizeHtml("x", { allow: { b: ["style"] } })).toThrow(TypeError);
  });

  const htmlish = fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.string({ maxLength: 6 }) },
        {
          weight: 6,
          arbitrary: fc.constantFrom(
            "<",
            ">",
            "</",
            "/>",
            "<!--",
            "-->",
            "--!>",
            "<!",
            "<?",
            "<![CDATA[",
            "]]>",
            "=",
            '"',
            "'",
            " ",
            "\t",
            "\n",
            "\u0000",
            "&",
            ";",
            "&#",
            "&#x",
            "6A",
            "0000106",
            "&colon;",
            "&Tab;",
            "&lt;",
            "&amp;",
            "javascript:",
            "java\tscript:",
            " href=",
            " src=",
            " title=",
            " onerror=alert(1)",
            " onclick=",
            "/",
          ),
        },
        {
          weight: 4,
          arbitrary: fc.constantFrom(
            "a",
            "b",
            "p",
            "img",
            "li",
            "ul",
            "table",
            "td",
            "tr",
            "script",
            "style",
            "textarea",
            "title",
            "xmp",
            "noscript",
            "iframe",
            "plaintext",
            "svg",
            "math",
            "mtext",
            "foreignObject",
            "desc",
            "annotation-xml",
            "mglyph",
            "template",
            "br",
            "h1",
            "pre",
          ),
        },
      ),
      { maxLength: 40 },
    )
    .map((pieces) => pieces.join(""));

  it("never throws, never leaves executable markup, and is idempotent (HTML-ish input)", () => {
    fc.assert(
      fc.property(
        htmlish,
        fc.constantFrom<"escape" | "remove">("escape", "remove"),
        (html, disallowedTags) => {
          const options = disallowedTags === "escape" ? undefined : { disallowedTags };
          const out = sanitizeHtml(html, options);
          expect(unsafeMarkup(out, allowed)).toEqual([]);
          expect(sanitizeHtml(out, options)).toBe(out);
        },
      ),
      { numRuns: 2000 },
    );
  });

  // Tags written the way the fast path reads them (`<name attr="value">`), with names, attributes and values
  // that must each send it back to the tokenizer: unknown or duplicate attributes, values to decode or
  // escape, URLs to refuse or strip, rel on links.
  const canonicalTag = fc
    .tuple(
      fc.constantFrom("a", "b", "p", "img", "li", "ul", "td", "tr", "h1", "br", "div", "script", "svg", "A"),
      fc.array(
        fc.tuple(
          fc.constantFrom("href", "src", "title", "alt", "width", "rel", "cite", "onclick", "HREF", "x-y"),
          fc.constantFrom(
            "",
            "https://e.com/x",
            "javascript:alert(1)",
            " https://e.com",
            "a&amp;b",
            "x>y",
            "/r",
            "\u0000",
          ),
        ),
        { maxLength: 4 },
      ),
      fc.constantFrom("", "/", "</"),
      fc.constantFrom(">", " >", "/>", ""),
    )
    .map(([name, attributes, prefix, end]) =>
      prefix === "</"
        ? `</${name}${end}`
        : `<${name}${attributes.map(([a, v]) => ` ${a}="${v}"`).join("")}${end}`,
    );
  const mixed = fc
    .array(fc.oneof(htmlish, canonicalTag, fc.constantFrom("text", "a &amp; b", "x > y", "\u0000")), {
      maxLength: 30,
    })
    .map((pieces) => pieces.join(""));
  const optionSets = [
    undefined,
    { linkRel: false as const },
    { linkRel: "ugc" },
    { allow: { ...DEFAULT_HTML_ALLOW, a: ["href", "rel", "title"] } },
    { allow: { ...DEFAULT_HTML_ALLOW, a: ["href", "rel"] }, linkRel: false as const },
    { disallowedTags: "remove" as const, allowRelativeUrls: false },
    { maxDepth: 3 },
  ];

  it("reads common markup straight from the source exactly as the tokenizer path would", () => {
    fc.assert(
      fc.property(mixed, fc.nat(optionSets.length - 1), (html, k) => {
        const options = optionSets[k];
        expect(sanitizeHtml(html, options)).toBe(sanitizeHtmlTokenwise(html, options));
      }),
      { numRuns: 3000 },
    );
    for (const comment of benignComments) expect(sanitizeHtml(comment)).toBe(sanitizeHtmlTokenwise(comment));
  });

  it("never throws and is idempotent on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = sanitizeHtml(s);
        expect(unsafeMarkup(out, allowed)).toEqual([]);
        expect(sanitizeHtml(out)).toBe(out);
      }),
    );
  });
});
