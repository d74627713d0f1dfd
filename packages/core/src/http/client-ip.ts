import type { BoundaryRequest } from "./boundary-request.js";
import { cidrMatcher } from "./cidr.js";
import { formatIp, type IpAddress, parseHostAddress } from "./ip-address.js";

/**
 * Which proxies may speak for the client: the number of proxy hops in front of the app (`1` for one load
 * balancer), or a list of trusted proxy addresses and CIDR ranges (`["10.0.0.0/8", "loopback"]`).
 * Default: trust none, so the socket address is the client.
 *
 * @example
 * boundary({ trustProxy: 2 });                            // a CDN, then a load balancer
 * boundary({ trustProxy: ["10.0.0.0/8", "loopback"] });   // proxies with known addresses
 */
export type TrustProxy = number | readonly string[] | undefined;

/**
 * Which proxy header to read. `"auto"` reads `Forwarded` when present, else `X-Forwarded-For`.
 *
 * @example
 * clientIp(request, { trustProxy: 1, proxyHeader: "x-forwarded-for" }); // the proxy never writes Forwarded
 */
export type ProxyHeader = "auto" | "forwarded" | "x-forwarded-for";

/** Options for `clientIp`. */
export interface ClientIpOptions {
  /** Which proxies may speak for the client. Default: none (the socket address only). */
  trustProxy?: TrustProxy;
  /**
   * Which header the trusted proxies write. Default `"auto"`: `Forwarded` (RFC 7239) when the request has one,
   * otherwise `X-Forwarded-For`. If your proxies only ever set one of them, name it here: then a client cannot
   * slip in the other one for your proxy to pass along untouched.
   */
  proxyHeader?: ProxyHeader;
}

type Trust = (address: IpAddress | undefined, hop: number) => boolean;

const compiled = /* @__PURE__ */ new WeakMap<readonly string[], Trust>();
const byHops = /* @__PURE__ */ new Map<number, Trust>();
const trustNone: Trust = () => false;

/**
 * Checks and compiles a `trustProxy` setting. Throws a `TypeError` for a negative or fractional hop count or
 * a list entry that is not an address, CIDR range or range name; `boundary()` calls it at construction.
 *
 * @example
 * compileTrustProxy(["10.0.0.0/8"]); // ok
 * compileTrustProxy(["10.0.0.0/33"]); // throws TypeError
 */
export function compileTrustProxy(trustProxy: TrustProxy): Trust {
  if (trustProxy === undefined || trustProxy === 0) return trustNone;
  if (typeof trustProxy === "number") {
    if (!(Number.isInteger(trustProxy) || trustProxy === Number.POSITIVE_INFINITY) || trustProxy < 0) {
      throw new TypeError(`trustProxy: expected a whole number of hops (0 or more), got ${trustProxy}.`);
    }
    let trust = byHops.get(trustProxy);
    if (trust === undefined) {
      const hops = trustProxy;
      trust = (_address, hop) => hop < hops;
      if (byHops.size < 64) byHops.set(hops, trust);
    }
    return trust;
  }
  let trust = compiled.get(trustProxy);
  if (trust === undefined) {
    const matches = cidrMatcher(trustProxy, "trustProxy");
    trust = (address) => address !== undefined && matches(address);
    compiled.set(trustProxy, trust);
  }
  return trust;
}

let lastSocketText = "";
let lastSocket: IpAddress | undefined;

/** The parsed socket address; the last one is kept, as a server sees the same few peers (its proxies). */
function socketAddress(text: string): IpAddress | undefined {
  if (text !== lastSocketText) {
    lastSocket = parseHostAddress(text);
    lastSocketText = text;
  }
  return lastSocket;
}

/** Splits on commas outside quoted strings. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === "\\") i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/**
 * The `for=` node of each `Forwarded` element, left to right (RFC 7239 §4, §6). An element without `for`, with
 * `unknown` or an obfuscated identifier (`_hidden`), or with a value that is not an address gives `undefined`.
 */
function forwardedNodes(header: string): (IpAddress | undefined)[] {
  return splitOutsideQuotes(header, ",").map((element) => {
    for (const pair of splitOutsideQuotes(element, ";")) {
      const eq = pair.indexOf("=");
      if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== "for") continue;
      let value = pair.slice(eq + 1).trim();
      if (value.startsWith('"')) {
        if (value.length < 2 || !value.endsWith('"')) return undefined;
        value = value.slice(1, -1);
        if (value.includes("\\")) value = value.replace(/\\(.)/g, "$1");
      }
      return parseHostAddress(value);
    }
    return undefined;
  });
}

/**
 * The client's full address, as far as trusted proxies let us know it.
 *
 * The walk starts at the socket address and moves right to left through the proxy header while the current
 * address is trusted (its position is under the hop count, or it is in the trusted ranges). It stops at the
 * first untrusted address, which is the client. A header entry that is not an address (garbage, `unknown`, an
 * obfuscated `Forwarded` node) ends the walk at the last trustworthy address before it. Headers are never read
 * when no proxy is trusted.
 *
 * `Forwarded` wins over `X-Forwarded-For` when both are present (see `proxyHeader`). Results are canonical:
 * ports and brackets stripped, IPv4-mapped IPv6 unwrapped, IPv6 in RFC 5952 form.
 *
 * With a hop count and no socket address (some serverless runtimes), the missing socket counts as the first
 * trusted hop; with a list of ranges it cannot be checked, and the result is `undefined`.
 *
 * @example
 * // behind one load balancer at 10.0.0.2
 * clientIp(request, { trustProxy: 1 });                // X-Forwarded-For: 198.51.100.7 → "198.51.100.7"
 * clientIp(request, { trustProxy: ["10.0.0.0/8"] });   // same, by range
 * clientIp(request);                                   // "10.0.0.2": no proxy trusted
 */
export function clientIp(
  request: Pick<BoundaryRequest, "headers" | "remoteAddress">,
  options: ClientIpOptions = {},
): string | undefined {
  const trust = compileTrustProxy(options.trustProxy);
  const socketText = request.remoteAddress;
  const socket = typeof socketText === "string" ? socketAddress(socketText) : undefined;
  if (trust === trustNone || !trust(socket, 0)) return canonical(socket, socketText);

  // The socket is a trusted proxy: read what it (and the proxies before it) said, right to left.
  const mode = options.proxyHeader ?? "auto";
  let forwarded: string | null = null;
  if (mode !== "x-forwarded-for") {
    try {
      forwarded = request.headers.get("forwarded");
    } catch {
      forwarded = null;
    }
  }
  let last = socket;
  let lastText = socketText;
  if (typeof forwarded === "string" && forwarded.trim() !== "") {
    const nodes = forwardedNodes(forwarded);
    for (let i = nodes.length - 1, hop = 1; i >= 0; i--, hop++) {
      const node = nodes[i];
      if (node === undefined) break;
      last = node;
      lastText = undefined;
      if (!trust(node, hop)) break;
    }
    return canonical(last, lastText);
  }
  if (mode === "forwarded") return canonical(last, lastText);

  let xff: string | null = null;
  try {
    xff = request.headers.get("x-forwarded-for");
  } catch {
    xff = null;
  }
  if (typeof xff === "string") {
    let end = xff.length;
    for (let hop = 1; end >= 0; hop++) {
      const comma = end === 0 ? -1 : xff.lastIndexOf(",", end - 1);
      const text = xff.slice(comma + 1, end);
      const node = parseHostAddress(text);
      if (node === undefined) break;
      last = node;
      lastText = text;
      if (!trust(node, hop) || comma < 0) break;
      end = comma;
    }
  }
  return canonical(last, lastText);
}

/** The canonical text of `address`; a strict dotted quad already is, so it is returned as written (trimmed). */
function canonical(address: IpAddress | undefined, text: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  if (address.version === 4 && text !== undefined && !text.includes(":")) return text.trim();
  return formatIp(address);
}
