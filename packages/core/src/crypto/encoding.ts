// Strict encoders and decoders: a signature that is not exactly well-formed hex or base64 is refused whole,
// never partly decoded (Node's Buffer.from(s, "hex") stops at the first bad character; atob skips spaces).

const HEX = "0123456789abcdef";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const HEX_VALUE = /* @__PURE__ */ (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < 16; i++) {
    table[HEX.charCodeAt(i)] = i;
    table[HEX.toUpperCase().charCodeAt(i)] = i;
  }
  return table;
})();

const B64_VALUE = /* @__PURE__ */ (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) table[B64.charCodeAt(i)] = i;
  return table;
})();

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.byteLength; i++) {
    const b = bytes[i] as number;
    out += HEX[b >> 4] + (HEX[b & 15] as string);
  }
  return out;
}

/**
 * Decodes hex (either case) strictly: an odd length or any other character gives `undefined`. With
 * `length`, anything that does not decode to exactly that many bytes gives `undefined`.
 */
export function fromHex(text: string, length?: number): Uint8Array | undefined {
  if (text.length % 2 !== 0 || (length !== undefined && text.length !== length * 2)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = text.charCodeAt(2 * i);
    const lo = text.charCodeAt(2 * i + 1);
    const h = hi < 128 ? (HEX_VALUE[hi] as number) : -1;
    const l = lo < 128 ? (HEX_VALUE[lo] as number) : -1;
    if (h < 0 || l < 0) return undefined;
    out[i] = (h << 4) | l;
  }
  return out;
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.byteLength; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += (B64[n >> 18] as string) + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.byteLength - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += `${B64[n >> 18]}${B64[(n >> 12) & 63]}==`;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += `${B64[n >> 18]}${B64[(n >> 12) & 63]}${B64[(n >> 6) & 63]}=`;
  }
  return out;
}

/**
 * Decodes standard base64 strictly: the length must be a multiple of 4 with `=` padding only at the end,
 * no whitespace, no URL-safe characters, and the unused bits of the last character must be zero (so each
 * byte string has exactly one accepted encoding). With `length`, the decoded size must match.
 */
export function fromBase64(text: string, length?: number): Uint8Array | undefined {
  const n = text.length;
  if (n % 4 !== 0) return undefined;
  let pad = 0;
  if (n > 0 && text.charCodeAt(n - 1) === 61) pad = text.charCodeAt(n - 2) === 61 ? 2 : 1;
  const size = (n / 4) * 3 - pad;
  if (length !== undefined && size !== length) return undefined;
  const out = new Uint8Array(size);
  const full = pad === 0 ? n : n - 4;
  let o = 0;
  // Whole groups: four table lookups; any character outside the alphabet (including "=") is -1.
  for (let i = 0; i < full; i += 4) {
    const a = lookup(text.charCodeAt(i));
    const b = lookup(text.charCodeAt(i + 1));
    const c = lookup(text.charCodeAt(i + 2));
    const d = lookup(text.charCodeAt(i + 3));
    if ((a | b | c | d) < 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
    out[o++] = ((c & 3) << 6) | d;
  }
  if (pad > 0) {
    const a = lookup(text.charCodeAt(full));
    const b = lookup(text.charCodeAt(full + 1));
    if ((a | b) < 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
    if (pad === 1) {
      const c = lookup(text.charCodeAt(full + 2));
      if (c < 0 || (c & 3) !== 0) return undefined; // spare bits must be zero
      out[o] = ((b & 15) << 4) | (c >> 2);
    } else if ((b & 15) !== 0) {
      return undefined;
    }
  }
  return out;
}

function lookup(code: number): number {
  return code < 128 ? (B64_VALUE[code] as number) : -1;
}

const encoder = /* @__PURE__ */ new TextEncoder();

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
