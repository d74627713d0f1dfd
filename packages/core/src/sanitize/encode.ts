const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const HTML_SPECIAL = /[&<>"']/g;
const HTML_SPECIAL_TEST = /[&<>"']/;

/**
 * Escapes a string for HTML text content: `&`, `<`, `>`, `"` and `'` become character references, so the
 * result can be placed between tags (or inside a quoted attribute) and is always read back as the same text.
 * Use it for plain text you render into HTML; use {@link sanitizeHtml} only when the input is meant to be HTML.
 *
 * @example
 * escapeHtml(`<b>"Tom" & 'Jerry'</b>`); // "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
 */
export function escapeHtml(text: string): string {
  const s = String(text);
  if (!HTML_SPECIAL_TEST.test(s)) return s;
  return s.replace(HTML_SPECIAL, (c) => HTML_ESCAPES[c] as string);
}

// Kept as-is: ASCII letters and digits, `,.-_`, and every non-ASCII code point (they cannot end a value).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const ATTRIBUTE_UNSAFE = /[\u0000-\u002b\u002f\u003a-\u0040\u005b-\u005e\u0060\u007b-\u007f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const ATTRIBUTE_UNSAFE_TEST = /[\u0000-\u002b\u002f\u003a-\u0040\u005b-\u005e\u0060\u007b-\u007f]/;

function attributeReference(c: string): string {
  const named = HTML_ESCAPES[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  // NUL cannot be written as a reference (it decodes to U+FFFD); say so explicitly.
  if (code === 0) return "&#xFFFD;";
  return `&#x${code.toString(16).toUpperCase()};`;
}

/**
 * Escapes a string for an HTML attribute value (OWASP's rule): every ASCII character except letters, digits
 * and `,.-_` becomes a character reference, so the value stays one value even if a template forgets the
 * quotes. Non-ASCII text is kept. It does not make a URL safe: pass URLs through {@link safeUrl} first.
 *
 * @example
 * `<input value="${escapeAttribute(name)}">`; // escapeAttribute(`x" onfocus="a`) === "x&quot;&#x20;onfocus&#x3D;&quot;a"
 */
export function escapeAttribute(value: string): string {
  const s = String(value);
  if (!ATTRIBUTE_UNSAFE_TEST.test(s)) return s;
  return s.replace(ATTRIBUTE_UNSAFE, attributeReference);
}
