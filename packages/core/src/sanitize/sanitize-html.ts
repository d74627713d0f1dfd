import { decodeCharacterReferences, readCharacterReference } from "./character-references.js";
import {
  type EndTagToken,
  type HtmlAttribute,
  type HtmlToken,
  HtmlTokenizer,
  type StartTagToken,
  TEXT_MODE_ELEMENTS,
} from "./html-tokenizer.js";
import { checkDecodedUrl, type UrlPolicy, urlPolicy } from "./safe-url.js";

/** Allowed elements, each with the attributes it may keep (lower-case names). */
export type HtmlAllowList = Readonly<Record<string, readonly string[]>>;

/** Options of {@link sanitizeHtml}. */
export interface SanitizeHtmlOptions {
  /** Elements and their attributes to keep; replaces {@link DEFAULT_HTML_ALLOW} entirely. */
  readonly allow?: HtmlAllowList;
  /** Schemes URL attributes other than `src` may use (`href`, `cite`). Default `["http", "https", "mailto"]`. */
  readonly schemes?: readonly string[];
  /** Schemes `src` may use. Default `["http", "https"]`. */
  readonly srcSchemes?: readonly string[];
  /** Whether URL attributes may be relative (`/a`, `#top`, `//cdn.example/x.png`). Default `true`. */
  readonly allowRelativeUrls?: boolean;
  /**
   * The `rel` written on every kept `<a>` (any `rel` in the input is replaced), or `false` for none.
   * Default `"nofollow noopener noreferrer"`: user content should not pass on search ranking or the page's
   * `window.opener`/referrer.
   */
  readonly linkRel?: string | false;
  /**
   * What happens to a tag that is not allowed: `"escape"` writes it as visible text (`&lt;div&gt;`), as
   * js-xss does; `"remove"` drops the tag and keeps its content. Default `"escape"`.
   */
  readonly disallowedTags?: "escape" | "remove";
  /** Deeper nesting of allowed elements is treated as disallowed tags. Default 256. */
  readonly maxDepth?: number;
}

const TABLE_PARTS = ["table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"] as const;
const TABLE_SECTIONS = ["thead", "tbody", "tfoot", "caption"] as const;

/**
 * The default allowlist, for user-generated rich text (comments, descriptions): inline formatting, links,
 * paragraphs and lists, quotes and code, headings, tables and images. Frozen; spread it to extend it.
 */
export const DEFAULT_HTML_ALLOW: HtmlAllowList = Object.freeze({
  a: ["href", "title"],
  b: [],
  i: [],
  em: [],
  strong: [],
  p: [],
  br: [],
  ul: [],
  ol: [],
  li: [],
  blockquote: ["cite"],
  code: [],
  pre: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  ...Object.fromEntries(TABLE_PARTS.map((t) => [t, t === "th" || t === "td" ? ["colspan", "rowspan"] : []])),
  img: ["src", "alt", "title", "width", "height"],
});

/** Dropped with everything inside them: their content is not text a reader should see. */
const DROPPED_WITH_CONTENT = new Set([...TEXT_MODE_ELEMENTS.keys(), "svg", "math"]);
/** Elements no allowlist may contain (the sanitizer cannot make them safe, or they change the document). */
const NEVER_ALLOWED = new Set([
  ...DROPPED_WITH_CONTENT,
  "base",
  "meta",
  "link",
  "object",
  "embed",
  "applet",
  "frame",
  "frameset",
  "template",
  "html",
  "head",
  "body",
  "image",
  "form",
  "input",
  "button",
  "select",
  "option",
  "param",
]);
const NEVER_ALLOWED_ATTRIBUTE = /^(?:on|xmlns)|^(?:style|srcdoc|srcset|action|formaction|is|ping|autofocus)$/;
const NAME = /^[a-z][a-z0-9-]*$/;
/** Attributes whose value is a URL: checked with the safeUrl rules when an allowlist keeps them. */
const URL_ATTRIBUTES = new Set([
  "href",
  "src",
  "cite",
  "poster",
  "background",
  "longdesc",
  "usemap",
  "data",
  "dynsrc",
  "lowsrc",
  "icon",
  "manifest",
  "codebase",
  "archive",
  "profile",
]);
const VOID = new Set(["area", "br", "col", "hr", "img", "source", "track", "wbr"]);

const HEADINGS = new Set(["h1", "h2", "h3", "h4", "h5", "h6"]);
/** Start tags that close an open `<p>` (HTML's "close a p element" rule). */
const CLOSES_P = new Set([
  ...HEADINGS,
  "address",
  "article",
  "aside",
  "blockquote",
  "center",
  "details",
  "dialog",
  "dir",
  "div",
  "dl",
  "dd",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "header",
  "hgroup",
  "hr",
  "li",
  "main",
  "menu",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "table",
  "ul",
]);
const SCOPE = new Set(["table", "td", "th", "caption", "html", "template"]);
const LIST_SCOPE = new Set([...SCOPE, "ul", "ol"]);
const TABLE_SCOPE = new Set(["table", "html", "template"]);
/** Elements that stop the search for an open `<li>`/`<dd>` (HTML's "special" elements, minus address, div, p). */
const LIST_ITEM_STOP = new Set([
  ...HEADINGS,
  ...TABLE_PARTS,
  "blockquote",
  "ul",
  "ol",
  "dl",
  "pre",
  "section",
  "article",
  "aside",
  "nav",
  "header",
  "footer",
  "main",
  "figure",
  "details",
  "summary",
]);

const MAX_FOREIGN_DEPTH = 512;
const SVG_INTEGRATION = new Set(["foreignobject", "desc", "title"]);
const MATH_TEXT_INTEGRATION = new Set(["mi", "mo", "mn", "ms", "mtext"]);
/** Start tags that break out of SVG/MathML content back into HTML. */
const BREAKOUT = new Set([
  ...HEADINGS,
  "b",
  "big",
  "blockquote",
  "body",
  "br",
  "center",
  "code",
  "dd",
  "div",
  "dl",
  "dt",
  "em",
  "embed",
  "head",
  "hr",
  "i",
  "img",
  "li",
  "listing",
  "menu",
  "meta",
  "nobr",
  "ol",
  "p",
  "pre",
  "ruby",
  "s",
  "small",
  "span",
  "strong",
  "strike",
  "sub",
  "sup",
  "table",
  "tt",
  "u",
  "ul",
  "var",
]);

/** How a start tag closes elements already open, so the output nests as a browser will build it. */
const IMPLIED_NONE = 0;
const IMPLIED_LI = 1;
const IMPLIED_DD_DT = 2;
const IMPLIED_A = 3;
const IMPLIED_TR = 4;
const IMPLIED_CELL = 5;
const IMPLIED_SECTION = 6;

/** Everything the sanitizer needs to know about one allowed element, computed once per policy. */
interface ElementRule {
  /** Index of this rule in its policy, for the per-run count of open elements. */
  readonly id: number;
  readonly name: string;
  readonly attributes: ReadonlySet<string>;
  /** The start tag without attributes, and the end tag, as written to the output. */
  readonly open: string;
  readonly end: string;
  readonly isVoid: boolean;
  readonly closesP: boolean;
  readonly heading: boolean;
  readonly implied: number;
  /** Elements that stop the search for an open element of this name when its end tag comes. */
  readonly endScope: ReadonlySet<string>;
  /**
   * The attributes {@link Rebuilder.simple} may read itself (all allowed ones, except `rel` on links when
   * the policy writes its own), or undefined when there are too many for its bit set.
   */
  readonly plainAttributes: readonly string[] | undefined;
  /** For each of `plainAttributes`, the URL policy its value must pass, or undefined for a non-URL attribute. */
  readonly plainUrlPolicies: readonly (UrlPolicy | undefined)[];
}

/** The rules of the elements that start tags close implicitly (undefined when not allowed). */
type NamedRules = Readonly<
  Record<
    "p" | "li" | "dd" | "dt" | "a" | "tr" | "td" | "th" | (typeof TABLE_SECTIONS)[number],
    ElementRule | undefined
  >
>;

interface Policy {
  readonly elements: ElementTable;
  readonly named: NamedRules;
  readonly elementCount: number;
  /**
   * All-zero open-element counts left by the last finished run, for the next one to reuse: allocating a typed
   * array costs more than sanitizing a short string.
   */
  spareCounts: Int32Array | undefined;
  readonly hrefPolicy: UrlPolicy;
  readonly srcPolicy: UrlPolicy;
  /** The ` rel="…"` written on links, or "". */
  readonly linkRel: string;
  readonly escape: boolean;
  readonly maxDepth: number;
}

const policies = new WeakMap<SanitizeHtmlOptions, Policy>();

function impliedRule(name: string): number {
  switch (name) {
    case "li":
      return IMPLIED_LI;
    case "dd":
    case "dt":
      return IMPLIED_DD_DT;
    case "a":
      return IMPLIED_A;
    case "tr":
      return IMPLIED_TR;
    case "td":
    case "th":
      return IMPLIED_CELL;
    case "thead":
    case "tbody":
    case "tfoot":
    case "caption":
      return IMPLIED_SECTION;
    default:
      return IMPLIED_NONE;
  }
}

/**
 * Allowed elements by name. Tag names come fresh from the input, so a `Map` would hash each one; buckets by
 * length and first letter compare a handful of short strings instead.
 */
class ElementTable {
  /** Filled up front: an array first written at scattered indexes would fall back to a slow dictionary. */
  private readonly buckets: (ElementRule[] | undefined)[] = Array.from({ length: 16 * 32 }, () => undefined);

  add(rule: ElementRule): void {
    const key = ElementTable.key(rule.name);
    const bucket = this.buckets[key];
    if (bucket === undefined) this.buckets[key] = [rule];
    else bucket.push(rule);
  }

  get(name: string): ElementRule | undefined {
    const bucket = this.buckets[ElementTable.key(name)];
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) {
      const rule = bucket[i] as ElementRule;
      if (rule.name === name) return rule;
    }
    return undefined;
  }

  /** The rule for the name written at `source[start, end)`, which must be lower-case ASCII letters and digits. */
  getAt(source: string, start: number, end: number): ElementRule | undefined {
    const length = end - start;
    const bucket = this.buckets[length > 15 ? 0 : length * 32 + (source.charCodeAt(start) & 31)];
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) {
      const rule = bucket[i] as ElementRule;
      const name = rule.name;
      if (name.length !== length) continue;
      let k = 0; // names over 15 characters share a bucket whatever their first letter
      while (k < length && name.charCodeAt(k) === source.charCodeAt(start + k)) k++;
      if (k === length) return rule;
    }
    return undefined;
  }

  private static key(name: string): number {
    return name.length > 15 ? 0 : name.length * 32 + (name.charCodeAt(0) & 31);
  }
}

function compile(options: SanitizeHtmlOptions): Policy {
  const cached = policies.get(options);
  if (cached !== undefined) return cached;
  const elements = new ElementTable();
  let elementCount = 0;
  const hrefPolicy = urlPolicy(options.schemes, options.allowRelativeUrls);
  const srcPolicy = urlPolicy(options.srcSchemes ?? ["http", "https"], options.allowRelativeUrls);
  const linkRel = options.linkRel ?? "nofollow noopener noreferrer";
  for (const [element, attributes] of Object.entries(options.allow ?? DEFAULT_HTML_ALLOW)) {
    const name = element.toLowerCase();
    if (!NAME.test(name) || NEVER_ALLOWED.has(name)) {
      throw new TypeError(`sanitizeHtml: <${element}> cannot be allowed.`);
    }
    const set = new Set<string>();
    for (const attribute of attributes) {
      const a = attribute.toLowerCase();
      if (!NAME.test(a) || NEVER_ALLOWED_ATTRIBUTE.test(a)) {
        throw new TypeError(`sanitizeHtml: the attribute "${attribute}" cannot be allowed.`);
      }
      set.add(a);
    }
    const plain = [...set].filter((a) => !(name === "a" && a === "rel" && linkRel !== false));
    elements.add({
      id: elementCount++,
      name,
      attributes: set,
      open: `<${name}>`,
      end: `</${name}>`,
      isVoid: VOID.has(name),
      closesP: CLOSES_P.has(name),
      heading: HEADINGS.has(name),
      implied: impliedRule(name),
      endScope:
        name === "li" ? LIST_SCOPE : (TABLE_PARTS as readonly string[]).includes(name) ? TABLE_SCOPE : SCOPE,
      plainAttributes: plain.length <= 31 ? plain : undefined,
      plainUrlPolicies: plain.map((a) =>
        URL_ATTRIBUTES.has(a) ? (a === "src" ? srcPolicy : hrefPolicy) : undefined,
      ),
    });
  }
  const named: NamedRules = {
    p: elements.get("p"),
    li: elements.get("li"),
    dd: elements.get("dd"),
    dt: elements.get("dt"),
    a: elements.get("a"),
    tr: elements.get("tr"),
    td: elements.get("td"),
    th: elements.get("th"),
    thead: elements.get("thead"),
    tbody: elements.get("tbody"),
    tfoot: elements.get("tfoot"),
    caption: elements.get("caption"),
  };
  const policy: Policy = {
    elements,
    named,
    elementCount,
    spareCounts: undefined,
    hrefPolicy,
    srcPolicy,
    linkRel: linkRel === false ? "" : ` rel="${escapeAttributeValue(linkRel)}"`,
    escape: (options.disallowedTags ?? "escape") === "escape",
    maxDepth: options.maxDepth ?? 256,
  };
  policies.set(options, policy);
  return policy;
}

const DEFAULT_OPTIONS: SanitizeHtmlOptions = Object.freeze({});

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const TEXT_SPECIAL_ALL = /[&<>\u0000]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const ATTRIBUTE_SPECIAL_ALL = /[&"<>\u0000]/g;
const ATTRIBUTE_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  '"': "&quot;",
  "<": "&lt;",
  ">": "&gt;",
  "\u0000": "\ufffd",
};

function escapeAttributeValue(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x26 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0) {
      return value.replace(ATTRIBUTE_SPECIAL_ALL, (m) => ATTRIBUTE_ESCAPES[m] as string);
    }
  }
  return value;
}

/** The index in `names` of the name written at `s[start, end)`, or -1. */
function indexOfName(names: readonly string[], s: string, start: number, end: number): number {
  const length = end - start;
  for (let k = 0; k < names.length; k++) {
    const name = names[k] as string;
    if (name.length !== length) continue;
    let j = 0;
    while (j < length && name.charCodeAt(j) === s.charCodeAt(start + j)) j++;
    if (j === length) return k;
  }
  return -1;
}

function indexOrEnd(s: string, search: string, from: number): number {
  const at = s.indexOf(search, from);
  return at === -1 ? s.length : at;
}

function isAsciiAlpha(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

function escapeTextChar(c: string): string {
  return c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "\u0000" ? "" : c;
}

/**
 * Re-encodes source text the way it will read: character references are decoded and what needs it is
 * escaped again (`&`, `<`, `>`); a well-formed `&name;` this sanitizer does not know is kept as written (a
 * browser decodes it to text, never to markup); NUL is dropped, as browsers drop it from text.
 */
function encodeText(text: string): string {
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x26 || c === 0x3c || c === 0x3e || c === 0) break;
  }
  if (i === text.length) return text;
  let out = "";
  let last = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x26 /* & */) {
      const ref = readCharacterReference(text, i, false);
      out += text.slice(last, i);
      if (ref === null) out += "&amp;";
      else if (ref.value === undefined) out += text.slice(i, ref.end);
      else {
        const v = ref.value;
        out += v.length === 1 ? escapeTextChar(v) : v.replace(TEXT_SPECIAL_ALL, escapeTextChar);
      }
      if (ref !== null) i = ref.end - 1;
      last = i + 1;
    } else if (c === 0x3c || c === 0x3e || c === 0) {
      out += text.slice(last, i) + escapeTextChar(text.charAt(i));
      last = i + 1;
    }
  }
  return out + text.slice(last);
}

interface ForeignNode {
  readonly name: string;
  /** "foreign": SVG/MathML; "integration": an HTML integration point; "html": HTML inside one. */
  readonly kind: "foreign" | "integration" | "html";
}

function isIntegrationPoint(root: string, token: StartTagToken): boolean {
  if (root === "svg") return SVG_INTEGRATION.has(token.name);
  if (MATH_TEXT_INTEGRATION.has(token.name)) return true;
  if (token.name !== "annotation-xml") return false;
  const encoding = token.attributes.find((a) => a.name === "encoding")?.value.toLowerCase();
  return encoding === "text/html" || encoding === "application/xhtml+xml";
}

function isBreakout(token: StartTagToken): boolean {
  if (BREAKOUT.has(token.name)) return true;
  return (
    token.name === "font" &&
    token.attributes.some((a) => a.name === "color" || a.name === "face" || a.name === "size")
  );
}

/** One run of the sanitizer: the output so far and the allowed elements still open. */
class Rebuilder {
  /** The output, except the pending verbatim span below. */
  out = "";
  /** A span of the input that the output repeats unchanged, appended in one piece when something differs. */
  copyStart = 0;
  copyEnd = 0;
  readonly stack: ElementRule[] = [];
  /** How many elements of each rule are open: end tags of elements that are not open cost no search. */
  readonly openCount: Int32Array;
  /** Open SVG/MathML structure while its content is being dropped, or undefined in HTML. */
  foreign: ForeignNode[] | undefined = undefined;
  foreignRoot = "";
  /** Where the next "&" and NUL of the source are at or after the text being read (the length if none). */
  nextAmpersand = -1;
  nextNul = -1;

  constructor(
    readonly policy: Policy,
    readonly source: string,
    readonly tokenizer: HtmlTokenizer,
    /** Whether {@link Rebuilder.simple} may handle common markup without tokens (false only to test it). */
    readonly fast: boolean,
  ) {
    this.openCount = policy.spareCounts ?? new Int32Array(policy.elementCount);
    policy.spareCounts = undefined;
  }

  push(rule: ElementRule): void {
    this.stack.push(rule);
    this.openCount[rule.id] = (this.openCount[rule.id] as number) + 1;
  }

  pop(): ElementRule {
    const rule = this.stack.pop() as ElementRule;
    this.openCount[rule.id] = (this.openCount[rule.id] as number) - 1;
    return rule;
  }

  /** Appends generated output (after any pending verbatim span). */
  emit(text: string): void {
    if (this.copyEnd !== this.copyStart) {
      this.out += this.source.slice(this.copyStart, this.copyEnd);
      this.copyStart = this.copyEnd;
    }
    this.out += text;
  }

  /** Appends `source[start, end)` as it is. */
  keep(start: number, end: number): void {
    if (this.copyEnd !== start) {
      if (this.copyEnd !== this.copyStart) this.out += this.source.slice(this.copyStart, this.copyEnd);
      this.copyStart = start;
    }
    this.copyEnd = end;
  }

  popThrough(index: number): void {
    const stack = this.stack;
    while (stack.length > index) this.emit(this.pop().end);
  }

  /** Index of the nearest open `name` above any element of `stop`, or -1. */
  findOpen(rule: ElementRule, stop: ReadonlySet<string>): number {
    if (this.openCount[rule.id] === 0) return -1;
    const name = rule.name;
    const stack = this.stack;
    for (let j = stack.length - 1; j >= 0; j--) {
      const open = (stack[j] as ElementRule).name;
      if (open === name) return j;
      if (stop.has(open)) return -1;
    }
    return -1;
  }

  /** Closes the nearest open element of `rule` above any element of `stop` (undefined: not allowed, never open). */
  closeOpen(rule: ElementRule | undefined, stop: ReadonlySet<string>): void {
    if (rule === undefined) return;
    const j = this.findOpen(rule, stop);
    if (j !== -1) this.popThrough(j);
  }

  disallowed(tagSource: string): void {
    if (this.policy.escape) this.emit(encodeText(tagSource));
  }

  /** Closes what a start tag of `rule` implicitly closes (an open `<p>`, a previous `<li>`…). */
  closeImplied(rule: ElementRule): void {
    const named = this.policy.named;
    if (rule.closesP) this.closeOpen(named.p, SCOPE);
    if (rule.heading && this.stack.length > 0 && (this.stack[this.stack.length - 1] as ElementRule).heading) {
      this.popThrough(this.stack.length - 1);
    }
    switch (rule.implied) {
      case IMPLIED_LI:
        this.closeOpen(named.li, LIST_ITEM_STOP);
        break;
      case IMPLIED_DD_DT:
        this.closeOpen(named.dd, LIST_ITEM_STOP);
        this.closeOpen(named.dt, LIST_ITEM_STOP);
        break;
      case IMPLIED_A:
        this.closeOpen(named.a, SCOPE);
        break;
      case IMPLIED_TR:
        this.closeOpen(named.tr, TABLE_SCOPE);
        break;
      case IMPLIED_CELL:
        this.closeOpen(named.td, TABLE_SCOPE);
        this.closeOpen(named.th, TABLE_SCOPE);
        break;
      case IMPLIED_SECTION:
        for (const part of TABLE_SECTIONS) this.closeOpen(named[part], TABLE_SCOPE);
        break;
    }
  }

  startTag(token: StartTagToken): void {
    const policy = this.policy;
    const rule = policy.elements.get(token.name);
    if (rule === undefined || this.stack.length >= policy.maxDepth) {
      const name = token.name;
      if (DROPPED_WITH_CONTENT.has(name)) {
        if ((name === "svg" || name === "math") && !token.selfClosing) {
          this.foreign = [{ name, kind: "foreign" }];
          this.foreignRoot = name;
          this.tokenizer.foreign = true;
        }
        return; // a text-mode element's content arrives as rawText and is dropped
      }
      this.disallowed(token.source);
      return;
    }
    this.closeImplied(rule);
    const isLink = rule.name === "a";
    const attributes = token.attributes;
    if (attributes.length === 0 && !isLink) {
      if (token.source === rule.open) this.keep(token.start, token.start + rule.open.length);
      else this.emit(rule.open);
      if (!rule.isVoid) this.push(rule);
      return;
    }
    // The rebuilt tag is the source itself when the source is canonical and every attribute is kept as it
    // is: then it is copied without comparing strings.
    let unchanged = token.canonical && !(isLink && policy.linkRel !== "");
    let tag = `<${rule.name}`;
    for (let k = 0; k < attributes.length; k++) {
      const attribute = attributes[k] as HtmlAttribute;
      const name = attribute.name;
      if (!rule.attributes.has(name) || (isLink && name === "rel" && policy.linkRel !== "")) {
        unchanged = false;
        continue;
      }
      let value = decodeCharacterReferences(attribute.value, true);
      if (URL_ATTRIBUTES.has(name)) {
        const checked = checkDecodedUrl(value, name === "src" ? policy.srcPolicy : policy.hrefPolicy);
        if (checked === undefined) {
          unchanged = false;
          continue;
        }
        value = checked;
      }
      value = escapeAttributeValue(value);
      if (value !== attribute.value) unchanged = false;
      tag += ` ${name}="${value}"`;
    }
    if (unchanged) {
      this.keep(token.start, token.start + token.source.length);
    } else {
      tag = isLink ? `${tag}${policy.linkRel}>` : `${tag}>`;
      if (tag === token.source) this.keep(token.start, token.start + tag.length);
      else this.emit(tag);
    }
    if (!rule.isVoid) this.push(rule);
  }

  endTag(token: EndTagToken): void {
    const name = token.name;
    const rule = this.policy.elements.get(name);
    if (rule === undefined) {
      if (!DROPPED_WITH_CONTENT.has(name)) this.disallowed(token.source);
      return;
    }
    this.closeElement(rule, token.start, token.source === rule.end);
  }

  /** An end tag of an allowed element at `start`; `canonical` when it is written exactly as `rule.end`. */
  closeElement(rule: ElementRule, start: number, canonical: boolean): void {
    if (rule.isVoid) return;
    const j = this.findOpen(rule, rule.endScope);
    if (j === -1) return; // a stray end tag: dropped
    if (j === this.stack.length - 1 && canonical) {
      this.pop();
      this.keep(start, start + rule.end.length);
    } else this.popThrough(j);
  }

  /**
   * The common cases, read straight from the source in the data state, with no token: a text run that ends
   * at markup, and `<name>` / `</name>` of an allowed element other than `a` (lower-case name, nothing else
   * in the tag). Each is handled exactly as its token would be. Returns where the handled input ends, or -1
   * to leave it to the tokenizer.
   */
  simple(at: number): number {
    const s = this.source;
    const len = s.length;
    if (s.charCodeAt(at) !== 0x3c /* < */) {
      const lt = s.indexOf("<", at);
      if (lt === -1) return -1;
      // Where the tokenizer ends a text run: "<" then a letter, "!", "?", or "/" not at the end of the input.
      const c = s.charCodeAt(lt + 1);
      if (!(isAsciiAlpha(c) || c === 0x21 || c === 0x3f || (c === 0x2f && lt + 2 < len))) return -1;
      // Native searches for what encodeText would change: the next "&" and NUL are remembered for the whole
      // run (clean text has none), ">" is searched anew (it ends every tag, so it is usually just past lt).
      if (this.nextAmpersand < at) this.nextAmpersand = indexOrEnd(s, "&", at);
      if (this.nextNul < at) this.nextNul = indexOrEnd(s, "\u0000", at);
      if (this.nextAmpersand < lt || this.nextNul < lt || indexOrEnd(s, ">", at) < lt) {
        this.emit(encodeText(s.slice(at, lt)));
      } else this.keep(at, lt);
      return lt;
    }
    const isEnd = s.charCodeAt(at + 1) === 0x2f; /* / */
    const nameStart = isEnd ? at + 2 : at + 1;
    let i = nameStart;
    let c = s.charCodeAt(i);
    if (!(c >= 0x61 && c <= 0x7a)) return -1;
    do c = s.charCodeAt(++i);
    while ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39));
    if (c !== 0x3e /* > */ && (isEnd || c !== 0x20) /* space */) return -1;
    const policy = this.policy;
    const rule = policy.elements.getAt(s, nameStart, i);
    if (rule === undefined) return -1;
    if (isEnd) {
      this.closeElement(rule, at, true);
      return i + 1;
    }
    if (this.stack.length >= policy.maxDepth) return -1;
    const gt = c === 0x3e ? i : this.plainAttributes(rule, i);
    if (gt === -1) return -1;
    this.closeImplied(rule);
    if (rule.name === "a" && policy.linkRel !== "") this.emit(`${s.slice(at, gt)}${policy.linkRel}>`);
    else this.keep(at, gt + 1);
    if (!rule.isVoid) this.push(rule);
    return gt + 1;
  }

  /**
   * The attributes of a start tag from the space at `i` after its name, when each one is written
   * ` name="value"`, is one of `rule.plainAttributes`, appears once, and is kept as written (its value has
   * nothing to decode or escape, and a URL passes its policy unchanged), with `>` right after the last one.
   * Returns where that `>` is, or -1.
   */
  plainAttributes(rule: ElementRule, i: number): number {
    const list = rule.plainAttributes;
    if (list === undefined) return -1;
    const s = this.source;
    let seen = 0;
    for (;;) {
      const nameStart = ++i; // past the space
      let c = s.charCodeAt(i);
      if (!(c >= 0x61 && c <= 0x7a)) return -1;
      do c = s.charCodeAt(++i);
      while ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d);
      if (c !== 0x3d /* = */ || s.charCodeAt(i + 1) !== 0x22 /* " */) return -1;
      const k = indexOfName(list, s, nameStart, i);
      if (k === -1 || (seen & (1 << k)) !== 0) return -1;
      seen |= 1 << k;
      const valueStart = i + 2;
      const close = s.indexOf('"', valueStart);
      if (close === -1) return -1;
      for (let j = valueStart; j < close; j++) {
        const d = s.charCodeAt(j);
        if (d === 0x26 /* & */ || d === 0x3c /* < */ || d === 0x3e /* > */ || d === 0) return -1;
      }
      const urlPolicy = rule.plainUrlPolicies[k];
      if (urlPolicy !== undefined) {
        const value = s.slice(valueStart, close);
        if (checkDecodedUrl(value, urlPolicy) !== value) return -1;
      }
      c = s.charCodeAt(close + 1);
      if (c === 0x3e) return close + 1;
      if (c !== 0x20) return -1;
      i = close + 1;
    }
  }

  /**
   * A token inside SVG/MathML: nothing is kept, only the structure is followed to find where it ends. Returns
   * false when the token breaks out of foreign content and must be handled as HTML.
   */
  foreignToken(nodes: ForeignNode[], token: HtmlToken): boolean {
    const top = nodes[nodes.length - 1] as ForeignNode;
    // Past MAX_FOREIGN_DEPTH nothing more is pushed (end tags may then close the subtree early, which only
    // means later tokens are sanitized as HTML), so end-tag searches stay bounded.
    if (token.kind === "startTag" && nodes.length >= MAX_FOREIGN_DEPTH && !isBreakout(token)) return true;
    if (token.kind === "startTag") {
      if (top.kind === "foreign") {
        if (isBreakout(token)) {
          while (nodes.length > 0 && (nodes[nodes.length - 1] as ForeignNode).kind === "foreign") nodes.pop();
          if (nodes.length === 0) return false;
          nodes.push({ name: token.name, kind: "html" });
        } else if (!token.selfClosing) {
          const integration = isIntegrationPoint(this.foreignRoot, token);
          nodes.push({ name: token.name, kind: integration ? "integration" : "foreign" });
        }
      } else if (token.name === "svg" || token.name === "math") {
        if (!token.selfClosing) nodes.push({ name: token.name, kind: "foreign" });
      } else if (
        !VOID.has(token.name) &&
        token.name !== "input" &&
        token.name !== "embed" &&
        token.name !== "meta"
      ) {
        nodes.push({ name: token.name, kind: "html" });
      }
    } else if (token.kind === "endTag") {
      for (let j = nodes.length - 1; j >= 0; j--) {
        if ((nodes[j] as ForeignNode).name === token.name) {
          nodes.length = j;
          break;
        }
      }
    }
    return true;
  }

  run(): string {
    const tokenizer = this.tokenizer;
    const length = this.source.length;
    for (;;) {
      if (this.fast && this.foreign === undefined) {
        const at = tokenizer.dataPosition;
        if (at !== -1 && at < length) {
          const end = this.simple(at);
          if (end !== -1) {
            tokenizer.skipTo(end);
            continue;
          }
        }
      }
      const token = tokenizer.next();
      if (token === undefined) break;
      const foreign = this.foreign;
      if (foreign !== undefined) {
        if (this.foreignToken(foreign, token)) {
          const top = foreign[foreign.length - 1];
          if (top === undefined) this.foreign = undefined;
          tokenizer.foreign = top !== undefined && top.kind === "foreign";
          continue;
        }
        this.foreign = undefined;
        tokenizer.foreign = false;
      }
      switch (token.kind) {
        case "text": {
          const text = encodeText(token.text);
          if (text === token.text) this.keep(token.start, token.start + text.length);
          else this.emit(text);
          break;
        }
        case "startTag":
          this.startTag(token);
          break;
        case "endTag":
          this.endTag(token);
          break;
        case "incomplete":
          this.disallowed(token.source);
          break;
        default:
          // comments, DOCTYPEs, CDATA and raw text are dropped
          break;
      }
    }
    this.popThrough(0);
    this.emit("");
    this.policy.spareCounts = this.openCount; // every element is closed: all counts are zero again
    return this.out;
  }
}

/**
 * Sanitizes untrusted HTML against an allowlist, without a DOM. The input is tokenized the way a browser
 * tokenizes it, and the output is **rebuilt** from the tokens: allowed elements with their allowed attributes
 * (always double-quoted and re-escaped; URL attributes through the {@link safeUrl} rules), all text escaped,
 * every other tag escaped as text (or removed, by option). Dropped with their content: script, style, xmp,
 * iframe, noembed, noframes, noscript, plaintext, textarea, title, and SVG/MathML. Comments, DOCTYPEs and
 * CDATA are dropped. Tags are balanced (open elements closed, stray end tags dropped, void elements never
 * closed), and the output is a fixed point: `sanitizeHtml(sanitizeHtml(x)) === sanitizeHtml(x)`.
 *
 * @example
 * sanitizeHtml(`<p onclick="x()">Hi <a href="javascript:alert(1)">there</a><script>bad()</script>`);
 * // '<p>Hi <a rel="nofollow noopener noreferrer">there</a></p>'
 * sanitizeHtml("<b>bold</b> <div>box</div>"); // "<b>bold</b> &lt;div&gt;box&lt;/div&gt;"
 * sanitizeHtml("<span>x</span>", { allow: { ...DEFAULT_HTML_ALLOW, span: ["title"] } }); // "<span>x</span>"
 */
export function sanitizeHtml(html: string, options: SanitizeHtmlOptions = DEFAULT_OPTIONS): string {
  const source = typeof html === "string" ? html : String(html ?? "");
  return new Rebuilder(compile(options), source, new HtmlTokenizer(source), true).run();
}

/**
 * {@link sanitizeHtml} with every piece of input read as a token: the reference its fast path is tested
 * against. Not part of the public API.
 *
 * @example
 * expect(sanitizeHtml(html)).toBe(sanitizeHtmlTokenwise(html));
 */
export function sanitizeHtmlTokenwise(html: string, options: SanitizeHtmlOptions = DEFAULT_OPTIONS): string {
  return new Rebuilder(compile(options), html, new HtmlTokenizer(html), false).run();
}
