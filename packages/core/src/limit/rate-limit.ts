import { isCostExceedsCapacityError } from "../errors/cost-exceeds-capacity-error.js";
import type { BaseContext } from "../http/boundary.js";
import type { AfterHook, Guard, GuardInput, GuardResult } from "../http/guard.js";
import { ipKey } from "../http/ip-key.js";
import { badRequest, contentTooLarge, tooManyRequests } from "../problem.js";
import { fail, pass } from "../verdict.js";
import { keyFingerprint } from "./fingerprint.js";
import { rateLimitHeaders, retryAfterSeconds } from "./headers.js";
import {
  createLimiter,
  type Limiter,
  type LimitOptions,
  type LimitResult,
  MAX_KEY_LENGTH,
} from "./limiter.js";
import type { LimiterStore } from "./limiter-store.js";
import { policyResults } from "./policy-results.js";

type Awaitable<T> = T | Promise<T>;

interface CommonRateLimitOptions<Name extends string, Ctx> {
  /**
   * The bucket a request draws from. Default: `ipKey(context.ip)`, the client address as far as the
   * boundary's `trustProxy` lets it know it, with IPv6 grouped by /56 (one home or office rotates through a
   * whole /64 at will). Requests without an address share the key `"unknown"`.
   */
  key?: (input: GuardInput<Ctx>) => Awaitable<string>;
  /** Tokens a request costs: a number or a function of the request. Default 1. */
  cost?: number | ((input: GuardInput<Ctx>) => Awaitable<number>);
  /** Requests for which this returns `true` are neither limited nor charged. */
  skip?: (input: GuardInput<Ctx>) => Awaitable<boolean>;
  /** Refund requests whose response status is below 400 (count only failures, e.g. login attempts). */
  skipSuccessful?: boolean;
  /** Refund requests whose response status is 400 or above (refused by a later guard, or by the handler). */
  skipFailed?: boolean;
  /** The guard's name: where the `LimitResult` lands in the context. Default `"rateLimit"`. */
  name?: Name;
  /** Also send `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`. Default false. */
  legacyHeaders?: boolean;
  /**
   * How keys appear in `rate_limited` events. Default `keyFingerprint` with a random per-process salt: keys
   * are IP addresses or API key ids, which do not belong in logs.
   */
  fingerprint?: (key: string) => string;
}

/** `rateLimit` with a limiter made beforehand (shared, or with several named limits). */
export interface RateLimitWithLimiter<Name extends string, Ctx> extends CommonRateLimitOptions<Name, Ctx> {
  limiter: Limiter;
}

/** `rateLimit` with its limits given inline; the limiter runs on the boundary's clock. */
export interface RateLimitWithLimits<Name extends string, Ctx> extends CommonRateLimitOptions<Name, Ctx> {
  limits: Readonly<Record<string, LimitOptions>>;
  /** Default: a new `MemoryStore`. */
  store?: LimiterStore;
}

/** Options for `rateLimit`. */
export type RateLimitOptions<Name extends string = "rateLimit", Ctx extends BaseContext = BaseContext> =
  | RateLimitWithLimiter<Name, Ctx>
  | RateLimitWithLimits<Name, Ctx>;

/**
 * The inbound rate-limit guard. Charges each request to its key in every limit of the limiter and answers:
 *
 * - allowed: the `LimitResult` lands in the context under `name`; `RateLimit-Policy` and `RateLimit`
 *   (draft-ietf-httpapi-ratelimit-headers-11) go on the response;
 * - refused: a 429 problem with `Retry-After`, the same fields, and a `violated-policies` extension listing
 *   the limits that refused; a `rate_limited` event with a key fingerprint (never the key);
 * - a cost no bucket could ever hold: 413; a key longer than 1024 characters: 400.
 *
 * With `skipSuccessful` / `skipFailed`, the tokens are refunded by the `after` hook once the outcome is known.
 *
 * @example
 * const limiter = createLimiter({ limits: { burst: { capacity: 10, refillPerSecond: 5 }, daily: { capacity: 1000, refillPerSecond: 1000 / 86_400 } } });
 * const protect = boundary({ trustProxy: 1 }).use(rateLimit({ limiter }));
 *
 * const logins = rateLimit({ name: "loginLimit", limits: { default: { capacity: 5, refillPerSecond: 5 / 60 } }, skipSuccessful: true });
 */
export function rateLimit<Name extends string = "rateLimit", Ctx extends BaseContext = BaseContext>(
  options: RateLimitOptions<Name, Ctx>,
): Guard<Name, LimitResult | undefined, Ctx> {
  const name = (options.name ?? "rateLimit") as Name;
  const fingerprint = options.fingerprint ?? ((key: string) => keyFingerprint(key));
  const refundOn =
    options.skipSuccessful || options.skipFailed
      ? (status: number) => (status < 400 ? options.skipSuccessful === true : options.skipFailed === true)
      : undefined;
  let limiter: Limiter | undefined = "limiter" in options ? options.limiter : undefined;
  if (limiter === undefined && !("limits" in options)) {
    throw new TypeError("rateLimit: give `limiter` (from createLimiter) or `limits`.");
  }

  const check = async (input: GuardInput<Ctx>): Promise<GuardResult<LimitResult | undefined>> => {
    if (options.skip !== undefined && (await options.skip(input))) return pass(undefined);
    if (limiter === undefined) {
      const inline = options as RateLimitWithLimits<Name, Ctx>;
      limiter = createLimiter({ limits: inline.limits, store: inline.store, clock: input.clock });
    }
    const active = limiter;
    const ip = input.context.ip;
    const key =
      options.key === undefined ? (ip === undefined ? "unknown" : ipKey(ip)) : await options.key(input);
    if (typeof key === "string" && key.length > MAX_KEY_LENGTH) {
      return fail(badRequest({ detail: "The rate-limit key of this request is too long." }));
    }
    const cost = typeof options.cost === "function" ? await options.cost(input) : (options.cost ?? 1);
    let result: LimitResult;
    try {
      result = await active.consume(key, cost);
    } catch (error) {
      if (!isCostExceedsCapacityError(error)) throw error;
      return fail(
        contentTooLarge({
          detail: `This request costs ${error.cost} tokens; limit "${error.policy}" never holds more than ${error.capacity}.`,
          extensions: { "violated-policies": [error.policy] },
        }),
      );
    }
    const headers = rateLimitHeaders(active.limits, result, {
      legacy: options.legacyHeaders === true,
      now: active.clock.now(),
    });
    if (!result.allowed) {
      const violated = policyResults(result)
        .filter((p) => !p.allowed)
        .map((p) => p.name);
      input.emit({
        type: "rate_limited",
        key: fingerprint(key),
        policies: violated,
        retryAfterMs: result.retryAfterMs,
      });
      const seconds = retryAfterSeconds(result.retryAfterMs);
      return fail(
        tooManyRequests({
          detail: `Too many requests: retry in ${seconds} second${seconds === 1 ? "" : "s"}.`,
          extensions: { "violated-policies": violated },
          headers,
        }),
      );
    }
    if (refundOn === undefined || cost === 0) return pass(result, headers);
    const after: AfterHook = (outcome) => {
      if (refundOn(outcome.status)) return active.refund(key, cost);
    };
    return { ...pass(result, headers), after };
  };

  return { name, check };
}
