import { errorGuard, GogglesError } from "./goggles-error.js";

/**
 * Thrown by `bulkhead()` when a call finds every slot and the whole queue taken (`reason: "full"`), or waited
 * in the queue longer than `queueTimeoutMs` (`reason: "queue_timeout"`).
 *
 * @example
 * try { await pool.execute(call); } catch (e) { if (isBulkheadRejectedError(e)) return serviceUnavailable(); }
 */
export class BulkheadRejectedError extends GogglesError {
  readonly reason: "full" | "queue_timeout";
  /** Calls running when it was rejected. */
  readonly active: number;
  /** Calls waiting when it was rejected. */
  readonly queued: number;

  constructor(reason: "full" | "queue_timeout", active: number, queued: number) {
    super(
      "BULKHEAD_REJECTED",
      reason === "full"
        ? `Bulkhead full: ${active} running, ${queued} queued.`
        : "Bulkhead queue timeout: no slot freed in time.",
    );
    this.reason = reason;
    this.active = active;
    this.queued = queued;
  }
}

/** Whether `value` is a `BulkheadRejectedError` from any copy of goggles. @example if (isBulkheadRejectedError(e)) … */
export const isBulkheadRejectedError = errorGuard<BulkheadRejectedError>("BULKHEAD_REJECTED");
