/** A parsed `Content-Type`: the lower-case essence (`application/json`) and its parameters (lower-case names). */
export interface MediaType {
  readonly essence: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a `Content-Type` header leniently (RFC 9110 §8.3.1); `undefined` when absent or malformed.
 *
 * @example
 * parseMediaType('application/json; charset="UTF-8"'); // { essence: "application/json", params: { charset: "UTF-8" } }
 */
export function parseMediaType(header: string | null | undefined): MediaType | undefined {
  if (header === null || header === undefined) return undefined;
  const parts = header.split(";");
  const essence = (parts[0] as string).trim().toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(essence)) return undefined;
  const params: Record<string, string> = {};
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as string;
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name !== "" && !Object.hasOwn(params, name)) params[name] = value;
  }
  return { essence, params };
}

/** Whether the charset parameter is absent or UTF-8 (the only one goggles decodes). */
export function isUtf8Charset(type: MediaType): boolean {
  const charset = type.params.charset;
  return charset === undefined || /^utf-?8$/i.test(charset);
}
