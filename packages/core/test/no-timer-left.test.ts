import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { circuitBreaker, retry, timeout, wrap } from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

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

  it("leaves the count of active timers unchanged in this process", async () => {
    const before = timers();
    const policy = wrap(timeout(60_000), retry({ maxAttempts: 2 }), circuitBreaker(), timeout(30_000));
    for (let i = 0; i < 50; i++) await policy.execute(async () => i);
    await expect(policy.execute(() => Promise.reject(new Error("x")))).rejects.toThrow("x");
    expect(timers()).toBe(before);
  });
});
