import type { BoundaryRequest } from "./boundary-request.js";

/**
 * Which proxies may speak for the client: a number of trusted hops in front of the app, or a list of
 * trusted proxy addresses and CIDR ranges. Default: trust none.
 */
export type TrustProxy = number | readonly string[] | undefined;

/** Options for `clientIp`. */
export interface ClientIpOptions {
  trustProxy?: TrustProxy;
}

/**
 * The client's full address. (Interim: reads the socket address only; proxy headers arrive with the
 * foundation's client-ip work.)
 */
export function clientIp(
  request: Pick<BoundaryRequest, "headers" | "remoteAddress">,
  _options: ClientIpOptions = {},
): string | undefined {
  return request.remoteAddress;
}
