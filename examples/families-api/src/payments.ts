import {
  type BreakerStateStore,
  type CircuitBreaker,
  circuitBreaker,
  consecutive,
  constantBackoff,
  type EventHandler,
  fallback,
  isBrokenCircuitError,
  isTimeoutError,
  retry,
  timeout,
  wrap,
} from "@goggles/core";

/** A payment the app asks the provider to charge. */
export interface Payment {
  readonly familyId: string;
  readonly amountCents: number;
}

/** What became of a payment: charged now, or queued to be charged once the provider is back. */
export type PaymentOutcome =
  | { readonly status: "charged"; readonly chargeId: string }
  | { readonly status: "queued"; readonly reason: "timeout" | "circuit_open" | "provider_error" };

/** Options for `paymentsClient()`. */
export interface PaymentsClientOptions {
  /** The provider's base URL. */
  readonly url: string;
  /** Share the breaker's state with other instances (Redis). */
  readonly breakerStore?: BreakerStateStore;
  readonly onEvent?: EventHandler;
  /** How long the breaker stays open before a probe. Default 1 s (the demo waits it out). */
  readonly openForMs?: number;
  /** How long one attempt may take. Default 1 s (generous, so a busy machine does not fail the demo). */
  readonly attemptTimeoutMs?: number;
}

/** The outbound side: charges go to the provider through fallback → timeout → retry → breaker → timeout. */
export interface PaymentsClient {
  charge(payment: Payment): Promise<PaymentOutcome>;
  /** Payments the fallback queued, oldest first. */
  readonly queued: readonly Payment[];
  /** Charges the queued payments (after the provider is back); returns how many went through. */
  drain(): Promise<number>;
  readonly breaker: CircuitBreaker;
}

/**
 * A payment client behind the canonical outbound pipeline. When the provider is slow, down or its circuit is
 * open, the payment is queued instead of failing the request.
 *
 * @example
 * const payments = paymentsClient({ url: "http://127.0.0.1:4242" });
 * const outcome = await payments.charge({ familyId: "fam_1", amountCents: 12_000 });
 */
export function paymentsClient(options: PaymentsClientOptions): PaymentsClient {
  const onEvent = options.onEvent;
  const queued: Payment[] = [];
  const breaker = circuitBreaker({
    name: "payments",
    strategy: consecutive({ threshold: 3 }),
    openFor: options.openForMs ?? 1_000,
    store: options.breakerStore,
    onEvent,
  });

  const send = async (payment: Payment, signal: AbortSignal | undefined): Promise<PaymentOutcome> => {
    const response = await fetch(`${options.url}/charges`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payment),
      signal,
    });
    if (!response.ok) throw new Error(`payment provider answered ${response.status}`);
    const charge = (await response.json()) as { id: string };
    return { status: "charged", chargeId: charge.id };
  };

  const pipeline = (payment: Payment, queueOnFailure: boolean) =>
    wrap(
      fallback<PaymentOutcome>(
        (error) => {
          if (!queueOnFailure) throw error;
          queued.push(payment);
          const reason = isBrokenCircuitError(error)
            ? "circuit_open"
            : isTimeoutError(error)
              ? "timeout"
              : "provider_error";
          return { status: "queued", reason };
        },
        { onEvent },
      ),
      timeout(5_000, { onEvent }), // the whole charge, retries included
      retry({ maxAttempts: 2, backoff: constantBackoff(50), maxRetryAfterMs: 100, onEvent }),
      breaker,
      timeout(options.attemptTimeoutMs ?? 1_000, { onEvent }), // each attempt
    );

  return {
    charge: (payment) =>
      pipeline(payment, true).execute(({ signal }) => send(payment, signal)) as Promise<PaymentOutcome>,
    queued,
    breaker,
    async drain() {
      let charged = 0;
      while (queued.length > 0) {
        const payment = queued[0] as Payment;
        await pipeline(payment, false).execute(({ signal }) => send(payment, signal));
        queued.shift();
        charged++;
      }
      return charged;
    },
  };
}
