/**
 * A parsed IP address. IPv4 as four bytes, IPv6 as eight 16-bit groups. IPv4-mapped IPv6 addresses
 * (`::ffff:192.0.2.1`) are unwrapped to IPv4 by `parseIp`, so one client has one form.
 *
 * @example
 * const address: IpAddress | undefined = parseIp("2001:db8::1"); // { version: 6, parts: [0x2001, 0xdb8, 0, …, 1] }
 */
export type IpAddress =
  | { readonly version: 4; readonly parts: readonly [number, number, number, number] }
  | { readonly version: 6; readonly parts: readonly number[] };

// Hand-written scanners (no regex, no split): `clientIp` runs them on every hop of every request.

/** The dotted quad in `text[start, end)` as an unsigned 32-bit number, or -1. Leading zeros are refused:
 * "010" means 8 to some parsers and 10 to others. */
function scanIpv4(text: string, start: number, end: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1;
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits++;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else return -1;
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + octet;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The eight groups of the IPv6 address in `text[start, end)` (RFC 4291 text forms), or undefined. */
function scanIpv6(text: string, start: number, end: number): number[] | undefined {
  const groups: number[] = [];
  let gapAt = -1;
  let i = start;
  if (end - start < 2) return undefined;
  if (text.charCodeAt(i) === 58) {
    if (text.charCodeAt(i + 1) !== 58) return undefined;
    gapAt = 0;
    i += 2;
  }
  while (i < end) {
    if (groups.length === 8) return undefined;
    let value = 0;
    let j = i;
    for (; j < end && j - i < 5; j++) {
      const h = hexDigit(text.charCodeAt(j));
      if (h < 0) break;
      value = value * 16 + h;
    }
    if (j < end && text.charCodeAt(j) === 46) {
      // A trailing dotted quad counts as two groups.
      const v4 = scanIpv4(text, i, end);
      if (v4 < 0 || groups.length > 6) return undefined;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
      i = end;
      break;
    }
    if (j === i || j - i > 4) return undefined;
    groups.push(value);
    i = j;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return undefined;
    i++;
    if (i === end) return undefined; // a single trailing colon
    if (text.charCodeAt(i) === 58) {
      if (gapAt >= 0) return undefined;
      gapAt = groups.length;
      i++;
    }
  }
  if (gapAt < 0) return groups.length === 8 ? groups : undefined;
  if (groups.length > 7) return undefined;
  const zeros = 8 - groups.length;
  groups.splice(gapAt, 0, ...new Array<number>(zeros).fill(0));
  return groups;
}

function ipv4(value: number): IpAddress {
  return { version: 4, parts: [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff] };
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
  if (typeof text !== "string") return undefined;
  return scanAddress(text, 0, text.length);
}

function scanAddress(text: string, start: number, end: number): IpAddress | undefined {
  if (end - start > 64 || end <= start) return undefined;
  const colon = text.indexOf(":", start);
  if (colon < 0 || colon >= end) {
    const value = scanIpv4(text, start, end);
    return value < 0 ? undefined : ipv4(value);
  }
  const zone = text.indexOf("%", start);
  if (zone >= 0 && zone < end) {
    // An IPv6 zone (`fe80::1%eth0`) is local to the host that wrote it: checked, then dropped.
    if (!/^%[\w.-]{1,32}$/.test(text.slice(zone, end))) return undefined;
    end = zone;
  }
  const groups = scanIpv6(text, start, end);
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
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (start === end) return undefined;
  if (text.charCodeAt(start) === 91 /* [ */) {
    const close = text.indexOf("]", start);
    if (close < 0 || close >= end) return undefined;
    if (close + 1 < end && !isPort(text, close + 1, end)) return undefined;
    // Brackets belong to IPv6 (a mapped address is unwrapped, but was written as IPv6).
    const colon = text.indexOf(":", start);
    if (colon < 0 || colon > close) return undefined;
    return scanAddress(text, start + 1, close);
  }
  const colon = text.indexOf(":", start);
  if (colon >= 0 && colon < end && text.indexOf(":", colon + 1) < 0) {
    // One colon: IPv4 with a port.
    if (!isPort(text, colon, end)) return undefined;
    const value = scanIpv4(text, start, colon);
    return value < 0 ? undefined : ipv4(value);
  }
  return scanAddress(text, start, end);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Whether `text[start, end)` is `:` and 1 to 5 digits. */
function isPort(text: string, start: number, end: number): boolean {
  if (text.charCodeAt(start) !== 58 || end - start < 2 || end - start > 6) return false;
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
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
  if (address.version === 4) {
    const [a, b, c, d] = address.parts;
    return `${a}.${b}.${c}.${d}`;
  }
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
