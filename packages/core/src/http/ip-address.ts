/**
 * A parsed IP address. IPv4 as four bytes, IPv6 as eight 16-bit groups. IPv4-mapped IPv6 addresses
 * (`::ffff:192.0.2.1`) are unwrapped to IPv4 by `parseIp`, so one client has one form.
 */
export type IpAddress =
  | { readonly version: 4; readonly parts: readonly [number, number, number, number] }
  | { readonly version: 6; readonly parts: readonly number[] };

const DECIMAL_OCTET = /^(?:0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4Parts(text: string): [number, number, number, number] | undefined {
  const pieces = text.split(".");
  if (pieces.length !== 4) return undefined;
  const out: number[] = [];
  for (const piece of pieces) {
    // Leading zeros are refused: "010" means 8 to some parsers and 10 to others.
    if (!DECIMAL_OCTET.test(piece)) return undefined;
    const n = Number(piece);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out as [number, number, number, number];
}

function parseIpv6Groups(text: string): number[] | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  let head = text;
  let tail = "";
  const gap = text.indexOf("::");
  if (gap >= 0) {
    if (text.indexOf("::", gap + 1) >= 0) return undefined;
    head = text.slice(0, gap);
    tail = text.slice(gap + 2);
  }
  const headParts = head === "" ? [] : head.split(":");
  const tailParts = tail === "" ? [] : tail.split(":");
  // A trailing dotted quad counts as two groups.
  let embedded: [number, number, number, number] | undefined;
  const lastList = gap >= 0 ? tailParts : headParts;
  const last = lastList[lastList.length - 1];
  if (last?.includes(".")) {
    embedded = parseIpv4Parts(last);
    if (embedded === undefined) return undefined;
    lastList.pop();
  }
  for (const part of [...headParts, ...tailParts]) if (!HEX_GROUP.test(part)) return undefined;
  const explicit = headParts.length + tailParts.length + (embedded ? 2 : 0);
  if (gap >= 0 ? explicit > 7 : explicit !== 8) return undefined;
  const groups: number[] = [];
  for (const part of headParts) groups.push(Number.parseInt(part, 16));
  for (let i = explicit; gap >= 0 && i < 8; i++) groups.push(0);
  for (const part of tailParts) groups.push(Number.parseInt(part, 16));
  if (embedded) groups.push((embedded[0] << 8) | embedded[1], (embedded[2] << 8) | embedded[3]);
  return groups;
}

/** `::ffff:a.b.c.d` → the IPv4 address; anything else as is. */
function unwrapMapped(groups: number[]): IpAddress {
  if (
    groups[0] === 0 &&
    groups[1] === 0 &&
    groups[2] === 0 &&
    groups[3] === 0 &&
    groups[4] === 0 &&
    groups[5] === 0xffff
  ) {
    const hi = groups[6] as number;
    const lo = groups[7] as number;
    return { version: 4, parts: [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff] };
  }
  return { version: 6, parts: groups };
}

/**
 * Parses a bare IPv4 or IPv6 address (no port, no brackets). Strict: IPv4 is a dotted quad without leading
 * zeros; IPv6 follows RFC 4291 (with `::` and a trailing dotted quad). An IPv6 zone (`%eth0`) is dropped.
 * IPv4-mapped IPv6 is unwrapped to IPv4. Returns `undefined` for anything else; never throws.
 *
 * @example
 * parseIp("::ffff:192.0.2.1"); // { version: 4, parts: [192, 0, 2, 1] }
 * parseIp("2001:DB8::1");      // { version: 6, parts: [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1] }
 */
export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== "string" || text.length === 0 || text.length > 64) return undefined;
  if (!text.includes(":")) {
    const parts = parseIpv4Parts(text);
    return parts === undefined ? undefined : { version: 4, parts };
  }
  const zone = text.indexOf("%");
  const bare = zone >= 0 ? text.slice(0, zone) : text;
  if (zone >= 0 && !/^%[\w.-]{1,32}$/.test(text.slice(zone))) return undefined;
  const groups = parseIpv6Groups(bare);
  return groups === undefined ? undefined : unwrapMapped(groups);
}

/**
 * Parses an address as it appears in a socket or a proxy header: bare, `1.2.3.4:8080`, `[2001:db8::1]`,
 * `[2001:db8::1]:4711`, surrounding whitespace allowed. Returns `undefined` for anything else.
 *
 * @example
 * parseHostAddress("[2001:db8::1]:4711"); // { version: 6, … }
 */
export function parseHostAddress(text: string): IpAddress | undefined {
  if (typeof text !== "string") return undefined;
  const value = text.trim();
  if (value.startsWith("[")) {
    const close = value.indexOf("]");
    if (close < 0) return undefined;
    const rest = value.slice(close + 1);
    if (rest !== "" && !/^:\d{1,5}$/.test(rest)) return undefined;
    const inner = parseIp(value.slice(1, close));
    // Brackets belong to IPv6 only; a mapped address is unwrapped but was written as IPv6.
    return inner !== undefined && value.slice(1, close).includes(":") ? inner : undefined;
  }
  const colon = value.indexOf(":");
  if (colon >= 0 && colon === value.lastIndexOf(":")) {
    // One colon: IPv4 with a port.
    if (!/^\d{1,5}$/.test(value.slice(colon + 1))) return undefined;
    const host = parseIp(value.slice(0, colon));
    return host?.version === 4 && !value.slice(0, colon).includes(":") ? host : undefined;
  }
  return parseIp(value);
}

function hex(n: number): string {
  return n.toString(16);
}

/**
 * Formats an address canonically: IPv4 dotted decimal; IPv6 in RFC 5952 form (lower case, no leading
 * zeros, the longest run of two or more zero groups compressed, the first one on a tie).
 *
 * @example
 * formatIp(parseIp("2001:0DB8:0:0:0:0:0:1")!); // "2001:db8::1"
 */
export function formatIp(address: IpAddress): string {
  if (address.version === 4) return address.parts.join(".");
  const g = address.parts;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return g.map(hex).join(":");
  const left = g.slice(0, bestStart).map(hex).join(":");
  const right = g
    .slice(bestStart + bestLength)
    .map(hex)
    .join(":");
  return `${left}::${right}`;
}

/**
 * Parses an address in any form `parseHostAddress` accepts and returns its canonical text, or `undefined`.
 * Two spellings of one address always give the same string, so it is a stable key.
 *
 * @example
 * normalizeIp("[2001:DB8:0::1]:443"); // "2001:db8::1"
 * normalizeIp("::ffff:203.0.113.7");  // "203.0.113.7"
 */
export function normalizeIp(text: string): string | undefined {
  const address = parseHostAddress(text);
  return address === undefined ? undefined : formatIp(address);
}
