import type { ServerResponse } from "node:http";
import { type HandlerOutcome, type Problem, problemBody, type Reply } from "@goggles/core";

/**
 * Writes a problem as `application/problem+json` with its headers. `close` asks the client to open a new
 * connection, for requests whose body was left unread (so an oversized upload is not drained).
 */
export function writeProblem(res: ServerResponse, problem: Problem, close: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(problemBody(problem));
  res.statusCode = problem.status;
  if (problem.headers !== undefined) {
    for (const name of Object.keys(problem.headers)) res.setHeader(name, problem.headers[name] as string);
  }
  res.setHeader("content-type", "application/problem+json");
  res.setHeader("cache-control", "no-store");
  res.setHeader("content-length", Buffer.byteLength(body));
  if (close) res.setHeader("connection", "close");
  res.end(body);
}

/**
 * Writes a guard's early reply (a duplicate webhook acknowledged with 200): its status and headers, and its
 * body as JSON if it has one. `close` as for `writeProblem`.
 */
export function writeReply(res: ServerResponse, reply: Reply, close: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = reply.status;
  res.setHeader("cache-control", "no-store");
  if (reply.headers !== undefined) {
    for (const name of Object.keys(reply.headers)) res.setHeader(name, reply.headers[name] as string);
  }
  if (close) res.setHeader("connection", "close");
  if (reply.body === undefined) {
    res.end();
    return;
  }
  const body = JSON.stringify(reply.body);
  if (!res.hasHeader("content-type")) res.setHeader("content-type", "application/json");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}

/**
 * Calls `done` once, when the response is over: `close` follows `finish` for a response sent in full
 * (its status), and comes alone when the connection closed before that (500 unless the status line was
 * already out). One listener, added once.
 */
export function whenResponded(res: ServerResponse, done: (outcome: HandlerOutcome) => void): void {
  res.once("close", () => {
    done({ status: res.writableFinished || res.headersSent ? res.statusCode : 500 });
  });
}
