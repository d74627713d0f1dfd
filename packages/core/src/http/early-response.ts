import { problemBody } from "../problem.js";
import type { Failure, Replied } from "../verdict.js";

/**
 * What to send for a verdict that stopped before the handler, ready for any server API: the status, every
 * header (lower-case names, `content-type` and `cache-control` included) and the body text, if any.
 */
export interface EarlyAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/**
 * The one rule for answering early, shared by every adapter: a problem goes out as
 * `application/problem+json`, `no-store` (its own headers cannot change either); a guard's reply with its
 * headers over a `no-store` default, and its body as JSON (`application/json` unless it sets a type).
 *
 * @example
 * const answer = earlyAnswer(verdict); // verdict: a boundary verdict with ok === false
 * res.writeHead(answer.status, answer.headers).end(answer.body);
 */
export function earlyAnswer(verdict: Failure | Replied): EarlyAnswer {
  if (!("reply" in verdict)) {
    const problem = verdict.problem;
    const headers: Record<string, string> = {};
    if (problem.headers !== undefined)
      for (const name of Object.keys(problem.headers))
        headers[name.toLowerCase()] = problem.headers[name] as string;
    headers["content-type"] = "application/problem+json";
    headers["cache-control"] = "no-store";
    return { status: problem.status, headers, body: JSON.stringify(problemBody(problem)) };
  }
  const reply = verdict.reply;
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (reply.headers !== undefined)
    for (const name of Object.keys(reply.headers))
      headers[name.toLowerCase()] = reply.headers[name] as string;
  if (reply.body === undefined) return { status: reply.status, headers, body: undefined };
  if (headers["content-type"] === undefined) headers["content-type"] = "application/json";
  return { status: reply.status, headers, body: JSON.stringify(reply.body) };
}

/**
 * The web `Response` for a boundary verdict that stopped before the handler (`earlyAnswer` as a `Response`):
 * the problem as `application/problem+json`, or a guard's reply (JSON body if it has one).
 *
 * @example
 * const verdict = await protect(fromRequest(request));
 * if (!verdict.ok) return earlyResponse(verdict); // 401 problem, or 200 for a duplicate webhook
 */
export function earlyResponse(verdict: Failure | Replied): Response {
  const { status, headers, body } = earlyAnswer(verdict);
  return new Response(body ?? null, { status, headers });
}
