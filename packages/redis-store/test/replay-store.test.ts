import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { boundary, createBoundaryRequest, signWebhook, stripe, webhook } from "@goggles/core";
import { redisUrlForTests } from "@goggles/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisReplayStore } from "../src/index.js";
import { type DriverHandle, driverCases } from "./drivers.js";

const url = redisUrlForTests();
const here = dirname(fileURLToPath(import.meta.url));
let unique = 0;
const prefix = () => `replay-${process.pid}-${Date.now()}-${unique++}:`;

describe.skipIf(!url).each(driverCases)("redisReplayStore over $name", (driverCase) => {
  let handle: DriverHandle;
  beforeAll(async () => {
    handle = await driverCase.connect(url);
  });
  afterAll(async () => {
    await handle.close();
  });

  it("claims once, reports in flight then processed, and forgets on release", async () => {
    const store = redisReplayStore({ client: handle.client, prefix: prefix() });
    expect(await store.claim("evt_1", 60_000)).toEqual({ claimed: true });
    expect(await store.claim("evt_1", 60_000)).toEqual({ claimed: false, state: "in_flight" });
    await store.release("evt_1");
    expect(await store.claim("evt_1", 60_000)).toEqual({ claimed: true });
    await store.complete("evt_1", 600_000);
    expect(await store.claim("evt_1", 60_000)).toEqual({ claimed: false, state: "processed" });
    // A late release never removes a processed marker.
    await store.release("evt_1");
    expect(await store.claim("evt_1", 60_000)).toEqual({ claimed: false, state: "processed" });
  });

  it("sets the lease and the TTL as Redis expiries (PX)", async () => {
    const p = prefix();
    const store = redisReplayStore({ client: handle.client, prefix: p });
    await store.claim("evt_2", 5_000);
    const lease = Number(await handle.command(["PTTL", `${p}replay:evt_2`]));
    expect(lease).toBeGreaterThan(0);
    expect(lease).toBeLessThanOrEqual(5_000);
    await store.complete("evt_2", 86_400_000);
    const ttl = Number(await handle.command(["PTTL", `${p}replay:evt_2`]));
    expect(ttl).toBeGreaterThan(5_000);
    expect(ttl).toBeLessThanOrEqual(86_400_000);
  });

  it("backs the webhook() guard: a processed duplicate is acknowledged with 200", async () => {
    const replay = redisReplayStore({ client: handle.client, prefix: prefix() });
    const provider = stripe({ secret: "whsec_redis" });
    const protect = boundary().use(webhook(provider, { replay }));
    const body = '{"id":"evt_redis","type":"ping"}';
    const make = async () =>
      createBoundaryRequest({
        method: "POST",
        url: "https://api.example.com/hooks",
        headers: await signWebhook(provider, { body }),
        body,
      });
    const first = await protect(await make());
    expect(first.ok).toBe(true);
    expect((await protect(await make())).ok).toBe(false); // in flight: 409
    await first.after({ status: 200 });
    const again = await protect(await make());
    expect(again).toMatchObject({ ok: false, reply: { status: 200, body: { duplicate: true } } });
  });
});

describe.skipIf(!url)("redisReplayStore across processes", () => {
  it("lets exactly one of several processes claim each delivery id", async () => {
    const p = prefix();
    const count = 200;
    const children = Array.from({ length: 4 }, () =>
      spawn(
        process.execPath,
        [
          "--conditions=@goggles/source",
          "--import",
          "tsx",
          join(here, "fixtures/replay-claimer.ts"),
          url,
          p,
          String(count),
        ],
        {
          cwd: join(here, ".."),
          stdio: ["pipe", "pipe", "inherit"],
        },
      ),
    );
    const outputs = children.map(
      (child) =>
        new Promise<string[]>((resolve, reject) => {
          let out = "";
          child.stdout.on("data", (chunk: Buffer) => {
            out += chunk.toString();
            if (out === "ready\n") return;
            const line = out.split("\n")[1];
            if (line) resolve(JSON.parse(line) as string[]);
          });
          child.on("exit", (code) =>
            code === 0 ? undefined : reject(new Error(`claimer exited with ${code}`)),
          );
        }),
    );
    // Start them together once all are connected and waiting.
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            const onData = (chunk: Buffer) => {
              if (chunk.toString().startsWith("ready")) {
                child.stdout.off("data", onData);
                resolve();
              }
            };
            child.stdout.on("data", onData);
          }),
      ),
    );
    for (const child of children) child.stdin.write("go\n");
    const won = await Promise.all(outputs);
    const all = won.flat();
    expect(all).toHaveLength(count);
    expect(new Set(all).size).toBe(count);
    expect(won.filter((w) => w.length > 0).length).toBeGreaterThan(0);
  }, 30_000);
});
