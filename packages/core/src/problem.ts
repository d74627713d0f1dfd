/**
 * RFC 9457 problem details, plus the response headers that go with them (`Retry-After`, `RateLimit`, …).
 * Extension members go in `extensions` and are written at the top level of the JSON body.
 * A problem never carries a secret, a stack trace or the raw input.
 *
 * @example
 * const problem = tooManyRequests({ detail: "Try again in 3 seconds.", headers: { "retry-after": "3" } });
 */
export interface Problem {
  /** A URI that identifies the kind of problem; stable across releases. */
  readonly type: string;
  /** A short, human-readable summary of the kind of problem. */
  readonly title: string;
  /** The HTTP status code. */
  readonly status: number;
  /** A human-readable explanation specific to this occurrence. */
  readonly detail?: string;
  /** A URI reference that identifies this occurrence. */
  readonly instance?: string;
  /** Extension members (RFC 9457 §3.2), serialized next to the standard ones. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Response headers to send with the problem, lower-case names. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a caller may set on a problem built by one of the helpers. */
export interface ProblemInit {
  detail?: string;
  instance?: string;
  type?: string;
  title?: string;
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The base of every `type` URI goggles emits. Each problem kind is documented at this address. */
export const PROBLEM_TYPE_BASE = "https://goggles.dev/problems/";

const kinds = {
  400: ["bad-request", "Bad Request"],
  401: ["unauthorized", "Unauthorized"],
  403: ["forbidden", "Forbidden"],
  408: ["request-timeout", "Request Timeout"],
  409: ["conflict", "Conflict"],
  413: ["content-too-large", "Content Too Large"],
  415: ["unsupported-media-type", "Unsupported Media Type"],
  422: ["unprocessable-content", "Unprocessable Content"],
  429: ["too-many-requests", "Too Many Requests"],
  500: ["internal-error", "Internal Server Error"],
  503: ["service-unavailable", "Service Unavailable"],
} as const satisfies Record<number, readonly [string, string]>;

/** The status codes that have a built-in problem kind. */
export type ProblemStatus = keyof typeof kinds;

/**
 * Builds a problem for `status`, with the standard `type` and `title` unless overridden.
 *
 * @example
 * createProblem(409, { detail: "This delivery is still being processed." });
 */
export function createProblem(status: ProblemStatus, init: ProblemInit = {}): Problem {
  const [slug, title] = kinds[status];
  const problem: {
    -readonly [K in keyof Problem]: Problem[K];
  } = { type: init.type ?? PROBLEM_TYPE_BASE + slug, title: init.title ?? title, status };
  if (init.detail !== undefined) problem.detail = init.detail;
  if (init.instance !== undefined) problem.instance = init.instance;
  if (init.extensions !== undefined) problem.extensions = init.extensions;
  if (init.headers !== undefined) problem.headers = init.headers;
  return problem;
}

/** 400: the request is malformed (unparsable JSON, a broken header). @example badRequest({ detail: "Invalid JSON." }) */
export const badRequest = (init?: ProblemInit): Problem => createProblem(400, init);
/** 401: missing or invalid credentials or signature. @example unauthorized({ detail: "Missing API key." }) */
export const unauthorized = (init?: ProblemInit): Problem => createProblem(401, init);
/** 403: authenticated but not allowed (IP filter, scopes). @example forbidden() */
export const forbidden = (init?: ProblemInit): Problem => createProblem(403, init);
/** 408: the client was too slow to send its body. @example requestTimeout() */
export const requestTimeout = (init?: ProblemInit): Problem => createProblem(408, init);
/** 409: conflicts with the current state (a delivery still in flight). @example conflict() */
export const conflict = (init?: ProblemInit): Problem => createProblem(409, init);
/** 413: the body is larger than allowed. @example contentTooLarge({ detail: "The body exceeds 1048576 bytes." }) */
export const contentTooLarge = (init?: ProblemInit): Problem => createProblem(413, init);
/** 415: content type or encoding not accepted. @example unsupportedMediaType({ detail: "Expected application/json." }) */
export const unsupportedMediaType = (init?: ProblemInit): Problem => createProblem(415, init);
/** 422: well-formed but invalid (schema issues). @example unprocessableContent({ extensions: { issues } }) */
export const unprocessableContent = (init?: ProblemInit): Problem => createProblem(422, init);
/** 429: rate limited. @example tooManyRequests({ headers: { "retry-after": "1" } }) */
export const tooManyRequests = (init?: ProblemInit): Problem => createProblem(429, init);
/** 503: a dependency is unavailable and the request was refused rather than left to hang. @example serviceUnavailable() */
export const serviceUnavailable = (init?: ProblemInit): Problem => createProblem(503, init);
/**
 * 500 without any detail: the problem for a bug or an unexpected failure, which must not leak anything.
 * Only `instance` may be set, to correlate with a log line.
 *
 * @example
 * internalError({ instance: "urn:uuid:…" });
 */
export const internalError = (init: { instance?: string } = {}): Problem =>
  createProblem(500, init.instance === undefined ? {} : { instance: init.instance });

/** The JSON object sent for a problem (standard members first, then extensions; headers excluded). */
export function problemBody(problem: Problem): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (problem.extensions) {
    for (const [k, v] of Object.entries(problem.extensions)) {
      if (k !== "type" && k !== "title" && k !== "status" && k !== "detail" && k !== "instance") body[k] = v;
    }
  }
  const out: Record<string, unknown> = { type: problem.type, title: problem.title, status: problem.status };
  if (problem.detail !== undefined) out.detail = problem.detail;
  if (problem.instance !== undefined) out.instance = problem.instance;
  return Object.assign(out, body);
}

/**
 * Turns a problem into a web `Response` with `Content-Type: application/problem+json` and its headers.
 *
 * @example
 * if (!verdict.ok) return problemResponse(verdict.problem);
 */
export function problemResponse(problem: Problem): Response {
  const headers = new Headers(problem.headers);
  headers.set("content-type", "application/problem+json");
  headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(problemBody(problem)), { status: problem.status, headers });
}
