import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { redisUrlForTests } from "@goggles/testkit";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";

const url = redisUrlForTests();
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, "..");

function run(job: object): Promise<{ admitted: number[]; errors: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        "--conditions=@goggles/source",
        "--import",
        "tsx",
        join(here, "fixtures", "hammer.ts"),
        JSON.stringify(job),
      ],
      { cwd: packageDir, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

async function redisTime(redis: Redis): Promise<number> {
  const [seconds, micros] = (await redis.time()) as [string | number, string | number];
  return Number(seconds) * 1000 + Number(micros) / 1000;
}

describe.skipIf(!url)("redisStore across processes", () => {
  it("4 processes with skewed clocks and 32 calls in flight each never admit more than the exact bound", async () => {
    const redis = new Redis(url);
    try {
      const prefix = `procs-${process.pid}-${Date.now()}:`;
      const keys = [
        { name: "exact", capacity: 40, refillPerSecond: 0.0001 },
        { name: "refill", capacity: 10, refillPerSecond: 20 },
      ];
      const start = await redisTime(redis);
      const offsets = [0, 4_000, -3_000, 9_000];
      const results = await Promise.all(
        offsets.map((clockOffsetMs) =>
          run({ url, prefix, clockOffsetMs, requests: 600, inFlight: 32, keys }),
        ),
      );
      const elapsed = (await redisTime(redis)) - start;
      expect(results.every((r) => r.errors === 0)).toBe(true);
      const total = (k: number) => results.reduce((sum, r) => sum + (r.admitted[k] as number), 0);
      // 1 200 requests on "exact": the bucket holds 40 and refills 0.0001/s: exactly 40 pass.
      expect(total(0)).toBe(40);
      // "refill": never more than capacity + rate × elapsed (Redis time, covering every decision).
      expect(total(1)).toBeLessThanOrEqual(Math.floor(10 + (20 * elapsed) / 1000));
      expect(total(1)).toBeGreaterThanOrEqual(10);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
