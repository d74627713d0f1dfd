import { decodeCharacterReferences } from "./character-references.js";

/** Options of {@link safeUrl}. */
export interface SafeUrlOptions {
  /** Allowed schemes, lower-case, without the colon. Default `["http", "https", "mailto"]`. */
  readonly schemes?: readonly string[];
  /** Whether URLs without a scheme (`/path`, `page?q=1`, `#top`, `//host/x`) are allowed. Default `true`. */
  readonly allowRelative?: boolean;
  /**
   * Whether the input is HTML attribute text whose character references must be decoded first (as a browser
   * does before it parses the URL). Default `true`; pass `false` for a raw URL you will escape yourself.
   */
  readonly decodeEntities?: boolean;
}

/** The schemes {@link safeUrl} allows by default. */
export const DEFAULT_URL_SCHEMES: readonly string[] = Object.freeze(["http", "https", "mailto"]);

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const EDGE_CONTROL_OR_SPACE = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;
const TAB_OR_NEWLINE = /[\t\n\r]/g;
/** Enough rounds to undo any realistic nesting of `&amp;`; deeper nesting is refused. */
const MAX_DECODE_ROUNDS = 8;

/** What the WHATWG URL parser removes before parsing: C0 controls and spaces at both ends, tab/LF/CR anywhere. */
export function stripUrl(url: string): string {
  const n = url.length;
  if (n === 0) return url;
  if (url.charCodeAt(0) <= 0x20 || url.charCodeAt(n - 1) <= 0x20)
    url = url.replace(EDGE_CONTROL_OR_SPACE, "");
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x09 || c === 0x0a || c === 0x0d) return url.replace(TAB_OR_NEWLINE, "");
  }
  return url;
}

/**
 * The scheme of a stripped URL, lower-cased; `""` for a relative URL; `null` when a `:` comes before any
 * `/`, `?` or `#` but what precedes it is not a valid scheme (`java\0script:`, `ｊavascript:`): browsers have
 * disagreed about such strings, so they are refused rather than guessed at.
 */
export function urlScheme(stripped: string): string | null {
  for (let i = 0; i < stripped.length; i++) {
    const c = stripped.charCodeAt(i);
    if (c === 0x3a /* : */) {
      if (i === 0) return null;
      let upper = false;
      for (let j = 0; j < i; j++) {
        const d = stripped.charCodeAt(j);
        const lower = d | 0x20;
        if (lower >= 0x61 && lower <= 0x7a) upper ||= d < 0x61;
        else if (j === 0 || !((d >= 0x30 && d <= 0x39) || d === 0x2b || d === 0x2d || d === 0x2e))
          return null;
      }
      const scheme = stripped.slice(0, i);
      return upper ? scheme.toLowerCase() : scheme;
    }
    if (c === 0x2f /* / */ || c === 0x3f /* ? */ || c === 0x23 /* # */ || c === 0x5c /* \ */) return "";
  }
  return "";
}

/** A compiled URL policy, shared by {@link safeUrl} and the HTML sanitizer. */
export interface UrlPolicy {
  readonly schemes: ReadonlySet<string>;
  readonly allowRelative: boolean;
}

export function urlPolicy(
  schemes: readonly string[] | undefined,
  allowRelative: boolean | undefined,
): UrlPolicy {
  return {
    schemes: new Set((schemes ?? DEFAULT_URL_SCHEMES).map((s) => s.toLowerCase().replace(/:$/, ""))),
    allowRelative: allowRelative ?? true,
  };
}

function allowed(scheme: string | null, policy: UrlPolicy): boolean {
  if (scheme === null) return false;
  return scheme === "" ? policy.allowRelative : policy.schemes.has(scheme);
}

/**
 * Checks a URL whose character references are already decoded; returns the stripped URL or `undefined`.
 * Defense in depth: the scheme is also checked after decoding any references left in the URL, so a value
 * that is decoded once more by mistake (`javascript&amp;colon;…`) cannot turn into a dangerous one.
 */
export function checkDecodedUrl(decoded: string, policy: UrlPolicy): string | undefined {
  const stripped = stripUrl(decoded);
  if (!allowed(urlScheme(stripped), policy)) return undefined;
  let current = stripped;
  for (let round = 0; current.includes("&"); round++) {
    if (round === MAX_DECODE_ROUNDS) return undefined;
    const next = stripUrl(decodeCharacterReferences(current, true));
    if (next === current) break;
    if (!allowed(urlScheme(next), policy)) return undefined;
    current = next;
  }
  return stripped;
}

/**
 * Returns the URL if its scheme is allowed, otherwise `undefined`. It first decodes HTML character references
 * (zero-padded `&#0000106`, hex `&#x6A`, semicolon-less and named ones such as `&colon;` and `&Tab;`), then
 * strips what the WHATWG URL parser strips (leading and trailing C0 controls and spaces, tab and newlines
 * anywhere), then reads the scheme. The result is that decoded, stripped URL: escape it with
 * {@link escapeAttribute} before writing it into HTML.
 *
 * @example
 * safeUrl("https://example.com/a?b=1"); // "https://example.com/a?b=1"
 * safeUrl(" java\tscript&colon;alert(1)"); // undefined
 * safeUrl("/relative/path"); // "/relative/path"
 * safeUrl("data:image/png;base64,AAAA", { schemes: ["data"] }); // "data:image/png;base64,AAAA"
 */
export function safeUrl(url: string, options: SafeUrlOptions = {}): string | undefined {
  if (typeof url !== "string") return undefined;
  const decoded = options.decodeEntities === false ? url : decodeCharacterReferences(url, true);
  return checkDecodedUrl(decoded, urlPolicy(options.schemes, options.allowRelative));
}
