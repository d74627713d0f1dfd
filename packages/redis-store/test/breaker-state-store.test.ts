import { type ChildProcess, fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { circuitBreaker, consecutive, type GogglesEvent } from "@goggles/core";
import { redisUrlForTests, startRedisServer } from "@goggles/testkit";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { redisBreakerStateStore } from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const url = redisUrlForTests();

interface Worker {
  send(op: string, n?: number): Promise<unknown>;
  child: ChildProcess;
}

const workers: Worker[] = [];

async function spawnWorker(env: Record<string, string>): Promise<Worker> {
  const child = fork(join(here, "fixtures/breaker-worker.ts"), [], {
    execArgv: ["--import", "tsx", "-C", "@goggles/source"],
    cwd: join(here, ".."),
    env: { ...process.env, REDIS_URL: url, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, (v: unknown) => void>();
  let seq = 0;
  const ready = new Promise<void>((resolve) => waiting.set(0, () => resolve()));
  child.on("message", (m: { id: number; value: unknown }) => {
    waiting.get(m.id)?.(m.value);
    waiting.delete(m.id);
  });
  const worker: Worker = {
    child,
    send: (op, n) =>
      new Promise((resolve) => {
        const id = ++seq;
        waiting.set(id, resolve);
        child.send({ id, op, n });
      }),
  };
  workers.push(worker);
  await ready;
  return worker;
}

/** Asks until the answer is `want` (pub/sub makes it immediate; the cached read bounds it). */
// Polls until `ask` answers `want` or 20 s pass: a deadline, not a count, so a loaded machine where each
// round trip to a child process is slow does not run out of tries before the bounded delay has elapsed.
async function eventually(ask: () => Promise<unknown>, want: unknown, withinMs = 20_000): Promise<unknown> {
  const deadline = Date.now() + withinMs;
  let last: unknown;
  do {
    last = await ask();
    if (last === want) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  } while (Date.now() < deadline);
  return last;
}

afterEach(async () => {
  const exits: (number | null)[] = [];
  for (const w of workers.splice(0)) {
    const exited = new Promise<number | null>((resolve) =>
      w.child.exitCode !== null ? resolve(w.child.exitCode) : w.child.once("exit", (code) => resolve(code)),
    );
    if (w.child.connected) await w.send("exit");
    // A worker must exit by itself once its store is closed; the guard only stops a leak from hanging the run.
    const guard = setTimeout(() => w.child.kill("SIGKILL"), 10_000);
    exits.push(await exited);
    clearTimeout(guard);
  }
  expect(exits.every((code) => code === 0)).toBe(true);
});

describe.skipIf(!url)("redisBreakerStateStore across processes", { timeout: 60_000 }, () => {
  it("when one process trips, the others reject", async () => {
    const name = `trip-${Date.now()}`;
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => spawnWorker({ BREAKER_NAME: name })));
    for (const w of [a, b, c]) expect(await w?.send("ok")).toBe("ok");
    for (let i = 0; i < 3; i++) expect(await a?.send("fail")).toBe("failed");
    expect(await a?.send("state")).toBe("open");
    expect(await eventually(() => (b as Worker).send("ok"), "rejected")).toBe("rejected");
    expect(await eventually(() => (c as Worker).send("ok"), "rejected")).toBe("rejected");
    expect(await b?.send("state")).toBe("open");
  });

  it("admits halfOpenProbes probes across all processes, not per process", async () => {
    const name = `probe-${Date.now()}`;
    const env = { BREAKER_NAME: name, OPEN_FOR_MS: "300" };
    const all = await Promise.all([1, 2, 3].map(() => spawnWorker(env)));
    for (const w of all) expect(await w.send("ok")).toBe("ok");
    for (let i = 0; i < 3; i++) await all[0]?.send("fail");
    for (const w of all.slice(1)) expect(await eventually(() => w.send("state"), "open")).toBe("open");
    await new Promise((resolve) => setTimeout(resolve, 350)); // past openFor: due to half-open
    const ran = (await Promise.all(all.map((w) => w.send("probe-burst", 5)))) as number[];
    expect(ran.reduce((x, y) => x + y, 0)).toBe(2);
    for (const w of all) await w.send("release");
    expect(await eventually(() => (all[2] as Worker).send("ok"), "ok")).toBe("ok");
  });
});

describe.skipIf(!url)("redisBreakerStateStore when Redis fails", () => {
  it("degrades to a local breaker and reports store errors, never throwing", async () => {
    const server = await startRedisServer();
    const client = new Redis(server.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => 50,
    });
    client.on("error", () => {});
    const events: GogglesEvent[] = [];
    const store = redisBreakerStateStore({ client, cacheTtlMs: 0, onEvent: (e) => events.push(e) });
    let now = 0;
    const clock = { now: () => now, sleep: () => Promise.resolve() };
    const breaker = circuitBreaker({
      name: "outage",
      store,
      clock,
      strategy: consecutive({ threshold: 2 }),
      openFor: 100,
    });
    expect(await breaker.execute(async () => "up")).toBe("up");
    await server.stop();
    try {
      for (let i = 0; i < 5; i++) expect(await breaker.execute(async () => i)).toBe(i);
      await breaker.execute(() => Promise.reject(new Error("x"))).catch(() => {});
      await breaker.execute(() => Promise.reject(new Error("x"))).catch(() => {});
      expect(breaker.state).toBe("open");
      now += 100;
      expect(await breaker.execute(async () => "probe")).toBe("probe"); // the probe lease is granted locally
      expect(breaker.state).toBe("closed");
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(events.some((e) => e.type === "store_error")).toBe(true);
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
