import type { ServerResponse } from "node:http";
import { earlyAnswer, type Failure, type Replied } from "@goggles/core";

/**
 * Writes a verdict that stopped before the handler (a problem, or a guard's early reply) as core's
 * `earlyAnswer` spells it. `close` asks the client to open a new connection, for requests whose body was
 * left unread (so an oversized upload is not drained).
 */
export function writeEarly(res: ServerResponse, verdict: Failure | Replied, close: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, headers, body } = earlyAnswer(verdict);
  res.statusCode = status;
  for (const name of Object.keys(headers)) res.setHeader(name, headers[name] as string);
  if (close) res.setHeader("connection", "close");
  if (body === undefined) {
    res.end();
    return;
  }
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}
