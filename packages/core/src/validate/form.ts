import { DEFAULT_MAX_BODY_BYTES } from "../http/boundary-request.js";
import type { Guard } from "../http/guard.js";
import { type BodyPipeline, checkBody } from "./body-guard.js";
import type { BodyOf } from "./json.js";
import { type FormFields, type ParseFormOptions, parseForm } from "./parse-form.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** Options for the `form()` guard. */
export interface FormOptions<S extends StandardSchemaV1 | undefined = undefined, Name extends string = "body">
  extends ParseFormOptions {
  /** Any Standard Schema v1 validator, given the parsed `FormFields`; its output type lands on the context. */
  schema?: S;
  /** The context key the value lands under. Default `"body"`. */
  name?: Name;
  /** How long the body may take to arrive (408 after). Default: the request's (30 s). */
  readTimeoutMs?: number;
  /** The most issues a 422 lists. Default 20. */
  maxIssues?: number;
}

/**
 * An inbound guard for `application/x-www-form-urlencoded` bodies (Slack slash commands and interactions,
 * Twilio webhooks, HTML forms): checks `Content-Type` (415), reads the body within `maxBytes` (413),
 * parses it with `parseForm` (repeated names become arrays; 400/413), validates it with `schema` (422) and
 * puts the value on the context under `name` (default `"body"`).
 *
 * @example
 * const SlashCommand = z.object({ command: z.string(), text: z.string(), user_id: z.string() });
 * const protect = boundary().use(form({ schema: SlashCommand, maxBytes: 16 * 1024 }));
 */
export function form<S extends StandardSchemaV1 | undefined = undefined, const Name extends string = "body">(
  options: FormOptions<S, Name> = {},
): Guard<Name, S extends StandardSchemaV1 ? BodyOf<S> : FormFields> {
  type Out = S extends StandardSchemaV1 ? BodyOf<S> : FormFields;
  const name = (options.name ?? "body") as Name;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const parseOptions: ParseFormOptions = {
    maxBytes,
    ...(options.maxFields === undefined ? {} : { maxFields: options.maxFields }),
    ...(options.maxFieldBytes === undefined ? {} : { maxFieldBytes: options.maxFieldBytes }),
    ...(options.protoAction === undefined ? {} : { protoAction: options.protoAction }),
  };
  // Built once per guard: a request allocates nothing for its pipeline.
  const pipeline: BodyPipeline = {
    accepts: (essence) => essence === "application/x-www-form-urlencoded",
    expected: "application/x-www-form-urlencoded",
    maxBytes,
    readTimeoutMs: options.readTimeoutMs,
    parse: (bytes) => parseForm(bytes, parseOptions),
    invalidReason: "invalid_form",
    schema: options.schema,
    maxIssues: options.maxIssues,
  };
  return {
    name,
    check: (input) => checkBody<Out>(input, pipeline),
  };
}
