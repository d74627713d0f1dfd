/**
 * A short, stable, non-reversible label for a rate-limit key, for events and logs. Keys are often client IP
 * addresses or API key ids (personal data, or half a credential), so events never carry them raw. An unsalted
 * hash of an IPv4 address could be reversed by trying all 2^32 addresses, so the hash is keyed with a salt:
 * random per process by default (labels then correlate within one process), or one you pass to correlate
 * across instances.
 *
 * The hash is two independent 32-bit multiply-xorshift lanes (64 bits, 16 hex digits): not a MAC, but with a
 * secret salt an observer cannot link a label back to a key or pick keys that share a label.
 *
 * @example
 * const label = keyFingerprint("203.0.113.7", "my-salt"); // "k:3f9c…" (16 hex digits)
 */
export function keyFingerprint(key: string, salt: string = processSalt()): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const input = `${salt}\u0000${key}`;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `k:${hex(h1)}${hex(h2)}`;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

let salt: string | undefined;

function processSalt(): string {
  if (salt === undefined) {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    salt = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return salt;
}
