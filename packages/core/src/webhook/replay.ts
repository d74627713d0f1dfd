import { type Clock, systemClock } from "../clock.js";

/** The state of a delivery id in a `ReplayStore`. */
export type ReplayState = "in_flight" | "processed";

/** What `claim` answers: the id is now ours, or someone already holds it (still processing, or done). */
export type ReplayClaim =
  | { readonly claimed: true }
  | { readonly claimed: false; readonly state: ReplayState };

/**
 * Remembers webhook delivery ids so a delivery is processed once. The contract is atomic per id: of
 * several concurrent `claim`s of one id, exactly one gets `{ claimed: true }`.
 *
 * - `claim(id, leaseMs)`: takes the id as in flight for at most `leaseMs` (a crashed worker's claim
 *   lapses, so the provider's retry gets through).
 * - `complete(id, ttlMs)`: marks it processed for `ttlMs`; duplicates in that window are acknowledged.
 * - `release(id)`: forgets it (processing failed; the provider's retry must be accepted).
 *
 * @example
 * const store: ReplayStore = new MemoryReplayStore({ maxKeys: 100_000 });
 * const claim = await store.claim("stripe:id:evt_1", 60_000);
 * if (claim.claimed) { try { await handle(); await store.complete("stripe:id:evt_1", 600_000); } catch { await store.release("stripe:id:evt_1"); } }
 */
export interface ReplayStore {
  claim(id: string, leaseMs: number): Promise<ReplayClaim> | ReplayClaim;
  complete(id: string, ttlMs: number): Promise<void> | void;
  release(id: string): Promise<void> | void;
}

/** Options for `MemoryReplayStore`. */
export interface MemoryReplayStoreOptions {
  /** The most ids held; past it the oldest are forgotten first. Default 100 000 (~10 MB at most). */
  maxKeys?: number;
  /** Default `systemClock`. */
  clock?: Clock;
}

interface Entry {
  state: ReplayState;
  expiresAt: number;
}

/**
 * A bounded in-memory `ReplayStore` for one process: no timers, expired ids are dropped lazily as they are
 * met, and when `maxKeys` is reached the oldest ids are forgotten first. Use the Redis store from
 * `@goggles/redis-store` when several processes receive webhooks.
 *
 * @example
 * app.post("/hooks/stripe", goggles(boundary().use(webhook(stripe({ secret }), { replay: new MemoryReplayStore() }))));
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxKeys: number;
  readonly #clock: Clock;

  constructor(options: MemoryReplayStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? 100_000;
    if (!(Number.isInteger(maxKeys) && maxKeys > 0))
      throw new RangeError("maxKeys must be a positive integer.");
    this.#maxKeys = maxKeys;
    this.#clock = options.clock ?? systemClock;
  }

  /** The number of ids held (expired ones not yet swept included). */
  get size(): number {
    return this.#entries.size;
  }

  claim(id: string, leaseMs: number): ReplayClaim {
    const now = this.#clock.now();
    this.#sweep(now);
    const entry = this.#entries.get(id);
    if (entry !== undefined && entry.expiresAt > now) return { claimed: false, state: entry.state };
    this.#set(id, { state: "in_flight", expiresAt: now + leaseMs });
    return { claimed: true };
  }

  complete(id: string, ttlMs: number): void {
    this.#set(id, { state: "processed", expiresAt: this.#clock.now() + ttlMs });
  }

  release(id: string): void {
    this.#entries.delete(id);
  }

  #set(id: string, entry: Entry): void {
    // Re-inserting moves the id to the young end, so eviction order follows the last write.
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    while (this.#entries.size > this.#maxKeys) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  // Drops a few expired ids from the old end on each claim: amortized O(1), bounded work per call.
  #sweep(now: number): void {
    let budget = 8;
    for (const [id, entry] of this.#entries) {
      if (budget-- === 0 || entry.expiresAt > now) return;
      this.#entries.delete(id);
    }
  }
}
