import type { HandlerOutcome } from "../http/guard.js";

/** The part of Node's `ServerResponse` that `whenResponded` reads (typed structurally: no Node import). */
export interface NodeServerResponse {
  readonly statusCode: number;
  readonly headersSent: boolean;
  readonly writableFinished: boolean;
  once(event: "close", listener: () => void): unknown;
}

/**
 * Calls `done` once, when the response is over: `close` follows `finish` for a response sent in full (its
 * status), and comes alone when the connection closed before that (500 unless the status line was already
 * out). One listener, added once. The Node adapters run the guards' `after` hooks with it.
 *
 * @example
 * whenResponded(res, (outcome) => verdict.after(outcome));
 */
export function whenResponded(res: NodeServerResponse, done: (outcome: HandlerOutcome) => void): void {
  res.once("close", () => {
    done({ status: res.writableFinished || res.headersSent ? res.statusCode : 500 });
  });
}
