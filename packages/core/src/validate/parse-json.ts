import { DEFAULT_MAX_BODY_BYTES } from "../http/boundary-request.js";
import { badRequest, contentTooLarge } from "../problem.js";
import { fail, pass, type Verdict } from "../verdict.js";

/** Limits and prototype-key handling for `parseJson` and the `json()` guard. */
export interface ParseJsonOptions {
  /** The most UTF-8 bytes the text may have; more gives 413. Default 1 MiB. */
  maxBytes?: number;
  /** The deepest nesting of arrays and objects allowed (`[]` is depth 1); deeper gives 400. Default 64. */
  maxDepth?: number;
  /** The most members one object may have (duplicates counted); more gives 400. Default 1000. */
  maxKeys?: number;
  /**
   * What to do with `__proto__` keys and `constructor` keys holding a `prototype`: `"error"` (400, the
   * default) or `"remove"` (drop them and keep the rest).
   */
  protoAction?: "error" | "remove";
  /** What the text is, for problem details: `"body"`, `"payload field"`… Default `"JSON"`. */
  label?: string;
}

/** Default nesting limit for `parseJson`. */
export const DEFAULT_MAX_JSON_DEPTH = 64;
/** Default limit on members per object for `parseJson`. */
export const DEFAULT_MAX_JSON_KEYS = 1000;

const decoder = /* @__PURE__ */ new TextDecoder("utf-8", { fatal: true });

/**
 * Any way a dangerous key can be written: plainly, or with `\u` escapes of `_` or a lower-case letter
 * (`"\u005f_proto__"`). Clean JSON rarely matches, so most texts are never walked.
 */
const ESCAPED_LETTER = /\\u00(?:5[fF]|[67][0-9a-fA-F])/;

function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // 4 bytes for the pair, counted as 2 units already
        i++;
      } else bytes += 2; // a lone surrogate encodes as U+FFFD (3 bytes)
    } else bytes += 2;
  }
  return bytes;
}

/** Counts `{` and `[` (strings included, so it over-counts) until `limit` is reached, natively. */
function openersReach(text: string, limit: number): boolean {
  let count = 0;
  for (const opener of ["{", "["]) {
    let at = text.indexOf(opener);
    while (at !== -1) {
      if (++count >= limit) return true;
      at = text.indexOf(opener, at + 1);
    }
  }
  return false;
}

type ScanFailure = { kind: "depth" | "keys"; position: number };

/**
 * One pass over the text, skipping strings, tracking nesting depth and members per object (colons at each
 * level), without recursion. Runs only when a limit could be broken; garbage input only gives garbage
 * counts, and `JSON.parse` rejects it next.
 */
function scanStructure(text: string, maxDepth: number, maxKeys: number): ScanFailure | undefined {
  const members: number[] = [0];
  let depth = 0;
  let inString = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) return { kind: "depth", position: i };
      members[depth] = 0;
    } else if (c === 125 || c === 93) {
      if (depth > 0) depth--;
    } else if (c === 58) {
      const count = (members[depth] as number) + 1;
      if (count > maxKeys) return { kind: "keys", position: i };
      members[depth] = count;
    }
  }
  return undefined;
}

type Json = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Json {
  return typeof value === "object" && value !== null;
}

/** Finds (and, with `remove`, drops) `__proto__` and `constructor.prototype` keys, iteratively. */
function walkProtoKeys(root: unknown, remove: boolean): "__proto__" | "constructor.prototype" | undefined {
  if (!isContainer(root)) return undefined;
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Json;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        if (isContainer(item)) stack.push(item);
      }
      continue;
    }
    if (Object.hasOwn(node, "__proto__")) {
      if (!remove) return "__proto__";
      Reflect.deleteProperty(node, "__proto__");
    }
    if (Object.hasOwn(node, "constructor")) {
      const ctor = node.constructor;
      if (isContainer(ctor) && !Array.isArray(ctor) && Object.hasOwn(ctor, "prototype")) {
        if (!remove) return "constructor.prototype";
        Reflect.deleteProperty(node, "constructor");
      }
    }
    for (const key in node) {
      const child = node[key];
      if (isContainer(child)) stack.push(child);
    }
  }
  return undefined;
}

function positionOf(error: unknown): string {
  const match = /at position (\d+)/.exec(error instanceof Error ? error.message : "");
  return match ? ` (at position ${match[1]})` : "";
}

/**
 * Parses JSON safely. Returns a verdict, never throws for bad input: 413 past `maxBytes`; 400 for invalid
 * UTF-8, invalid JSON (the detail gives the position, never the input), nesting past `maxDepth`, an object
 * with more than `maxKeys` members, or a `__proto__` / `constructor.prototype` key (unless
 * `protoAction: "remove"`). A UTF-8 byte order mark is skipped.
 *
 * Clean input costs about one `JSON.parse`: a native search for dangerous keys decides whether the result
 * is walked, and nesting is scanned (without recursion) only when the text has more brackets than `maxDepth`.
 *
 * @example
 * const verdict = parseJson(text, { maxDepth: 32 });
 * if (!verdict.ok) return problemResponse(verdict.problem);
 */
export function parseJson(
  input: string | Uint8Array | ArrayBuffer,
  options: ParseJsonOptions = {},
): Verdict<unknown> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_JSON_KEYS;
  const label = options.label ?? "JSON";
  const tooLarge = () =>
    fail(contentTooLarge({ detail: `The ${label} exceeds the limit of ${maxBytes} bytes.` }));

  let text: string;
  if (typeof input === "string") {
    if (input.length > maxBytes) return tooLarge();
    if (input.length * 3 > maxBytes && utf8Length(input) > maxBytes) return tooLarge();
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else if (ArrayBuffer.isView(input) || Object.prototype.toString.call(input) === "[object ArrayBuffer]") {
    if (input.byteLength > maxBytes) return tooLarge();
    try {
      text = decoder.decode(input); // strips a UTF-8 BOM
    } catch {
      return fail(badRequest({ detail: `The ${label} is not valid UTF-8.` }));
    }
  } else {
    throw new TypeError("parseJson expects a string, a Uint8Array or an ArrayBuffer.");
  }

  const checkDepth = maxDepth < text.length && openersReach(text, maxDepth + 1);
  // The smallest object with k members, `{"":0,…}`, has 5k + 1 characters.
  const checkKeys = text.length >= 5 * (maxKeys + 1) + 1;
  if (checkDepth || checkKeys) {
    const broken = scanStructure(text, checkDepth ? maxDepth : Number.POSITIVE_INFINITY, maxKeys);
    if (broken !== undefined) {
      const detail =
        broken.kind === "depth"
          ? `The ${label} nests deeper than ${maxDepth} levels (at position ${broken.position}).`
          : `The ${label} has an object with more than ${maxKeys} members (at position ${broken.position}).`;
      return fail(badRequest({ detail }));
    }
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(
      badRequest({
        detail:
          text.trim() === ""
            ? `The ${label} is empty.`
            : `The ${label} is not valid JSON${positionOf(error)}.`,
      }),
    );
  }

  if (
    text.includes("__proto__") ||
    text.includes("constructor") ||
    (text.includes("\\u") && ESCAPED_LETTER.test(text))
  ) {
    const found = walkProtoKeys(value, options.protoAction === "remove");
    if (found !== undefined) {
      return fail(badRequest({ detail: `The ${label} contains the forbidden key "${found}".` }));
    }
  }
  return pass(value);
}
