import { fileURLToPath } from "node:url";
import { API_KEY, BODY_LIMIT, signTestDelivery } from "@goggles/conformance";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let mf: Miniflare;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("./worker/worker.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["@goggles/source", "worker", "browser"],
    mainFields: ["module", "main"],
    write: false,
  });
  mf = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0]?.text ?? "",
    compatibilityDate: "2025-01-01",
    bindings: { NAME: "edge" },
  });
  await mf.ready;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
});

const order = (
  client: string,
  body: string | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
) =>
  mf.dispatchFetch("http://worker.test/orders", {
    method: "POST",
    duplex: "half",
    headers: {
      "content-type": "application/json",
      "x-api-key": API_KEY,
      "x-client": client,
      "cf-connecting-ip": "198.51.100.4",
      ...headers,
    },
    body: body as never,
  });

describe("withBoundary inside workerd", () => {
  it("passes the typed context, a readable body and the runtime's env to the handler", async () => {
    const response = await order("ok", '{"sku":"A-1","qty":2}');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ip: "198.51.100.4",
      key: "conformance",
      body: { sku: "A-1", qty: 2 },
      text: '{"sku":"A-1","qty":2}',
      env: "edge",
      buffer: "undefined",
    });
    expect(response.headers.get("ratelimit")).toMatch(/^"default";r=1;t=\d+$/);
  });

  it("answers client mistakes with problems: 401, 415, 400, 422, 413, 429", async () => {
    const cases: [number, ReturnType<typeof order>][] = [
      [401, order("a", "{}", { "x-api-key": "nope" })],
      [415, order("b", "{}", { "content-type": "text/plain" })],
      [400, order("c", "{nope")],
      [422, order("d", '{"sku":1}')],
      [413, order("e", "x".repeat(BODY_LIMIT + 1))],
    ];
    for (const [status, pending] of cases) {
      const response = await pending;
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      await response.arrayBuffer();
    }
    for (let i = 0; i < 2; i++) await (await order("spent", '{"sku":"A","qty":1}')).arrayBuffer();
    const limited = await order("spent", '{"sku":"A","qty":1}');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    await limited.arrayBuffer();
  });

  it("answers 413 for an endless streamed body without reading it all", async () => {
    const response = await mf.dispatchFetch("http://worker.test/endless");
    const { status, pulled } = (await response.json()) as { status: number; pulled: number };
    expect(status).toBe(413);
    expect(pulled * 4096).toBeLessThan(BODY_LIMIT * 4);
  });

  it("verifies webhooks: forged 401, delivery handled once, replay acknowledged", async () => {
    const payload = '{"type":"edge"}';
    const headers = await signTestDelivery("evt_edge", payload);
    const send = (h: Record<string, string>) =>
      mf.dispatchFetch("http://worker.test/hooks", { method: "POST", headers: h, body: payload });
    const forged = await send({ ...headers, "webhook-signature": `v1,${btoa("x".repeat(32))}` });
    expect(forged.status).toBe(401);
    await forged.arrayBuffer();
    const first = await send(headers);
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ received: "evt_edge", handled: 1 });
    const replay = await send(headers);
    expect(replay.status).toBe(200);
    await replay.arrayBuffer();
  });
});
