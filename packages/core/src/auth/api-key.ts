import { digest, timingSafeEqual } from "#crypto";
import { fromHex } from "../crypto/encoding.js";
import type { Guard } from "../http/guard.js";
import { unauthorized } from "../problem.js";
import { apiKeys } from "./api-keys.js";

/** What `lookup` returns for a key id. */
export interface ApiKeyRecord<P = unknown> {
  /** The stored hex SHA-256 of the key's secret (from `apiKeys.generate`). */
  readonly hash: string;
  /** Who the key belongs to: lands in the context. */
  readonly principal: P;
  readonly scopes?: readonly string[];
  /** Epoch milliseconds after which the key is refused. */
  readonly expiresAt?: number;
}

/** What the guard proves: written to the context under its name. */
export interface ApiKeyIdentity<P = unknown> {
  readonly id: string;
  readonly principal: P;
  readonly scopes: readonly string[];
}

/** Options for `apiKey()`. */
export interface ApiKeyOptions<P, Name extends string = "apiKey"> {
  /** Finds the record for a key id; `undefined` when there is none (or it was revoked). */
  lookup: (id: string) => Promise<ApiKeyRecord<P> | undefined> | ApiKeyRecord<P> | undefined;
  /** Where the identity lands in the context. Default `"apiKey"`. */
  name?: Name;
  /** Read the key from this header instead of `Authorization: Bearer` / `X-API-Key`. */
  header?: string;
  /** Accept only keys with this prefix. */
  prefix?: string;
}

const DUMMY_HASH = new Uint8Array(32);

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}

function problem(detail: string) {
  return unauthorized({ detail, headers: { "www-authenticate": 'Bearer realm="api"' } });
}

/**
 * The API key guard: reads `Authorization: Bearer <key>` or `X-API-Key`, refuses malformed keys (bad shape
 * or checksum) without a lookup, finds the record by the key's id, compares SHA-256 hashes in constant
 * time, and puts `{ id, principal, scopes }` in the context. Failures are reported as `auth_failed` with a
 * fingerprint, never the key.
 *
 * @example
 * const protect = boundary().use(apiKey({ lookup: (id) => db.apiKeys.find(id) }));
 * const verdict = await protect(fromRequest(request));
 * if (verdict.ok) verdict.value.apiKey.principal; // the owner
 */
export function apiKey<P, Name extends string = "apiKey">(
  options: ApiKeyOptions<P, Name>,
): Guard<Name, ApiKeyIdentity<P>> {
  const name = (options.name ?? "apiKey") as Name;
  const header = options.header?.toLowerCase();
  return {
    name,
    async check({ request, clock, emit }) {
      let presented: string | undefined;
      if (header !== undefined) presented = request.headers.get(header)?.trim() || undefined;
      else {
        const authorization = request.headers.get("authorization");
        const bearer = authorization === null ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
        presented = bearer?.[1] ?? (request.headers.get("x-api-key")?.trim() || undefined);
      }
      if (presented === undefined) {
        emit({ type: "auth_failed", reason: "missing" });
        return { ok: false, problem: problem("An API key is required.") };
      }
      const parsed = apiKeys.parse(presented, options.prefix);
      if (parsed === undefined) {
        emit({ type: "auth_failed", reason: "malformed", fingerprint: await apiKeys.fingerprint(presented) });
        return { ok: false, problem: problem("The API key is malformed.") };
      }
      // Awaited only when they are promises: an in-memory lookup and Node's hash answer at once, and each
      // needless await is a promise job on every request.
      const found = options.lookup(parsed.id);
      const record = isThenable(found) ? await found : found;
      const hashed = digest("SHA-256", parsed.secret);
      const actual = isThenable(hashed) ? await hashed : hashed;
      const stored = record === undefined ? undefined : fromHex(record.hash, 32);
      // Compare even when there is no record, so unknown ids and wrong secrets take the same time.
      const matches = timingSafeEqual(actual, stored ?? DUMMY_HASH) && stored !== undefined;
      if (!matches || record === undefined) {
        emit({
          type: "auth_failed",
          reason: record === undefined ? "unknown_key" : "mismatch",
          keyId: parsed.id,
          fingerprint: await apiKeys.fingerprint(presented),
        });
        return { ok: false, problem: problem("The API key is not valid.") };
      }
      if (record.expiresAt !== undefined && clock.now() >= record.expiresAt) {
        emit({ type: "auth_failed", reason: "expired", keyId: parsed.id });
        return { ok: false, problem: problem("The API key has expired.") };
      }
      emit({ type: "auth_succeeded", keyId: parsed.id });
      return { ok: true, value: { id: parsed.id, principal: record.principal, scopes: record.scopes ?? [] } };
    },
  };
}
