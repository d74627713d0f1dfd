/** What a `BreakerStateStore` knows about a breaker shared by several instances. */
export type SharedBreakerState =
  | { readonly open: true /** ms (local clock) until which it stays open */; readonly until: number }
  | { readonly open: false };

/** A cluster-wide half-open probe slot; release it when the probe settles. */
export interface ProbeLease {
  release(): void;
}

/**
 * Lets breakers with the same name on several instances open and close together. Local counting stays
 * local: a closed breaker only calls the synchronous, cached `peek` per call. Implementations must never
 * throw or reject: when the backing service is down they answer `undefined` from `peek` and grant probes
 * locally, so breakers degrade to local-only.
 *
 * @example
 * const store = memoryBreakerStateStore();
 * const a = circuitBreaker({ name: "payments", store });
 * const b = circuitBreaker({ name: "payments", store }); // opens when `a` opens
 */
export interface BreakerStateStore {
  /**
   * The latest known shared state of `key`, from a cache never older than the store's bound. An open whose
   * `until` has passed is still reported (until closed or expired), so the breaker probes instead of closing.
   */
  peek(key: string, now: number): SharedBreakerState | undefined;
  /** Announces that `key` opened until `until` (local clock); must update `peek` at once. */
  open(key: string, until: number, now: number): void;
  /** Announces that `key` closed after a successful probe; must update `peek` at once. */
  close(key: string): void;
  /**
   * Leases one of `probes` cluster-wide half-open probe slots for `leaseMs`, or answers `undefined` when
   * all are taken. An expired lease frees its slot, so a crashed instance cannot wedge the breaker.
   */
  acquireProbe(
    key: string,
    probes: number,
    leaseMs: number,
    now: number,
  ): ProbeLease | undefined | Promise<ProbeLease | undefined>;
}

/** Options of `memoryBreakerStateStore()`. */
export interface MemoryBreakerStateStoreOptions {
  /** Breakers remembered at most; the least recently used are forgotten (default 10 000). */
  readonly maxKeys?: number;
  /**
   * How long an open nobody closed stays visible after its `until` (default 60 000): breakers that never
   * saw the failures still probe through the shared lease instead of calling freely.
   */
  readonly lingerMs?: number;
}

interface Entry {
  state: SharedBreakerState;
  leases: number[];
}

/**
 * A `BreakerStateStore` for breakers in one process (several registries, workers sharing a module, tests).
 * Bounded by `maxKeys`, no timers: expired opens and leases are dropped when read.
 *
 * @example
 * const store = memoryBreakerStateStore({ maxKeys: 1_000 });
 */
export function memoryBreakerStateStore(options: MemoryBreakerStateStoreOptions = {}): BreakerStateStore {
  const maxKeys = options.maxKeys ?? 10_000;
  const lingerMs = options.lingerMs ?? 60_000;
  const entries = new Map<string, Entry>();
  const entry = (key: string): Entry => {
    let e = entries.get(key);
    if (e === undefined) {
      e = { state: { open: false }, leases: [] };
      if (entries.size >= maxKeys) entries.delete(entries.keys().next().value as string);
    } else entries.delete(key);
    entries.set(key, e);
    return e;
  };
  return {
    peek(key, now) {
      const e = entries.get(key);
      if (e === undefined) return undefined;
      // An open stays visible past `until` (the breaker is then due to probe) until a close or `lingerMs`.
      return e.state.open && e.state.until + lingerMs <= now ? undefined : e.state;
    },
    open(key, until) {
      entry(key).state = { open: true, until };
    },
    close(key) {
      const e = entry(key);
      e.state = { open: false };
      e.leases = [];
    },
    acquireProbe(key, probes, leaseMs, now) {
      const e = entry(key);
      e.leases = e.leases.filter((expires) => expires > now);
      if (e.leases.length >= probes) return undefined;
      const expires = now + leaseMs;
      e.leases.push(expires);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          const i = e.leases.indexOf(expires);
          if (i >= 0) e.leases.splice(i, 1);
        },
      };
    },
  };
}
