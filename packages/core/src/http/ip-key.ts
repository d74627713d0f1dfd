import { formatIp, parseHostAddress } from "./ip-address.js";

/** Options for `ipKey`. */
export interface IpKeyOptions {
  /**
   * The IPv6 prefix length that counts as one client. A home or office usually gets a /56 (sometimes a /48 or
   * a /64) and can rotate through its addresses at will, so limiting each IPv6 address alone limits nothing.
   * Default 56; 1 to 128.
   */
  ipv6Subnet?: number;
}

/** The last key computed: consecutive requests often come from one address (or one proxy). */
let last = { ip: "", subnet: 0, key: "" };

/**
 * Turns a client address into a rate-limit key: IPv4 as is, IPv6 grouped by its prefix
 * (`2001:db8:aa:bb00::/56`). Kept apart from `clientIp` so that filters always match the full address.
 * Any spelling of an address gives the same key; text that is not an address is returned unchanged.
 *
 * @example
 * ipKey("203.0.113.7");                        // "203.0.113.7"
 * ipKey("2001:db8:aa:bbcc:1:2:3:4");           // "2001:db8:aa:bb00::/56"
 * ipKey("2001:db8::1", { ipv6Subnet: 64 });    // "2001:db8::/64"
 */
export function ipKey(ip: string, options: IpKeyOptions = {}): string {
  const subnet = options.ipv6Subnet ?? 56;
  if (ip === last.ip && subnet === last.subnet) return last.key;
  if (!Number.isInteger(subnet) || subnet < 1 || subnet > 128) {
    throw new RangeError(`ipKey: ipv6Subnet must be a whole number from 1 to 128, got ${subnet}.`);
  }
  const key = computeKey(ip, subnet);
  last = { ip, subnet, key };
  return key;
}

function computeKey(ip: string, subnet: number): string {
  const address = parseHostAddress(ip);
  if (address === undefined) return ip;
  if (address.version === 4) return formatIp(address);
  const parts = address.parts.map((group, i) => {
    const keep = Math.min(16, Math.max(0, subnet - i * 16));
    return keep === 16 ? group : keep === 0 ? 0 : group & (0xffff << (16 - keep)) & 0xffff;
  });
  return `${formatIp({ version: 6, parts })}/${subnet}`;
}
