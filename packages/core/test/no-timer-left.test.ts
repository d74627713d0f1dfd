import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { circuitBreaker, retry, timeout, wrap } from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));

describe("no timer is left after a call settles (system clock)", () => {
  it("a process running wrapped calls with 30-60 s timeouts exits by itself", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "-C", "@goggles/source", join(here, "fixtures/settle-and-exit.ts")],
      {
        cwd: join(here, ".."),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    // A leaked timer would keep the child alive for at least 30 s; the guard kills it at 15 s and fails.
    const guard = setTimeout(() => child.kill("SIGKILL"), 15_000);
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    clearTimeout(guard);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ results: ["fast", "retried", "TimeoutError", "queued"], attempts: 2 });
  });

  it("clears every timer that goggles itself started in this process", async () => {
    // Only timers created from goggles' sources are tracked: the worker process is shared with other test
    // files and vitest, whose own timers come and go at any moment.
    const live = new Set<ReturnType<typeof setTimeout>>();
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    let started = 0;
    globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const ours = /packages[\\/]core[\\/]src[\\/]/.test(new Error().stack ?? "");
      const handle: ReturnType<typeof setTimeout> = realSet(
        (...a: unknown[]) => {
          live.delete(handle);
          fn(...a);
        },
        ms,
        ...args,
      );
      if (ours) {
        started++;
        live.add(handle);
      }
      return handle;
    }) as typeof setTimeout;
    globalThis.clearTimeout = ((handle: ReturnType<typeof setTimeout>) => {
      live.delete(handle);
      realClear(handle);
    }) as typeof clearTimeout;
    try {
      const policy = wrap(timeout(60_000), retry({ maxAttempts: 2 }), circuitBreaker(), timeout(30_000));
      for (let i = 0; i < 50; i++) await policy.execute(async () => i);
      await expect(policy.execute(() => Promise.reject(new Error("x")))).rejects.toThrow("x");
    } finally {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    }
    expect(started).toBeGreaterThan(100); // the probe saw the policies' timers at all
    expect(live.size).toBe(0);
  });
});
