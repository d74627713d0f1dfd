import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type HtmlToken, HtmlTokenizer } from "./html-tokenizer.js";

function tokens(html: string, foreign = false): HtmlToken[] {
  const t = new HtmlTokenizer(html);
  t.foreign = foreign;
  return [...t];
}

function brief(html: string): string[] {
  return tokens(html).map((t) => {
    switch (t.kind) {
      case "startTag":
        return `<${t.name}${t.attributes.map((a) => ` ${a.name}=${JSON.stringify(a.value)}`).join("")}${t.selfClosing ? "/" : ""}>`;
      case "endTag":
        return `</${t.name}>`;
      case "text":
      case "rawText":
      case "cdata":
        return `${t.kind}:${t.text}`;
      default:
        return `${t.kind}:${t.source}`;
    }
  });
}

describe("HtmlTokenizer", () => {
  it("reads every attribute syntax", () => {
    expect(brief(`<a href="x" title='y' data-z=w hidden>t</a>`)).toEqual([
      `<a href="x" title="y" data-z="w" hidden="">`,
      "text:t",
      "</a>",
    ]);
    expect(brief(`<IMG SRC=x/onerror=1>`)).toEqual([`<img src="x/onerror=1">`]);
    expect(brief(`<img/src=x/onerror=1>`)).toEqual([`<img src="x/onerror=1">`]);
    expect(brief(`<a href="x"title="y"onclick="z">`)).toEqual([`<a href="x" title="y" onclick="z">`]);
    expect(brief(`<a =x b = "c" d= e>`)).toEqual([`<a =x="" b="c" d="e">`]);
    expect(brief(`<a href="1" href="2">`)).toEqual([`<a href="1">`]);
    expect(brief(`<br/>`)).toEqual(["<br/>"]);
    expect(brief(`<a "b"='c'>`)).toEqual([`<a "b"="c">`]);
  });

  it("reads comments, bogus comments and DOCTYPEs as browsers do", () => {
    expect(brief("<!-->a")).toEqual(["comment:<!-->", "text:a"]);
    expect(brief("<!--->a")).toEqual(["comment:<!--->", "text:a"]);
    expect(brief("<!-- x --!>a")).toEqual(["comment:<!-- x --!>", "text:a"]);
    expect(brief("<!-- x --!->a-->b")).toEqual(["comment:<!-- x --!->a-->", "text:b"]);
    expect(brief("<?xml x?>a")).toEqual(["comment:<?xml x?>", "text:a"]);
    expect(brief("<!x>a")).toEqual(["comment:<!x>", "text:a"]);
    expect(brief("</1>a")).toEqual(["comment:</1>", "text:a"]);
    expect(brief("<![CDATA[<b>]]>")).toEqual(["comment:<![CDATA[<b>", "text:]]>"]);
    expect(brief("<!DOCTYPE html>a")).toEqual(["doctype:<!DOCTYPE html>", "text:a"]);
    expect(brief("</>a")).toEqual(["text:a"]);
  });

  it("keeps stray < as text and drops tags cut off by the end of input", () => {
    expect(brief("a < b <3 <")).toEqual(["text:a < b <3 <"]);
    expect(brief("a </")).toEqual(["text:a </"]);
    expect(brief(`x<a href="y`)).toEqual(["text:x", `incomplete:<a href="y`]);
  });

  it("ends raw text and RCDATA at the appropriate end tag, including </x/> and </x attr>", () => {
    expect(brief("<textarea><b></textarea/><i>")).toEqual([
      "<textarea>",
      "rawText:<b>",
      "</textarea>",
      "<i>",
    ]);
    expect(brief("<title>a</title x=1>b")).toEqual(["<title>", "rawText:a", "</title>", "text:b"]);
    expect(brief("<xmp></xmpx></XMP>z")).toEqual(["<xmp>", "rawText:</xmpx>", "</xmp>", "text:z"]);
    expect(brief("<style>a</style")).toEqual(["<style>", "rawText:a</style"]);
    expect(brief("<plaintext></plaintext><b>")).toEqual(["<plaintext>", "rawText:</plaintext><b>"]);
    expect(brief("<noscript><p title='</noscript><img>'>")).toEqual([
      "<noscript>",
      "rawText:<p title='",
      "</noscript>",
      `<img>`,
      "text:'>",
    ]);
  });

  it("follows script data's escaped and double-escaped states", () => {
    expect(brief("<script>a</script>b")).toEqual(["<script>", "rawText:a", "</script>", "text:b"]);
    expect(brief("<script><!--<script></script>x</script>y")).toEqual([
      "<script>",
      "rawText:<!--<script></script>x",
      "</script>",
      "text:y",
    ]);
    expect(brief("<script><!--x--></script>y")).toEqual([
      "<script>",
      "rawText:<!--x-->",
      "</script>",
      "text:y",
    ]);
    expect(brief("<script><!--></script>y")).toEqual(["<script>", "rawText:<!-->", "</script>", "text:y"]);
  });

  it("recognizes CDATA only in foreign content, and never switches to raw text there", () => {
    expect(tokens("<![CDATA[<b>]]>x", true).map((t) => t.kind)).toEqual(["cdata", "text"]);
    expect(tokens("<style><b></style>", true).map((t) => t.kind)).toEqual(["startTag", "startTag", "endTag"]);
  });

  it("never throws and always makes progress", () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom(
        "<",
        ">",
        "</",
        "<!--",
        "-->",
        "--!>",
        "<!",
        "<?",
        "/",
        "=",
        '"',
        "'",
        " ",
        "\n",
        "\u0000",
      ),
      fc.constantFrom(
        "script",
        "style",
        "textarea",
        "title",
        "xmp",
        "plaintext",
        "svg",
        "a",
        "img",
        "<![CDATA[",
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.boolean(), (pieces, foreign) => {
        const html = pieces.join("");
        const t = new HtmlTokenizer(html);
        t.foreign = foreign;
        let count = 0;
        for (let token = t.next(); token !== undefined; token = t.next()) {
          count++;
          expect(count).toBeLessThanOrEqual(html.length + 1);
        }
      }),
    );
  });
});
