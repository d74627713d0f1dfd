import { DEFAULT_MAX_BODY_BYTES } from "../http/boundary-request.js";
import { badRequest, contentTooLarge } from "../problem.js";
import { fail, pass, type Verdict } from "../verdict.js";

/** Limits for `parseForm` and the `form()` guard. */
export interface ParseFormOptions {
  /** The most bytes the encoded text may have (413 past it). Default 1 MiB. */
  maxBytes?: number;
  /** The most `name=value` pairs (413 past it). Default 1000. */
  maxFields?: number;
  /** The most characters one encoded name or value may have, as sent (413 past it). Default 100 KiB. */
  maxFieldBytes?: number;
  /** What to do with a field named `__proto__`: `"error"` (400, the default) or `"remove"`. */
  protoAction?: "error" | "remove";
}

/** A parsed form: one string per field, an array when the name repeats (`a=1&a=2` → `{ a: ["1", "2"] }`). */
export type FormFields = Record<string, string | string[]>;

/** Default pair limit for forms. */
export const DEFAULT_MAX_FORM_FIELDS = 1000;
/** Default limit on one encoded name or value. */
export const DEFAULT_MAX_FORM_FIELD_BYTES = 100 * 1024;

const decoder = /* @__PURE__ */ new TextDecoder("utf-8", { fatal: true });

function decodeComponent(raw: string): string | undefined {
  if (raw.indexOf("%") === -1 && raw.indexOf("+") === -1) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

/**
 * Parses an `application/x-www-form-urlencoded` body (or a query string without its `?`). Returns a
 * verdict, never throws for bad input: 413 past `maxBytes`, `maxFields` or `maxFieldBytes`; 400 for invalid
 * UTF-8, malformed percent-encoding or a `__proto__` field. Details name fields by position, never by the
 * sent text.
 *
 * @example
 * const verdict = parseForm("token=abc&tag=a&tag=b"); // { ok: true, value: { token: "abc", tag: ["a", "b"] } }
 */
export function parseForm(input: string | Uint8Array, options: ParseFormOptions = {}): Verdict<FormFields> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxFields = options.maxFields ?? DEFAULT_MAX_FORM_FIELDS;
  const maxFieldBytes = options.maxFieldBytes ?? DEFAULT_MAX_FORM_FIELD_BYTES;
  let text: string;
  if (typeof input === "string") {
    text = input;
    if (text.length > maxBytes || new TextEncoder().encode(text).byteLength > maxBytes) {
      return fail(contentTooLarge({ detail: `The form exceeds the limit of ${maxBytes} bytes.` }));
    }
  } else {
    if (input.byteLength > maxBytes) {
      return fail(contentTooLarge({ detail: `The form exceeds the limit of ${maxBytes} bytes.` }));
    }
    try {
      text = decoder.decode(input);
    } catch {
      return fail(badRequest({ detail: "The form is not valid UTF-8." }));
    }
  }

  const fields: FormFields = {};
  let count = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("&", start);
    if (end === -1) end = text.length;
    if (end > start) {
      count++;
      if (count > maxFields) {
        return fail(contentTooLarge({ detail: `The form has more than ${maxFields} fields.` }));
      }
      const eq = text.indexOf("=", start);
      const split = eq === -1 || eq > end ? end : eq;
      const rawName = text.slice(start, split);
      const rawValue = split === end ? "" : text.slice(split + 1, end);
      if (rawName.length > maxFieldBytes || rawValue.length > maxFieldBytes) {
        return fail(
          contentTooLarge({
            detail: `Field ${count} of the form is longer than ${maxFieldBytes} characters.`,
          }),
        );
      }
      const name = decodeComponent(rawName);
      const value = decodeComponent(rawValue);
      if (name === undefined || value === undefined) {
        return fail(badRequest({ detail: `Field ${count} of the form has malformed percent-encoding.` }));
      }
      if (name === "__proto__") {
        if (options.protoAction !== "remove") {
          return fail(badRequest({ detail: 'The form contains the forbidden field name "__proto__".' }));
        }
      } else if (Object.hasOwn(fields, name)) {
        const existing = fields[name] as string | string[];
        if (Array.isArray(existing)) existing.push(value);
        else fields[name] = [existing, value];
      } else {
        fields[name] = value;
      }
    }
    start = end + 1;
  }
  return pass(fields);
}
