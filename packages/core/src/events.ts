/**
 * Everything goggles decides can be reported through one `onEvent` hook. Events carry redacted data only:
 * key fingerprints and ids, never keys, secrets, signatures or raw input.
 *
 * @example
 * boundary({ onEvent: (e) => { if (e.type === "rate_limited") metrics.increment("429", { policy: e.policies[0] }); } });
 */
export type GogglesEvent =
  | { type: "rate_limited"; key: string; policies: readonly string[]; retryAfterMs: number }
  | { type: "auth_failed"; reason: string; keyId?: string; fingerprint?: string }
  | { type: "auth_succeeded"; keyId: string }
  | { type: "webhook_rejected"; provider: string; reason: string }
  | { type: "webhook_replayed"; provider: string; id: string; inFlight: boolean }
  | { type: "webhook_verified"; provider: string; id?: string }
  | { type: "validation_failed"; source: string; issueCount: number }
  | { type: "body_rejected"; reason: string; status: number }
  | { type: "ip_denied"; ip: string; rule: "allow" | "deny" }
  | { type: "guard_error"; guard: string; errorName: string }
  | { type: "breaker_opened"; breaker: string; reason: string; retryAfterMs: number }
  | { type: "breaker_half_open"; breaker: string }
  | { type: "breaker_closed"; breaker: string }
  | { type: "breaker_isolated"; breaker: string }
  | { type: "breaker_rejected"; breaker: string; retryAfterMs: number }
  | { type: "retry"; attempt: number; delayMs: number; errorName: string }
  | { type: "retry_budget_exhausted"; attempt: number }
  | { type: "timeout"; timeoutMs: number }
  | { type: "bulkhead_rejected"; active: number; queued: number }
  | { type: "fallback"; errorName: string }
  | { type: "store_error"; store: string; operation: string; errorName: string; fallback: string }
  | { type: "import_row_rejected"; line: number; issueCount: number };

/** The hook that receives events. It must not throw; errors it throws are swallowed. */
export type EventHandler = (event: GogglesEvent) => void;

/** The event types, for exhaustive switches. */
export type GogglesEventType = GogglesEvent["type"];

/**
 * Calls `handler` with `event`, never letting a throwing handler break the decision that emitted it.
 *
 * @example
 * emit(options.onEvent, { type: "timeout", timeoutMs: 500 });
 */
export function emit(handler: EventHandler | undefined, event: GogglesEvent): void {
  if (handler === undefined) return;
  try {
    handler(event);
  } catch {
    // An observer must never change the outcome of a decision.
  }
}
