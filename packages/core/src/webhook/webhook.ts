import type { BoundaryRequest } from "../http/boundary-request.js";
import type { Guard } from "../http/guard.js";
import { conflict, serviceUnavailable } from "../problem.js";
import { type Replied, reply } from "../verdict.js";
import type { WebhookFailure, WebhookProvider } from "./provider.js";
import type { ReplayStore } from "./replay.js";
import { verifyWebhook } from "./verify.js";
import type { WebhookEvent } from "./webhook-event.js";

/** Options for the `webhook()` guard. */
export interface WebhookOptions<Name extends string = "webhook"> {
  /** Where the verified event lands in the context. Default `"webhook"`. */
  name?: Name;
  /** Replay protection: a store, or a store with its windows. Default none. */
  replay?: ReplayStore | { store: ReplayStore; ttlMs?: number; leaseMs?: number };
  /** The largest body read for verifying. Default: the request's default (1 MiB). */
  maxBodyBytes?: number;
  /**
   * The public URL the provider called (Twilio signs it). Default: the request URL, which a proxy may have
   * rewritten (`http://` behind TLS termination, an internal host).
   */
  url?: (request: BoundaryRequest) => string;
}

/**
 * Default lease of an in-flight delivery: long enough for a handler, short enough that a crash heals.
 *
 * @example
 * webhook(provider, { replay: { store, leaseMs: 2 * DEFAULT_REPLAY_LEASE_MS } }); // slow handlers
 */
export const DEFAULT_REPLAY_LEASE_MS = 60_000;

/** The 409 for a duplicate of a delivery still being processed: the provider retries it later. */
function inFlight(provider: string): WebhookFailure {
  return {
    ok: false,
    problem: conflict({
      detail: "This delivery is still being processed; retry later.",
      extensions: { reason: "replayed", provider },
      headers: { "retry-after": "10" },
    }),
    reason: "replayed",
  };
}

/**
 * The answer to a duplicate of a delivery already processed: not an error but an acknowledgement, since
 * providers retry every non-2xx for days.
 */
const ALREADY_PROCESSED = /* @__PURE__ */ reply(200, { body: { received: true, duplicate: true } });

/**
 * The inbound webhook guard: reads the raw body, verifies it with `provider`, and (with `replay`) lets each
 * delivery through once. A duplicate of a processed delivery is acknowledged with a `reply` (200,
 * `{ "received": true, "duplicate": true }`) without reaching the handler;
 * a duplicate of one still in flight gets 409; a handler that fails (non-2xx or throws) releases the id so
 * the provider's retry is accepted. Reports `webhook_verified`, `webhook_rejected` and `webhook_replayed`.
 *
 * @example
 * const protect = boundary().use(webhook(stripe({ secret }), { replay: new MemoryReplayStore() }));
 * const verdict = await protect(fromRequest(request));
 * if (!verdict.ok) return earlyResponse(verdict); // 401/409 problem, or 200 for a duplicate
 * const event = verdict.value.webhook.payload;
 */
export function webhook<Name extends string = "webhook">(
  provider: WebhookProvider,
  options: WebhookOptions<Name> = {},
): Guard<Name, WebhookEvent, object, Replied> {
  const name = (options.name ?? "webhook") as Name;
  const replay = options.replay;
  const store = replay === undefined ? undefined : "store" in replay ? replay.store : replay;
  const settings: { ttlMs?: number; leaseMs?: number } =
    replay !== undefined && "store" in replay ? replay : {};
  const ttlMs = settings.ttlMs ?? provider.replayTtlMs;
  const leaseMs = Math.min(settings.leaseMs ?? DEFAULT_REPLAY_LEASE_MS, ttlMs);
  const limits = options.maxBodyBytes === undefined ? undefined : { maxBytes: options.maxBodyBytes };
  const urlOf = options.url ?? ((request: BoundaryRequest) => request.url);

  return {
    name,
    async check({ request, clock, emit }) {
      const body = await request.body(limits);
      const verdict = await verifyWebhook(provider, {
        body,
        headers: request.headers,
        url: urlOf(request),
        clock,
      });
      if (!verdict.ok) {
        emit({
          type: "webhook_rejected",
          provider: provider.name,
          reason: (verdict as WebhookFailure).reason,
        });
        return verdict;
      }
      const event = verdict.value;
      if (store === undefined) {
        emit({ type: "webhook_verified", provider: provider.name, ...(event.id ? { id: event.id } : {}) });
        return verdict;
      }
      const key = `${provider.name}:${event.replayKey}`;
      let claim: Awaited<ReturnType<ReplayStore["claim"]>>;
      try {
        claim = await store.claim(key, leaseMs);
      } catch (error) {
        emit({
          type: "store_error",
          store: "replay",
          operation: "claim",
          errorName: error instanceof Error ? error.name : typeof error,
          fallback: "refuse",
        });
        return {
          ok: false,
          problem: serviceUnavailable({ detail: "Replay protection is unavailable; retry later." }),
        };
      }
      if (!claim.claimed) {
        const stillRunning = claim.state === "in_flight";
        emit({
          type: "webhook_replayed",
          provider: provider.name,
          id: event.id ?? "(signature)",
          inFlight: stillRunning,
        });
        return stillRunning ? inFlight(provider.name) : ALREADY_PROCESSED;
      }
      emit({ type: "webhook_verified", provider: provider.name, ...(event.id ? { id: event.id } : {}) });
      return {
        ok: true,
        value: event,
        after: async (outcome) => {
          if (outcome.error === undefined && outcome.status >= 200 && outcome.status < 300) {
            await store.complete(key, ttlMs);
          } else {
            await store.release(key);
          }
        },
      };
    },
  };
}
