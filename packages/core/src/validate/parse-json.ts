import { DEFAULT_MAX_BODY_BYTES } from "../http/boundary-request.js";
import { badRequest, contentTooLarge } from "../problem.js";
import { type Failure, fail, pass, type Verdict } from "../verdict.js";

/** Limits and prototype-key handling for `parseJson` and the `json()` guard. */
export interface ParseJsonOptions {
  /** The most UTF-8 bytes the text may have; more gives 413. Default 1 MiB. */
  maxBytes?: number;
  /** The deepest nesting of arrays and objects allowed (`[]` is depth 1); deeper gives 400. Default 64. */
  maxDepth?: number;
  /** The most members one object may have (after parsing: a repeated key counts once); more gives 400. Default 1000. */
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

/** Substrings that every way of writing a dangerous key contains (see `mayHoldProtoKeys`). @internal */
export const PROTO_KEY_MARKERS = ["proto", "\\u00"] as const;
const [PROTO_MARKER, ESCAPE_MARKER] = PROTO_KEY_MARKERS;

/**
 * Whether the text may hold a dangerous key. `__proto__` contains `proto`, and a `constructor` key is only
 * dangerous when the object it holds has a `prototype` key, which contains `proto` too; a `\u` escape of any
 * of their letters or `_` starts with `\u00` (`"\u005f_proto__"`). Two native substring searches (several
 * times cheaper than one regex with alternatives), and clean JSON rarely matches, so most parsed values are
 * never walked. A false positive only costs a walk.
 */
function mayHoldProtoKeys(text: string): boolean {
  return text.includes(PROTO_MARKER) || text.includes(ESCAPE_MARKER);
}

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
  for (let at = text.indexOf("{"); at !== -1; at = text.indexOf("{", at + 1)) {
    if (++count >= limit) return true;
  }
  for (let at = text.indexOf("["); at !== -1; at = text.indexOf("[", at + 1)) {
    if (++count >= limit) return true;
  }
  return false;
}

type Json = Record<string, unknown> | unknown[];
type Broken = "depth" | "keys" | "__proto__" | "constructor.prototype";

/**
 * One iterative walk over the parsed value (no recursion, so any depth is safe): nesting deeper than
 * `maxDepth`, objects with more than `maxKeys` members, `__proto__` keys and `constructor` keys holding a
 * `prototype` (reported with `"error"`, deleted with `"remove"`, ignored with `undefined`). Pass `Infinity` to skip a
 * limit. Walking values is several times cheaper than scanning the text, since a node spans many characters.
 */
function walk(
  root: Json,
  maxDepth: number,
  maxKeys: number,
  proto: "error" | "remove" | undefined,
): Broken | undefined {
  if (maxDepth < 1) return "depth";
  const nodes: Json[] = [root];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as Json;
    const depth = depths.pop() as number;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child = node[i];
        if (typeof child === "object" && child !== null) {
          if (depth >= maxDepth) return "depth";
          nodes.push(child as Json);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    let members = 0;
    for (const key in node) {
      const child = node[key];
      if (proto !== undefined && (key === "__proto__" || key === "constructor")) {
        const dangerous =
          key === "__proto__" ||
          (typeof child === "object" &&
            child !== null &&
            !Array.isArray(child) &&
            Object.hasOwn(child, "prototype"));
        if (dangerous) {
          if (proto === "error") return key === "__proto__" ? "__proto__" : "constructor.prototype";
          Reflect.deleteProperty(node, key);
          continue;
        }
      }
      members++;
      if (typeof child === "object" && child !== null) {
        if (depth >= maxDepth) return "depth";
        nodes.push(child as Json);
        depths.push(depth + 1);
      }
    }
    if (members > maxKeys) return "keys";
  }
  return undefined;
}

function tooLarge(label: string, maxBytes: number): Failure {
  return fail(contentTooLarge({ detail: `The ${label} exceeds the limit of ${maxBytes} bytes.` }));
}

const NO_OPTIONS: ParseJsonOptions = Object.freeze({});

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
 * Clean input costs about one `JSON.parse`: native substring searches decide whether the parsed value must
 * be walked (for dangerous keys, or when the text has more brackets than `maxDepth` or is long enough to hold
 * an object over `maxKeys`), and the walk is iterative, so no nesting can blow the stack.
 *
 * @example
 * const verdict = parseJson(text, { maxDepth: 32 });
 * if (!verdict.ok) return problemResponse(verdict.problem);
 */
export function parseJson(
  input: string | Uint8Array | ArrayBuffer,
  options: ParseJsonOptions = NO_OPTIONS,
): Verdict<unknown> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_JSON_KEYS;
  const label = options.label ?? "JSON";

  let text: string;
  if (typeof input === "string") {
    if (input.length > maxBytes) return tooLarge(label, maxBytes);
    if (input.length * 3 > maxBytes && utf8Length(input) > maxBytes) return tooLarge(label, maxBytes);
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else if (ArrayBuffer.isView(input) || Object.prototype.toString.call(input) === "[object ArrayBuffer]") {
    if (input.byteLength > maxBytes) return tooLarge(label, maxBytes);
    try {
      text = decoder.decode(input); // strips a UTF-8 BOM
    } catch {
      return fail(badRequest({ detail: `The ${label} is not valid UTF-8.` }));
    }
  } else {
    throw new TypeError("parseJson expects a string, a Uint8Array or an ArrayBuffer.");
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
  if (typeof value !== "object" || value === null) return pass(value);

  // Walk only when something could be wrong: a dangerous key written plainly or escaped, a text long
  // enough for an object over maxKeys (`{"":0,…}` with k members has 5k + 1 characters), or more brackets
  // than maxDepth (counted natively, strings included). The walk checks every limit; skipping it is sound
  // because none of these can then be broken.
  const mustWalk =
    mayHoldProtoKeys(text) ||
    text.length >= 5 * (maxKeys + 1) + 1 ||
    (maxDepth < text.length && openersReach(text, maxDepth + 1));
  if (mustWalk) {
    const broken = walk(value as Json, maxDepth, maxKeys, options.protoAction ?? "error");
    if (broken !== undefined) {
      const detail =
        broken === "depth"
          ? `The ${label} nests deeper than ${maxDepth} levels.`
          : broken === "keys"
            ? `The ${label} has an object with more than ${maxKeys} members.`
            : `The ${label} contains the forbidden key "${broken}".`;
      return fail(badRequest({ detail }));
    }
  }
  return pass(value);
}
