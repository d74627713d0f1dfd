import { type BucketLimit, type StoreDecision, TOKEN_EPSILON } from "@goggles/core";

interface Blocked {
  /** Local time (ms) of the refusal. */
  readonly at: number;
  /** Tokens each bucket had then. */
  readonly tokens: readonly number[];
}

/**
 * Remembers keys Redis refused, and refuses them again locally while the buckets, refilled on the local clock
 * since the refusal, still lack the cost. Other instances only take tokens, so the local estimate can only be
 * too generous, never too strict (a refund or reset on another instance is the exception: it is seen once
 * the estimate lets the key through to Redis again). Bounded: the oldest entry goes first.
 */
export class BlockCache {
  readonly #entries = new Map<string, Blocked>();
  readonly #maxKeys: number;

  constructor(maxKeys: number) {
    this.#maxKeys = maxKeys;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** A local refusal, or `undefined` when the request may pass and Redis must decide. */
  check(key: string, limits: readonly BucketLimit[], cost: number, now: number): StoreDecision | undefined {
    const blocked = this.#entries.get(key);
    if (blocked === undefined) return undefined;
    const elapsed = now > blocked.at ? now - blocked.at : 0;
    let allowed = true;
    const tokens = limits.map((limit, i) => {
      const avail = Math.min(
        limit.capacity,
        (blocked.tokens[i] ?? limit.capacity) + elapsed * limit.refillPerMs,
      );
      if (avail < cost - TOKEN_EPSILON * limit.capacity) allowed = false;
      return avail;
    });
    if (allowed) {
      this.#entries.delete(key);
      return undefined;
    }
    return { allowed: false, tokens };
  }

  /** Records Redis' answer: a refusal is remembered, anything else forgets the key. */
  record(key: string, decision: StoreDecision, now: number): void {
    if (decision.allowed) {
      this.#entries.delete(key);
      return;
    }
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxKeys) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { at: now, tokens: [...decision.tokens] });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
