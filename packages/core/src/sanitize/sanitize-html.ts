import { decodeCharacterReferences, readCharacterReference } from "./character-references.js";
import { HtmlTokenizer, type StartTagToken, TEXT_MODE_ELEMENTS } from "./html-tokenizer.js";
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
const URL_ATTRIBUTES = new Set(["href", "src", "cite", "poster", "background", "longdesc", "usemap", "data"]);
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

interface Policy {
  readonly elements: ReadonlyMap<string, ReadonlySet<string>>;
  readonly hrefPolicy: UrlPolicy;
  readonly srcPolicy: UrlPolicy;
  readonly linkRel: string | false;
  readonly escape: boolean;
  readonly maxDepth: number;
}

const policies = new WeakMap<SanitizeHtmlOptions, Policy>();

function compile(options: SanitizeHtmlOptions): Policy {
  const cached = policies.get(options);
  if (cached !== undefined) return cached;
  const elements = new Map<string, ReadonlySet<string>>();
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
    elements.set(name, set);
  }
  const linkRel = options.linkRel ?? "nofollow noopener noreferrer";
  const policy: Policy = {
    elements,
    hrefPolicy: urlPolicy(options.schemes, options.allowRelativeUrls),
    srcPolicy: urlPolicy(options.srcSchemes ?? ["http", "https"], options.allowRelativeUrls),
    linkRel: linkRel === false ? false : escapeAttributeValue(linkRel),
    escape: (options.disallowedTags ?? "escape") === "escape",
    maxDepth: options.maxDepth ?? 256,
  };
  policies.set(options, policy);
  return policy;
}

const DEFAULT_OPTIONS: SanitizeHtmlOptions = Object.freeze({});

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const TEXT_SPECIAL = /[&<>\u0000]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const ATTRIBUTE_SPECIAL = /[&"<>\u0000]/;
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
  return ATTRIBUTE_SPECIAL.test(value)
    ? value.replace(ATTRIBUTE_SPECIAL_ALL, (c) => ATTRIBUTE_ESCAPES[c] as string)
    : value;
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
  if (!TEXT_SPECIAL.test(text)) return text;
  let out = "";
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x26 /* & */) {
      const ref = readCharacterReference(text, i, false);
      out += text.slice(last, i);
      if (ref === null) out += "&amp;";
      else if (ref.value === undefined) out += text.slice(i, ref.end);
      else {
        const v = ref.value;
        // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
        out += TEXT_SPECIAL.test(v) ? v.replace(/[&<>\u0000]/g, escapeTextChar) : v;
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
  const policy = compile(options);
  const source = typeof html === "string" ? html : String(html ?? "");
  const tokenizer = new HtmlTokenizer(source);
  const stack: string[] = [];
  let out = "";
  let foreign: ForeignNode[] | undefined;
  let foreignRoot = "";

  const popThrough = (index: number): void => {
    for (let j = stack.length - 1; j >= index; j--) out += `</${stack[j]}>`;
    stack.length = index;
  };
  /** Index of the nearest open `name` above any element of `stop`, or -1. */
  const findOpen = (name: string, stop: ReadonlySet<string>): number => {
    for (let j = stack.length - 1; j >= 0; j--) {
      const open = stack[j] as string;
      if (open === name) return j;
      if (stop.has(open)) return -1;
    }
    return -1;
  };
  const closeOpen = (name: string, stop: ReadonlySet<string>): void => {
    const j = findOpen(name, stop);
    if (j !== -1) popThrough(j);
  };

  const disallowed = (tagSource: string): void => {
    if (policy.escape) out += encodeText(tagSource);
  };

  const startTag = (token: StartTagToken): void => {
    const name = token.name;
    const attributes = policy.elements.get(name);
    if (attributes === undefined || stack.length >= policy.maxDepth) {
      if (DROPPED_WITH_CONTENT.has(name)) {
        if ((name === "svg" || name === "math") && !token.selfClosing) {
          foreign = [{ name, kind: "foreign" }];
          foreignRoot = name;
          tokenizer.foreign = true;
        }
        return; // a text-mode element's content arrives as rawText and is dropped
      }
      disallowed(token.source);
      return;
    }
    // Implied end tags, so the output nests the way a browser will build it.
    if (CLOSES_P.has(name)) closeOpen("p", SCOPE);
    if (HEADINGS.has(name) && HEADINGS.has(stack[stack.length - 1] as string)) popThrough(stack.length - 1);
    if (name === "li") closeOpen("li", LIST_ITEM_STOP);
    else if (name === "dd" || name === "dt") {
      closeOpen("dd", LIST_ITEM_STOP);
      closeOpen("dt", LIST_ITEM_STOP);
    } else if (name === "a") closeOpen("a", SCOPE);
    else if (name === "tr") closeOpen("tr", TABLE_SCOPE);
    else if (name === "td" || name === "th") {
      closeOpen("td", TABLE_SCOPE);
      closeOpen("th", TABLE_SCOPE);
    } else if (name === "thead" || name === "tbody" || name === "tfoot" || name === "caption") {
      for (const part of ["thead", "tbody", "tfoot", "caption"]) closeOpen(part, TABLE_SCOPE);
    }

    let tag = `<${name}`;
    for (const attribute of token.attributes) {
      if (!attributes.has(attribute.name)) continue;
      if (attribute.name === "rel" && name === "a" && policy.linkRel !== false) continue;
      let value = decodeCharacterReferences(attribute.value, true);
      if (URL_ATTRIBUTES.has(attribute.name)) {
        const checked = checkDecodedUrl(
          value,
          attribute.name === "src" ? policy.srcPolicy : policy.hrefPolicy,
        );
        if (checked === undefined) continue;
        value = checked;
      }
      tag += ` ${attribute.name}="${escapeAttributeValue(value)}"`;
    }
    if (name === "a" && policy.linkRel !== false) tag += ` rel="${policy.linkRel}"`;
    out += `${tag}>`;
    if (!VOID.has(name)) stack.push(name);
  };

  const endTag = (name: string, tagSource: string): void => {
    if (!policy.elements.has(name)) {
      if (!DROPPED_WITH_CONTENT.has(name)) disallowed(tagSource);
      return;
    }
    if (VOID.has(name)) return;
    const scope = name === "li" ? LIST_SCOPE : TABLE_PARTS.includes(name as never) ? TABLE_SCOPE : SCOPE;
    const j = findOpen(name, scope);
    if (j !== -1) popThrough(j); // otherwise a stray end tag: dropped
  };

  /** Tokens inside SVG/MathML: nothing is kept; only the structure is followed to find where it ends. */
  const foreignToken = (
    nodes: ForeignNode[],
    token: NonNullable<ReturnType<HtmlTokenizer["next"]>>,
  ): boolean => {
    const top = nodes[nodes.length - 1] as ForeignNode;
    if (token.kind === "startTag") {
      if (top.kind === "foreign") {
        if (isBreakout(token)) {
          while (nodes.length > 0 && (nodes[nodes.length - 1] as ForeignNode).kind === "foreign") nodes.pop();
          if (nodes.length === 0) return false; // back in HTML: the caller handles this token
          nodes.push({ name: token.name, kind: "html" });
        } else if (!token.selfClosing) {
          const integration = isIntegrationPoint(foreignRoot, token);
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
  };

  for (let token = tokenizer.next(); token !== undefined; token = tokenizer.next()) {
    if (foreign !== undefined) {
      if (foreignToken(foreign, token)) {
        if (foreign.length === 0) foreign = undefined;
        const top = foreign?.[foreign.length - 1];
        tokenizer.foreign = top !== undefined && top.kind === "foreign";
        continue;
      }
      foreign = undefined;
      tokenizer.foreign = false;
    }
    switch (token.kind) {
      case "text":
        out += encodeText(token.text);
        break;
      case "startTag":
        startTag(token);
        break;
      case "endTag":
        endTag(token.name, token.source);
        break;
      case "incomplete":
        disallowed(token.source);
        break;
      default:
        // comments, DOCTYPEs, CDATA and raw text are dropped
        break;
    }
  }
  popThrough(0);
  return out;
}
