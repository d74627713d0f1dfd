// HTML character references (WHATWG "character reference state"), decoded the way a browser does, for the
// names that matter: every legacy name a browser decodes without a semicolon, and the semicolon-terminated
// names used to smuggle URL syntax (`&colon;`, `&Tab;`, `&NewLine;`, `&lpar;` …) plus common typography.
// A well-formed `&name;` that is not in this table is reported as unknown: callers either keep it verbatim
// (text, where a browser decodes it to text, never to markup) or leave it undecoded and escape its `&`
// (attributes, so that what they checked is exactly what the browser sees).

/** Latin-1 U+00A0…U+00FF, in order: the legacy names a browser also decodes without a trailing `;`. */
const LATIN1 =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute " +
  "micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring " +
  "AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml " +
  "times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil " +
  "egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash " +
  "ugrave uacute ucirc uuml yacute thorn yuml";

/** Names that need their semicolon, as `name=codepoint(hex)` pairs. */
const WITH_SEMICOLON =
  "apos=27 Tab=9 NewLine=a excl=21 num=23 dollar=24 percnt=25 lpar=28 rpar=29 ast=2a midast=2a plus=2b " +
  "comma=2c period=2e sol=2f colon=3a semi=3b equals=3d quest=3f commat=40 lsqb=5b lbrack=5b bsol=5c rsqb=5d " +
  "rbrack=5d Hat=5e lowbar=5f UnderBar=5f grave=60 DiacriticalGrave=60 lcub=7b lbrace=7b verbar=7c vert=7c " +
  "VerticalLine=7c rcub=7d rbrace=7d NonBreakingSpace=a0 OElig=152 oelig=153 Scaron=160 scaron=161 Yuml=178 " +
  "fnof=192 circ=2c6 tilde=2dc ensp=2002 emsp=2003 thinsp=2009 ZeroWidthSpace=200b zwnj=200c zwj=200d " +
  "lrm=200e rlm=200f ndash=2013 mdash=2014 lsquo=2018 rsquo=2019 sbquo=201a ldquo=201c rdquo=201d bdquo=201e " +
  "dagger=2020 Dagger=2021 bull=2022 hellip=2026 permil=2030 prime=2032 Prime=2033 lsaquo=2039 rsaquo=203a " +
  "oline=203e frasl=2044 euro=20ac trade=2122 larr=2190 uarr=2191 rarr=2192 darr=2193 harr=2194 minus=2212 " +
  "infin=221e ne=2260 le=2264 ge=2265 hearts=2665 check=2713 cross=2717 star=2606 starf=2605";

const NAMED = new Map<string, string>();
/** Names a browser decodes even without a semicolon (the "legacy" ones). */
const LEGACY = new Set<string>();
{
  const latin = LATIN1.split(" ");
  for (let i = 0; i < latin.length; i++) {
    const name = latin[i] as string;
    NAMED.set(name, String.fromCharCode(0xa0 + i));
    LEGACY.add(name);
  }
  for (const [name, value] of [
    ["amp", "&"],
    ["AMP", "&"],
    ["lt", "<"],
    ["LT", "<"],
    ["gt", ">"],
    ["GT", ">"],
    ["quot", '"'],
    ["QUOT", '"'],
    ["COPY", "\u00a9"],
    ["REG", "\u00ae"],
  ] as const) {
    NAMED.set(name, value);
    LEGACY.add(name);
  }
  for (const pair of WITH_SEMICOLON.split(" ")) {
    const [name, hex] = pair.split("=") as [string, string];
    NAMED.set(name, String.fromCodePoint(Number.parseInt(hex, 16)));
  }
}
/** The longest legacy name (6: "frac12", "Agrave" …); prefixes longer than this never match. */
const LONGEST_LEGACY = 6;

/** What numeric references to U+0080…U+009F mean (windows-1252), per the HTML standard. */
const C1_REPLACEMENTS: Record<number, number> = {
  128: 0x20ac,
  130: 0x201a,
  131: 0x0192,
  132: 0x201e,
  133: 0x2026,
  134: 0x2020,
  135: 0x2021,
  136: 0x02c6,
  137: 0x2030,
  138: 0x0160,
  139: 0x2039,
  140: 0x0152,
  142: 0x017d,
  145: 0x2018,
  146: 0x2019,
  147: 0x201c,
  148: 0x201d,
  149: 0x2022,
  150: 0x2013,
  151: 0x2014,
  152: 0x02dc,
  153: 0x2122,
  154: 0x0161,
  155: 0x203a,
  156: 0x0153,
  158: 0x017e,
  159: 0x0178,
};

/** The result of reading one character reference at an `&`. */
export interface CharacterReference {
  /** The decoded text, or `undefined` for a well-formed `&name;` this table does not know. */
  readonly value: string | undefined;
  /** Index just past the reference. */
  readonly end: number;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

function numericValue(code: number): string {
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
  const replaced = C1_REPLACEMENTS[code];
  return String.fromCodePoint(replaced ?? code);
}

/**
 * Reads the character reference starting at `s[at] === "&"`, or returns `null` when the `&` starts none (it is
 * then a literal ampersand). Numeric references may be zero-padded to any length and need no semicolon, as in
 * browsers (`&#0000106` is "j"). In an attribute, a legacy name without its semicolon followed by `=` or an
 * alphanumeric is not decoded (`?a=1&copy=2` stays as written).
 */
export function readCharacterReference(
  s: string,
  at: number,
  inAttribute: boolean,
): CharacterReference | null {
  let i = at + 1;
  const c = s.charCodeAt(i);
  if (c === 0x23 /* # */) {
    i++;
    const x = s.charCodeAt(i) | 0x20;
    let code = 0;
    let digits = 0;
    if (x === 0x78 /* x */) {
      i++;
      while (i < s.length && isHexDigit(s.charCodeAt(i))) {
        if (code <= 0x10ffff) code = code * 16 + Number.parseInt(s.charAt(i), 16);
        i++;
        digits++;
      }
    } else {
      while (i < s.length) {
        const d = s.charCodeAt(i) - 0x30;
        if (d < 0 || d > 9) break;
        if (code <= 0x10ffff) code = code * 10 + d;
        i++;
        digits++;
      }
    }
    if (digits === 0) return null;
    if (s.charCodeAt(i) === 0x3b /* ; */) i++;
    return { value: numericValue(code), end: i };
  }
  if (!isAsciiAlnum(c)) return null;
  let j = i;
  while (j < s.length && isAsciiAlnum(s.charCodeAt(j))) j++;
  if (s.charCodeAt(j) === 0x3b) {
    const value = NAMED.get(s.slice(i, j));
    if (value !== undefined) return { value, end: j + 1 };
    // A well-formed `&name;` missing from this table may still be one of the ~2,200 names browsers know
    // (`&notin;` is "∉", not "¬" + "in;"): report it as unknown rather than guess from a legacy prefix.
    if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) return { value: undefined, end: j + 1 };
  }
  // No full match: the longest legacy name that prefixes the run decodes without a semicolon.
  for (let k = Math.min(j, i + LONGEST_LEGACY); k > i; k--) {
    const name = s.slice(i, k);
    if (!LEGACY.has(name)) continue;
    if (inAttribute && k < s.length) {
      const next = s.charCodeAt(k);
      if (next === 0x3d /* = */ || isAsciiAlnum(next)) return null;
    }
    return { value: NAMED.get(name), end: k };
  }
  return null;
}

/**
 * Decodes every character reference in `s` (text or an attribute value, per `inAttribute`). Unknown
 * well-formed names are left as written.
 *
 * @example
 * decodeCharacterReferences("&#0000106avascript&colon;", true); // "javascript:"
 */
export function decodeCharacterReferences(s: string, inAttribute: boolean): string {
  let amp = s.indexOf("&");
  if (amp === -1) return s;
  let out = "";
  let last = 0;
  while (amp !== -1) {
    const ref = readCharacterReference(s, amp, inAttribute);
    if (ref !== null && ref.value !== undefined) {
      out += s.slice(last, amp) + ref.value;
      last = ref.end;
      amp = s.indexOf("&", ref.end);
    } else {
      amp = s.indexOf("&", amp + 1);
    }
  }
  return out + s.slice(last);
}
