import { DEFAULT_MAX_BODY_BYTES } from "../http/boundary-request.js";
import { pass, type Verdict } from "../verdict.js";
import {
  DEFAULT_MAX_JSON_DEPTH,
  DEFAULT_MAX_JSON_KEYS,
  type ParseJsonOptions,
  PROTO_KEY_MARKERS,
  parseJson,
} from "./parse-json.js";

/** Whether `text` has at least `limit` `{` or `[` (strings included), natively. */
function openersReach(text: string, limit: number): boolean {
  let count = 0;
  for (let at = text.indexOf("{"); at !== -1; at = text.indexOf("{", at + 1))
    if (++count >= limit) return true;
  for (let at = text.indexOf("["); at !== -1; at = text.indexOf("[", at + 1))
    if (++count >= limit) return true;
  return false;
}

/**
 * Parses many JSON texts cut out of one larger text (NDJSON lines) with exactly `parseJson`'s verdicts, for
 * less: the dangerous-key search runs once over the whole text (`load`) instead of once per line, and a line
 * that provably breaks no limit is handed straight to `JSON.parse`. Every other line (one holding a suspect
 * key, a BOM, more brackets than the depth limit allows, enough length for too many members or bytes, or
 * invalid JSON) goes through `parseJson` itself, so the verdicts, problems and removals are the same.
 *
 * @example
 * const lines = new JsonLineParser({ label: "line" });
 * lines.load('{"a":1}\n{"b":2}\n');
 * lines.parse(0, 7); // { ok: true, value: { a: 1 } }
 * @internal
 */
export class JsonLineParser {
  private readonly options: ParseJsonOptions;
  private readonly maxDepth: number;
  /** A line this long could hold an object over `maxKeys` members (`{"":0,…}`: 5k + 1 characters). */
  private readonly keysBound: number;
  /** A valid line shorter than this cannot nest deeper than `maxDepth` (each level takes two brackets). */
  private readonly depthBound: number;
  /** A line up to this long (in UTF-16 units) cannot exceed `maxBytes` in UTF-8. */
  private readonly unitsBound: number;
  private text = "";
  /** Where the suspect matches of `text` start, ascending. */
  private readonly suspects: number[] = [];
  private cursor = 0;

  constructor(options: ParseJsonOptions = {}) {
    this.options = options;
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
    this.maxDepth = maxDepth;
    this.keysBound = 5 * ((options.maxKeys ?? DEFAULT_MAX_JSON_KEYS) + 1) + 1;
    this.depthBound = maxDepth >= 1 ? 2 * (maxDepth + 1) : 0;
    this.unitsBound = Math.floor((options.maxBytes ?? DEFAULT_MAX_BODY_BYTES) / 3);
  }

  /** Takes the text the next `parse` calls cut lines out of (in ascending order), and searches it once. */
  load(text: string): void {
    this.text = text;
    this.suspects.length = 0;
    this.cursor = 0;
    // parseJson's own markers of a dangerous key, searched once over the whole text (none spans a line break).
    const suspects = this.suspects;
    for (const marker of PROTO_KEY_MARKERS) {
      for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + 1)) suspects.push(at);
    }
    if (suspects.length > 1) suspects.sort((a, b) => a - b);
  }

  /** `parseJson(text.slice(start, end), options)`. Calls must go forward through the loaded text. */
  parse(start: number, end: number): Verdict<unknown> {
    const line = this.text.slice(start, end);
    const suspects = this.suspects;
    let k = this.cursor;
    while (k < suspects.length && (suspects[k] as number) < start) k++;
    this.cursor = k;
    if (
      (k < suspects.length && (suspects[k] as number) < end) ||
      line.length >= this.keysBound ||
      line.length > this.unitsBound ||
      line.charCodeAt(0) === 0xfeff ||
      (line.length >= this.depthBound && openersReach(line, this.maxDepth + 1))
    ) {
      return parseJson(line, this.options);
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return parseJson(line, this.options); // the same problem, with its position
    }
    return pass(value);
  }
}
