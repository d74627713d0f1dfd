/** Options of {@link normalizeText}. */
export interface NormalizeTextOptions {
  /** Unicode normalization form, or `false` to skip it. Default `"NFC"`. */
  readonly form?: "NFC" | "NFD" | "NFKC" | "NFKD" | false;
  /**
   * Remove control characters: C0 controls except tab and line feed (CR LF and lone CR become LF), DEL, and the
   * C1 controls U+0080–U+009F. Default `true`.
   */
  readonly stripControl?: boolean;
  /**
   * Remove invisible formatting characters that are used to disguise text: the bidi embeddings, overrides and
   * isolates (U+202A–U+202E, U+2066–U+2069), the marks LRM/RLM/ALM (U+200E, U+200F, U+061C), zero-width space
   * (U+200B), word joiner and invisible operators (U+2060–U+2064), U+FEFF (BOM) and U+180E. Zero-width joiner
   * and non-joiner (U+200D, U+200C) are kept: emoji sequences and several scripts need them. Default `true`.
   */
  readonly stripInvisible?: boolean;
  /** Trim leading and trailing white space. Default `true`. */
  readonly trim?: boolean;
  /** Collapse every run of white space, line breaks included, into one space (names, subjects). Default `false`. */
  readonly singleLine?: boolean;
  /** Cut the result to at most this many code points, never inside a surrogate pair. Default: no limit. */
  readonly maxLength?: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const INVISIBLE = /[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const WHITE_SPACE_RUN = /\s+/g;

/**
 * Normalizes a plain-text field (a name, an e-mail subject, a title) so that what is stored is what people
 * see: lone surrogates become U+FFFD, line breaks become LF, the Unicode form is applied (NFC by default),
 * control characters and invisible bidi/zero-width formatting are removed, white space is trimmed, and the
 * result is cut to `maxLength` code points. It does not escape anything: encode the result for its output
 * context (e.g. {@link escapeHtml}).
 *
 * @example
 * normalizeText("  Cafe\u0301\u202e\u0000 "); // "Café"
 * normalizeText("Ada\n  Lovelace", { singleLine: true }); // "Ada Lovelace"
 * normalizeText("a".repeat(500), { maxLength: 100 }).length; // 100
 */
export function normalizeText(text: string, options: NormalizeTextOptions = {}): string {
  let s = String(text).replace(LONE_SURROGATE, "\ufffd");
  if (s.includes("\r")) s = s.replace(/\r\n?/g, "\n");
  if (options.stripControl ?? true) s = s.replace(CONTROL, "");
  if (options.stripInvisible ?? true) s = s.replace(INVISIBLE, "");
  const form = options.form ?? "NFC";
  if (form !== false) s = s.normalize(form);
  if (options.singleLine) s = s.replace(WHITE_SPACE_RUN, " ");
  if (options.trim ?? true) s = s.trim();
  const max = options.maxLength;
  if (max !== undefined && s.length > max) {
    let units = 0;
    for (let points = 0; points < max && units < s.length; points++) {
      const c = s.charCodeAt(units);
      units += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    }
    s = s.slice(0, units);
    if (options.trim ?? true) s = s.trimEnd();
  }
  return s;
}
