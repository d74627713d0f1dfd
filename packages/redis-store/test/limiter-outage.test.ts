import { createLimiter, type GogglesEvent } from "@goggles/core";
import { hasRedisServer, startRedisServer } from "@goggles/testkit";
import { describe, expect, it } from "vitest";
import { redisStore } from "../src/index.js";
import { driverCases } from "./drivers.js";

const TIMEOUT_MS = 250;
// The bound checked for every decision: the store's timeout plus room for a busy test machine's event loop.
const BOUND_MS = TIMEOUT_MS + 1000;

describe.skipIf(!hasRedisServer()).each(driverCases)(
  "redisStore through a Redis outage ($name)",
  (driverCase) => {
    it("answers every decision within the timeout with the fallback while Redis is dead, then recovers by itself", async () => {
      const server = await startRedisServer();
      const handle = await driverCase.connect(server.url);
      const events: GogglesEvent[] = [];
      const limiter = createLimiter({
        capacity: 1e6,
        refillPerSecond: 1e6,
        store: redisStore({
          client: handle.client,
          timeout: TIMEOUT_MS,
          onStoreError: "deny",
          onEvent: (e) => events.push(e),
        }),
      });
      type Phase = "before" | "down" | "after";
      let phase: Phase = "before";
      const seen: Record<Phase, { allowed: number; denied: number }> = {
        before: { allowed: 0, denied: 0 },
        down: { allowed: 0, denied: 0 },
        after: { allowed: 0, denied: 0 },
      };
      let slowest = 0;
      let stop = false;
      const worker = async (id: number) => {
        let n = 0;
        while (!stop) {
          const started = performance.now();
          const at = phase;
          const result = await limiter.consume(`w${id}:${n++ % 8}`);
          slowest = Math.max(slowest, performance.now() - started);
          // Calls that straddle a phase change (in flight when Redis died) count for no phase.
          if (at === phase) {
            if (result.allowed) seen[at].allowed++;
            else seen[at].denied++;
          }
          if (!result.allowed) await new Promise((r) => setTimeout(r, 2));
        }
      };
      const workers = Array.from({ length: 16 }, (_, id) => worker(id));
      try {
        await new Promise((r) => setTimeout(r, 200));
        phase = "down";
        await server.stop();
        await new Promise((r) => setTimeout(r, 400));
        await server.start();
        phase = "after";
        // Recovery by itself: the driver reconnects and the layer reloads the script (NOSCRIPT → EVAL).
        const deadline = performance.now() + 10_000;
        while (seen.after.allowed < 200 && performance.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
      } finally {
        stop = true;
        await Promise.all(workers);
        await handle.close();
        await server.stop();
      }
      expect(seen.before.allowed).toBeGreaterThan(0);
      expect(seen.before.denied).toBe(0);
      expect(seen.down.denied).toBeGreaterThan(0);
      expect(seen.after.allowed).toBeGreaterThanOrEqual(200);
      const storeErrors = events.filter((e) => e.type === "store_error");
      expect(storeErrors.length).toBeGreaterThan(0);
      expect(storeErrors.every((e) => e.fallback === "deny")).toBe(true);
      // The store's breaker opened during the outage and closed again by itself after the restart.
      const breaker = events.filter((e) => e.type.startsWith("breaker_")).map((e) => e.type);
      expect(breaker).toContain("breaker_opened");
      expect(breaker.at(-1)).toBe("breaker_closed");
      expect(slowest).toBeLessThan(BOUND_MS);
    }, 30_000);
  },
);
