import { DEFAULT_MAX_BODY_BYTES } from "../http/boundary-request.js";
import type { Guard } from "../http/guard.js";
import { type BodyPipeline, checkBody } from "./body-guard.js";
import { type ParseJsonOptions, parseJson } from "./parse-json.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** What a body guard puts on the context: the schema's output type, or `unknown` without a schema. */
export type BodyOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : unknown;

/** Options for the `json()` guard. */
export interface JsonOptions<S extends StandardSchemaV1 | undefined = undefined, Name extends string = "body">
  extends Omit<ParseJsonOptions, "label"> {
  /** Any Standard Schema v1 validator; its output type becomes the context entry's type. */
  schema?: S;
  /** The context key the value lands under. Default `"body"`. */
  name?: Name;
  /** How long the body may take to arrive (408 after). Default: the request's (30 s). */
  readTimeoutMs?: number;
  /** The most issues a 422 lists. Default 20. */
  maxIssues?: number;
}

/**
 * Whether a media type essence is JSON: `application/json` and every `application/*+json` type.
 *
 * @example
 * isJsonMediaType("application/vnd.api+json"); // true
 */
export function isJsonMediaType(essence: string): boolean {
  return essence === "application/json" || (essence.endsWith("+json") && essence.startsWith("application/"));
}

/**
 * An inbound guard for JSON bodies: checks `Content-Type` (`application/json` or `+json`, UTF-8; else 415),
 * reads the body with the byte limit enforced while reading (413 without buffering an oversized body),
 * parses it with `parseJson` (400), validates it with `schema` (422), and puts the typed value on the
 * context under `name` (default `"body"`).
 *
 * @example
 * const Enrolment = z.object({ email: z.email(), plan: z.enum(["free", "pro"]) });
 * const protect = boundary().use(json({ schema: Enrolment, maxBytes: 64 * 1024 }));
 * const verdict = await protect(fromRequest(request));
 * if (verdict.ok) verdict.value.body.plan; // "free" | "pro"
 */
export function json<S extends StandardSchemaV1 | undefined = undefined, const Name extends string = "body">(
  options: JsonOptions<S, Name> = {},
): Guard<Name, BodyOf<S>> {
  const name = (options.name ?? "body") as Name;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const parseOptions: ParseJsonOptions = {
    maxBytes,
    label: "body",
    ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    ...(options.maxKeys === undefined ? {} : { maxKeys: options.maxKeys }),
    ...(options.protoAction === undefined ? {} : { protoAction: options.protoAction }),
  };
  // Built once per guard: a request allocates nothing for its pipeline.
  const pipeline: BodyPipeline = {
    accepts: isJsonMediaType,
    expected: "application/json",
    maxBytes,
    readTimeoutMs: options.readTimeoutMs,
    parse: (bytes) => parseJson(bytes, parseOptions),
    invalidReason: "invalid_json",
    schema: options.schema,
    maxIssues: options.maxIssues,
  };
  return {
    name,
    check: (input) => checkBody<BodyOf<S>>(input, pipeline),
  };
}
