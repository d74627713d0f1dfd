import { formatIp, type IpAddress, parseIp } from "./ip-address.js";

/**
 * A parsed CIDR range: the network address (host bits cleared) and its prefix length.
 *
 * @example
 * const range: Cidr | undefined = parseCidr("2001:db8::/32");
 */
export interface Cidr {
  readonly network: IpAddress;
  readonly prefix: number;
}

/**
 * Named ranges accepted wherever a CIDR list is, as Express's `trust proxy` accepts them.
 * `loopback`, `linklocal` and `uniquelocal` (private networks).
 *
 * @example
 * cidrMatcher(["loopback", "uniquelocal"]); // 127.0.0.0/8, ::1, 10/8, 172.16/12, 192.168/16, fc00::/7
 */
export const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

function mask(parts: readonly number[], width: number, prefix: number): number[] {
  return parts.map((part, i) => {
    const keep = Math.min(width, Math.max(0, prefix - i * width));
    return keep === 0 ? 0 : part & ~((1 << (width - keep)) - 1) & ((1 << width) - 1);
  });
}

/**
 * Parses `"10.0.0.0/8"`, `"2001:db8::/32"` or a single address (a full-length prefix). Host bits below the
 * prefix are cleared (`10.1.2.3/8` is `10.0.0.0/8`). A range inside `::ffff:0:0/96` becomes the matching IPv4
 * range, since client addresses are unwrapped the same way. Returns `undefined` when `text` is not a range.
 *
 * @example
 * parseCidr("192.168.0.0/16"); // { network: { version: 4, parts: [192, 168, 0, 0] }, prefix: 16 }
 */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== "string") return undefined;
  const value = text.trim();
  const slash = value.indexOf("/");
  const addressText = slash < 0 ? value : value.slice(0, slash);
  const prefixText = slash < 0 ? undefined : value.slice(slash + 1);
  if (prefixText !== undefined && !/^(?:0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
  const address = parseIp(addressText);
  if (address === undefined) return undefined;
  const written6 = addressText.includes(":");
  const width = written6 ? 128 : 32;
  let prefix = prefixText === undefined ? width : Number(prefixText);
  if (prefix > width) return undefined;
  if (address.version === 4 && written6) {
    // An IPv4-mapped range (`::ffff:10.0.0.0/104`): only its IPv4 part can ever match.
    if (prefix < 96) return undefined;
    prefix -= 96;
  }
  const bits = address.version === 4 ? 8 : 16;
  const network = { version: address.version, parts: mask(address.parts, bits, prefix) } as IpAddress;
  return { network, prefix };
}

/** Formats a range canonically, e.g. `"2001:db8::/32"`. @example formatCidr(parseCidr("10.1.2.3/8")!) // "10.0.0.0/8" */
export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.network)}/${cidr.prefix}`;
}

/** Whether `address` lies in `cidr`. @example cidrContains(parseCidr("10.0.0.0/8")!, parseIp("10.9.8.7")!) // true */
export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  if (cidr.network.version !== address.version) return false;
  const width = address.version === 4 ? 8 : 16;
  const net = cidr.network.parts;
  const parts = address.parts;
  for (let i = 0, left = cidr.prefix; left > 0; i++, left -= width) {
    const keep = Math.min(width, left);
    const m = ~((1 << (width - keep)) - 1) & ((1 << width) - 1);
    if (((parts[i] as number) & m) !== net[i]) return false;
  }
  return true;
}

/**
 * Compiles a list of ranges (CIDRs, single addresses, or the names `loopback`, `linklocal`, `uniquelocal`)
 * into a matcher. Throws a `TypeError` naming every entry that is not a range, so a typo fails at start-up
 * rather than silently matching nothing.
 *
 * @example
 * const isPartner = cidrMatcher(["192.0.2.0/24", "2001:db8::/32"], "ipFilter({ allow })");
 * isPartner(parseIp("192.0.2.7")!); // true
 */
export function cidrMatcher(list: readonly string[], label = "CIDR list"): (address: IpAddress) => boolean {
  if (!Array.isArray(list)) {
    throw new TypeError(`${label}: expected an array of CIDR ranges or addresses, got ${typeof list}.`);
  }
  const v4: Cidr[] = [];
  const v6: Cidr[] = [];
  const bad: string[] = [];
  for (const entry of list) {
    const named = typeof entry === "string" ? NAMED_RANGES[entry.trim().toLowerCase()] : undefined;
    for (const text of named ?? [entry]) {
      const cidr = parseCidr(text);
      if (cidr === undefined) bad.push(JSON.stringify(entry) ?? String(entry));
      else (cidr.network.version === 4 ? v4 : v6).push(cidr);
    }
  }
  if (bad.length > 0) {
    throw new TypeError(
      `${label}: not an IP address or CIDR range: ${bad.join(", ")}. Use forms like "203.0.113.0/24", "2001:db8::/32", "198.51.100.7" or "loopback".`,
    );
  }
  // IPv4 ranges as (network, mask) pairs of unsigned 32-bit integers: one comparison per range.
  const v4Pairs = v4.map((c) => {
    const [a, b, cc, d] = c.network.parts as readonly number[];
    const net = (((a as number) << 24) | ((b as number) << 16) | ((cc as number) << 8) | (d as number)) >>> 0;
    const m = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
    return [net, m] as const;
  });
  return (address: IpAddress): boolean => {
    if (address.version === 4) {
      const [a, b, c, d] = address.parts;
      const n = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
      for (const [net, m] of v4Pairs) if ((n & m) >>> 0 === net) return true;
      return false;
    }
    for (const cidr of v6) if (cidrContains(cidr, address)) return true;
    return false;
  };
}
