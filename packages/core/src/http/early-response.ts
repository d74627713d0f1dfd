import { problemResponse } from "../problem.js";
import type { Failure, Replied } from "../verdict.js";

/**
 * The web `Response` for a boundary verdict that stopped before the handler: the problem as
 * `application/problem+json`, or a guard's reply (JSON body if it has one). Both are `no-store` unless the
 * reply says otherwise.
 *
 * @example
 * const verdict = await protect(fromRequest(request));
 * if (!verdict.ok) return earlyResponse(verdict); // 401 problem, or 200 for a duplicate webhook
 */
export function earlyResponse(verdict: Failure | Replied): Response {
  if (!("reply" in verdict)) return problemResponse(verdict.problem);
  const { status, headers, body } = verdict.reply;
  const out = new Headers({ "cache-control": "no-store" });
  if (headers !== undefined) for (const name of Object.keys(headers)) out.set(name, headers[name] as string);
  if (body === undefined) return new Response(null, { status, headers: out });
  if (!out.has("content-type")) out.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { status, headers: out });
}
