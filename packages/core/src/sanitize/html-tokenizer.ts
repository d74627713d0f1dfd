// A tokenizer for HTML following the WHATWG tokenization states closely enough for a sanitizer: tags with
// every attribute syntax (double, single and unquoted values, values with no `=`, `/` between attributes,
// missing white space after a quoted value), comments (`<!-->`, `<!--->`, `--!>`), bogus comments (`<?…>`,
// `<!…>`, `</1>`), DOCTYPE, CDATA sections in foreign content, and the text modes a start tag switches to
// (RCDATA: title, textarea; RAWTEXT: style, xmp, iframe, noembed, noframes, noscript; script data with its
// escaped and double-escaped states; PLAINTEXT). It never decodes text: text and attribute values are the
// source as written, for the consumer to decode (see character-references.ts) or escape.

/** One attribute as written: the name lower-cased, the value undecoded (`""` when there is none). */
export interface HtmlAttribute {
  readonly name: string;
  readonly value: string;
}

/** A run of text in the data state (character references not decoded). */
export interface TextToken {
  readonly kind: "text";
  readonly text: string;
  /** Where the token starts in the input. */
  readonly start: number;
}
/** A start tag. `name` is lower-cased (ASCII only); duplicate attributes after the first are dropped. */
export interface StartTagToken {
  readonly kind: "startTag";
  /** Where the token starts in the input (its source ends at `start + source.length`). */
  readonly start: number;
  readonly name: string;
  readonly attributes: readonly HtmlAttribute[];
  readonly selfClosing: boolean;
  /**
   * Whether the tag is written exactly as `<name attr="value"…>` would be rebuilt from this token: a
   * lower-case name, each attribute after a single space with a lower-case name and a double-quoted value,
   * none dropped as a duplicate, nothing else (no `/`, no other white space).
   */
  readonly canonical: boolean;
  /** The tag as written. */
  readonly source: string;
}
/** An end tag (`</x/>` and `</x y>` are end tags too; their attributes mean nothing). */
export interface EndTagToken {
  readonly kind: "endTag";
  readonly start: number;
  readonly name: string;
  readonly source: string;
}
/** A comment, a bogus comment (`<?x>`, `<!x>`, `</1>`) or a DOCTYPE. */
export interface CommentToken {
  readonly kind: "comment" | "doctype";
  readonly source: string;
}
/** A CDATA section, recognized only while {@link HtmlTokenizer.foreign} is set. */
export interface CdataToken {
  readonly kind: "cdata";
  readonly text: string;
}
/** The content of a raw-text, RCDATA, script or plaintext element, up to (not including) its end tag. */
export interface RawTextToken {
  readonly kind: "rawText";
  /** The element whose content this is. */
  readonly element: string;
  readonly text: string;
}
/** A tag cut off by the end of the input; browsers drop it. */
export interface IncompleteToken {
  readonly kind: "incomplete";
  readonly source: string;
}

export type HtmlToken =
  | TextToken
  | StartTagToken
  | EndTagToken
  | CommentToken
  | CdataToken
  | RawTextToken
  | IncompleteToken;

/** Elements whose content a browser tokenizes as text, and how (in HTML content). */
export const TEXT_MODE_ELEMENTS: ReadonlyMap<string, "rcdata" | "rawtext" | "script" | "plaintext"> = new Map(
  [
    ["title", "rcdata"],
    ["textarea", "rcdata"],
    ["style", "rawtext"],
    ["xmp", "rawtext"],
    ["iframe", "rawtext"],
    ["noembed", "rawtext"],
    ["noframes", "rawtext"],
    ["noscript", "rawtext"],
    ["script", "script"],
    ["plaintext", "plaintext"],
  ],
);

/** Bit (c - 0x61) is set for each lower-case letter c that starts a name in TEXT_MODE_ELEMENTS. */
const TEXT_MODE_INITIALS = [...TEXT_MODE_ELEMENTS.keys()].reduce(
  (mask, name) => mask | (1 << (name.charCodeAt(0) - 0x61)),
  0,
);

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;
}

function isAsciiAlpha(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

const UPPER_ALL = /[A-Z]/g;
/** ASCII-lower-cases a tag or attribute name and replaces NUL with U+FFFD, as the tokenizer does. */
function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c === 0) {
      return s
        .replace(UPPER_ALL, (u) => String.fromCharCode(u.charCodeAt(0) | 0x20))
        .replaceAll("\u0000", "\ufffd");
    }
  }
  return s;
}

/**
 * Pull-style HTML tokenizer: call {@link HtmlTokenizer.next} until it returns `undefined`. After a start tag of
 * an element in {@link TEXT_MODE_ELEMENTS} (outside foreign content) the next token is that element's
 * `rawText`, then its end tag if there is one.
 *
 * @example
 * const t = new HtmlTokenizer(`<p class=x>Hi<script>a()</script>`);
 * for (let token = t.next(); token; token = t.next()) console.log(token.kind);
 * // startTag, text, startTag, rawText, endTag
 */
export class HtmlTokenizer implements Iterable<HtmlToken> {
  /** Set by the consumer while the current node is SVG/MathML (not an HTML integration point). */
  foreign = false;
  private pos = 0;
  private textMode: { element: string; mode: "rcdata" | "rawtext" | "script" | "plaintext" } | undefined;
  private readonly s: string;

  constructor(html: string) {
    this.s = html;
  }

  /**
   * Where the next token starts, when the tokenizer is in the data state (not about to return the content of
   * a raw-text element); otherwise -1. A consumer may read simple markup there itself and {@link skipTo} past it.
   */
  get dataPosition(): number {
    return this.textMode === undefined ? this.pos : -1;
  }

  /** Continues tokenizing at `pos`, which must be where a token the consumer has read itself ends. */
  skipTo(pos: number): void {
    this.pos = pos;
  }

  /** The next token, or `undefined` at the end of the input. */
  next(): HtmlToken | undefined {
    const s = this.s;
    const len = s.length;
    if (this.textMode !== undefined) {
      const { element, mode } = this.textMode;
      this.textMode = undefined;
      const end =
        mode === "plaintext" ? len : mode === "script" ? this.scriptEnd() : this.rawTextEnd(element);
      const text = s.slice(this.pos, end);
      this.pos = end;
      if (text.length > 0) return { kind: "rawText", element, text };
    }
    if (this.pos >= len) return undefined;
    const start = this.pos;
    let lt = s.indexOf("<", start);
    while (lt !== -1) {
      const c = s.charCodeAt(lt + 1);
      if (isAsciiAlpha(c) || c === 0x2f /* / */ || c === 0x21 /* ! */ || c === 0x3f /* ? */) {
        if (c === 0x2f && lt + 2 >= len) {
          lt = -1; // "</" at the end of the input is text
          break;
        }
        break;
      }
      lt = s.indexOf("<", lt + 1);
    }
    if (lt === -1) {
      this.pos = len;
      return { kind: "text", text: s.slice(start), start };
    }
    if (lt > start) {
      this.pos = lt;
      return { kind: "text", text: s.slice(start, lt), start };
    }
    return this.markup(lt);
  }

  [Symbol.iterator](): Iterator<HtmlToken> {
    return {
      next: () => {
        const value = this.next();
        return value === undefined ? { done: true, value: undefined } : { done: false, value };
      },
    };
  }

  /** Markup at `s[lt] === "<"`, followed by a letter, `/`, `!` or `?`. */
  private markup(lt: number): HtmlToken | undefined {
    const s = this.s;
    const c = s.charCodeAt(lt + 1);
    if (isAsciiAlpha(c)) return this.tag(lt, lt + 1, false);
    if (c === 0x2f) {
      const d = s.charCodeAt(lt + 2);
      if (isAsciiAlpha(d)) return this.tag(lt, lt + 2, true);
      if (d === 0x3e /* > */) {
        this.pos = lt + 3; // "</>" is dropped
        return this.next();
      }
      return this.bogusComment(lt);
    }
    if (c === 0x3f) return this.bogusComment(lt);
    // "<!"
    if (s.startsWith("--", lt + 2)) return this.comment(lt);
    if (s.length >= lt + 9 && s.slice(lt + 2, lt + 9).toLowerCase() === "doctype") {
      const gt = s.indexOf(">", lt + 9);
      this.pos = gt === -1 ? s.length : gt + 1;
      return { kind: "doctype", source: s.slice(lt, this.pos) };
    }
    if (this.foreign && s.startsWith("[CDATA[", lt + 2)) {
      const close = s.indexOf("]]>", lt + 9);
      const end = close === -1 ? s.length : close;
      this.pos = close === -1 ? s.length : close + 3;
      return { kind: "cdata", text: s.slice(lt + 9, end) };
    }
    return this.bogusComment(lt);
  }

  private bogusComment(lt: number): CommentToken {
    const gt = this.s.indexOf(">", lt + 2);
    this.pos = gt === -1 ? this.s.length : gt + 1;
    return { kind: "comment", source: this.s.slice(lt, this.pos) };
  }

  /** `<!--` at `lt`: ends at `-->` or `--!>`; `<!-->` and `<!--->` are empty comments. */
  private comment(lt: number): CommentToken {
    const s = this.s;
    const body = lt + 4;
    let end: number;
    if (s.charCodeAt(body) === 0x3e) end = body + 1;
    else if (s.startsWith("->", body)) end = body + 2;
    else {
      const a = s.indexOf("-->", body);
      const b = s.indexOf("--!>", body);
      if (a === -1 && b === -1) end = s.length;
      else if (b === -1 || (a !== -1 && a < b)) end = a + 3;
      else end = b + 4;
    }
    this.pos = end;
    return { kind: "comment", source: s.slice(lt, end) };
  }

  /** A start or end tag whose name starts at `nameStart`. */
  private tag(lt: number, nameStart: number, isEnd: boolean): HtmlToken {
    const s = this.s;
    const len = s.length;
    let i = nameStart;
    while (i < len) {
      const c = s.charCodeAt(i);
      if (isWhitespace(c) || c === 0x2f || c === 0x3e) break;
      i++;
    }
    const rawName = s.slice(nameStart, i);
    const name = asciiLower(rawName);
    const attributes: HtmlAttribute[] = [];
    let seen: Set<string> | undefined;
    let selfClosing = false;
    let canonical = name === rawName;
    for (;;) {
      const spaceStart = i;
      while (i < len && isWhitespace(s.charCodeAt(i))) i++;
      if (i >= len) return this.incomplete(lt);
      let c = s.charCodeAt(i);
      if (c === 0x3e) {
        if (i !== spaceStart) canonical = false;
        i++;
        break;
      }
      canonical &&= i === spaceStart + 1 && s.charCodeAt(spaceStart) === 0x20;
      if (c === 0x2f) {
        canonical = false;
        i++;
        if (s.charCodeAt(i) === 0x3e) {
          selfClosing = true;
          i++;
          break;
        }
        continue; // reconsume in "before attribute name"
      }
      // attribute name: a leading "=" is part of it
      const attrStart = i;
      if (c === 0x3d) i++;
      while (i < len) {
        c = s.charCodeAt(i);
        if (isWhitespace(c) || c === 0x2f || c === 0x3e || c === 0x3d) break;
        i++;
      }
      const attrName = s.slice(attrStart, i);
      while (i < len && isWhitespace(s.charCodeAt(i))) i++;
      let value = "";
      if (s.charCodeAt(i) !== 0x3d || s.charCodeAt(i + 1) !== 0x22 || i !== attrStart + attrName.length) {
        canonical = false; // no value, white space around "=", or a value not in double quotes
      }
      if (s.charCodeAt(i) === 0x3d) {
        i++;
        while (i < len && isWhitespace(s.charCodeAt(i))) i++;
        if (i >= len) return this.incomplete(lt);
        const q = s.charCodeAt(i);
        if (q === 0x22 || q === 0x27) {
          const close = s.indexOf(q === 0x22 ? '"' : "'", i + 1);
          if (close === -1) return this.incomplete(lt);
          value = s.slice(i + 1, close);
          i = close + 1;
        } else if (q !== 0x3e) {
          const valueStart = i;
          while (i < len) {
            c = s.charCodeAt(i);
            if (isWhitespace(c) || c === 0x3e) break;
            i++;
          }
          value = s.slice(valueStart, i);
        }
      }
      if (!isEnd) {
        const lower = asciiLower(attrName);
        if (lower !== attrName || attrName.charCodeAt(0) === 0x3d) canonical = false;
        // The first of duplicate attributes wins. A set takes over from the scan for tags with many attributes,
        // so a hostile tag cannot make this quadratic.
        let duplicate = false;
        if (seen !== undefined) duplicate = seen.has(lower);
        else {
          for (let k = 0; k < attributes.length; k++) {
            if ((attributes[k] as HtmlAttribute).name === lower) {
              duplicate = true;
              break;
            }
          }
          if (attributes.length === 16) seen = new Set(attributes.map((a) => a.name));
        }
        if (!duplicate) {
          attributes.push({ name: lower, value });
          seen?.add(lower);
        } else canonical = false;
      }
    }
    this.pos = i;
    const source = s.slice(lt, i);
    if (isEnd) return { kind: "endTag", name, source, start: lt };
    // Only names starting with i, n, p, s, t or x can switch the text mode: skip the lookup for the rest.
    if (!this.foreign && (TEXT_MODE_INITIALS >>> (name.charCodeAt(0) - 0x61)) & 1) {
      const mode = TEXT_MODE_ELEMENTS.get(name);
      if (mode !== undefined) this.textMode = { element: name, mode };
    }
    return { kind: "startTag", name, attributes, selfClosing, canonical, source, start: lt };
  }

  private incomplete(lt: number): IncompleteToken {
    this.pos = this.s.length;
    return { kind: "incomplete", source: this.s.slice(lt) };
  }

  /** Whether `s[at…]` is `</name` (any case) followed by white space, `/` or `>`. */
  private endTagAt(at: number, name: string): boolean {
    const s = this.s;
    const after = at + 2 + name.length;
    if (after >= s.length) return false;
    const c = s.charCodeAt(after);
    if (!(isWhitespace(c) || c === 0x2f || c === 0x3e)) return false;
    return s.slice(at + 2, after).toLowerCase() === name;
  }

  /** Where RAWTEXT/RCDATA content ends: at the first appropriate end tag, else at the end of the input. */
  private rawTextEnd(element: string): number {
    const s = this.s;
    for (let lt = s.indexOf("</", this.pos); lt !== -1; lt = s.indexOf("</", lt + 1)) {
      if (this.endTagAt(lt, element)) return lt;
    }
    return s.length;
  }

  /** Where script data ends, following the escaped (`<!--`) and double-escaped (`<!--<script>`) states. */
  private scriptEnd(): number {
    const s = this.s;
    const len = s.length;
    let mode: "data" | "escaped" | "double" = "data";
    for (let i = this.pos; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x3c) {
        if (s.charCodeAt(i + 1) === 0x2f && this.endTagAt(i, "script")) {
          if (mode !== "double") return i;
          mode = "escaped";
          i += 7;
        } else if (mode === "data" && s.startsWith("<!--", i)) {
          mode = "escaped";
          i += 1; // the dashes of "<!--" also count towards "-->"
        } else if (
          mode === "escaped" &&
          s.length > i + 7 &&
          s.slice(i + 1, i + 7).toLowerCase() === "script"
        ) {
          const d = s.charCodeAt(i + 7);
          if (isWhitespace(d) || d === 0x2f || d === 0x3e) {
            mode = "double";
            i += 6;
          }
        }
      } else if (c === 0x2d && mode !== "data" && s.startsWith("-->", i)) {
        mode = "data";
        i += 2;
      }
    }
    return len;
  }
}
