// One behaviour, every adapter: each adapter's test starts a real server on 127.0.0.1 with the boundary
// and handler given here, and this suite checks what a client sees.
import { request as httpRequest } from "node:http";
import { type BaseContext, type Boundary, boundary, type GogglesEvent, type Replied } from "@goggles/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API_KEY,
  BODY_LIMIT,
  earlyGuard,
  signTestDelivery,
  testApiKey,
  testJson,
  testRateLimit,
  testWebhook,
  throwingGuard,
} from "./guards.js";

/** What the handler answers with; adapters write it as JSON. */
export interface HandlerAnswer {
  status: number;
  body: unknown;
}

/** A running server. */
export interface RunningServer {
  /** `http://127.0.0.1:port` */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 that protects every route with `protect`, then answers with
 * `handler(context)` as JSON.
 */
// biome-ignore lint/suspicious/noExplicitAny: the suite builds boundaries of several shapes.
type AnyBoundary = Boundary<any, Replied>;
// biome-ignore lint/suspicious/noExplicitAny: each adapter hands the handler its own context.
type AnyHandler = (context: any) => HandlerAnswer;
export type StartServer = (protect: AnyBoundary, handler: AnyHandler) => Promise<RunningServer>;

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = { text };
  }
  return { status: response.status, headers: response.headers, json };
}

/**
 * Sends `prefix` (a chunked body larger than the limit) and resolves with the status as soon as a response
 * arrives, without ever ending the request: a server that waited for the whole body would hang here.
 */
function sendEndless(url: string, headers: Record<string, string>, prefix: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const chunk = new Uint8Array(8 * 1024).fill(0x20);
    for (let sent = 0; sent < prefix; sent += chunk.byteLength) req.write(chunk);
  });
}

/** Runs the shared conformance suite against one adapter. */
export function conformance(name: string, start: StartServer): void {
  describe(`${name} conformance`, () => {
    const events: GogglesEvent[] = [];
    const handled: unknown[] = [];
    const outcomes: number[] = [];
    const onEvent = (e: GogglesEvent) => events.push(e);
    let api: RunningServer;
    let hooks: RunningServer;
    let broken: RunningServer;
    let early: RunningServer;

    beforeAll(async () => {
      const afterProbe = {
        name: "probe" as const,
        check: () => ({
          ok: true as const,
          value: true,
          after: (o: { status: number }) => void outcomes.push(o.status),
        }),
      };
      const protect = boundary({ onEvent })
        .use(testRateLimit())
        .use(testApiKey())
        .use(afterProbe)
        .use(testJson());
      api = await start(protect, (ctx: BaseContext & { key: { principal: unknown }; body: unknown }) => {
        handled.push(ctx.body);
        return { status: 200, body: { ip: ctx.ip, key: ctx.key.principal, body: ctx.body } };
      });
      const hookBoundary = boundary({ onEvent }).use(testWebhook());
      hooks = await start(hookBoundary, (ctx: { hook: { id: string | undefined } }) => {
        handled.push(ctx.hook.id);
        return { status: 202, body: { received: ctx.hook.id } };
      });
      broken = await start(boundary({ onEvent }).use(throwingGuard()), () => ({ status: 200, body: {} }));
      const earlyBoundary = boundary({ onEvent }).use(testRateLimit(100)).use(earlyGuard());
      early = await start(earlyBoundary, () => {
        handled.push("early");
        return { status: 200, body: { handled: true } };
      });
    });
    afterAll(async () => {
      await Promise.all([api?.close(), hooks?.close(), broken?.close(), early?.close()]);
    });

    const order = (client: string, body: string, extra: Record<string, string> = {}) =>
      send(`${api.url}/orders?x=1`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": API_KEY, "x-client": client, ...extra },
        body,
      });

    it("passes a valid request with the typed context and the success headers", async () => {
      const before = outcomes.length;
      const answer = await order("ok", JSON.stringify({ sku: "A-1", qty: 2 }));
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        ip: expect.stringMatching(/127\.0\.0\.1$/),
        key: "conformance",
        body: { sku: "A-1", qty: 2 },
      });
      expect(answer.headers.get("ratelimit")).toMatch(/^"default";r=1;t=\d+$/);
      expect(answer.headers.get("ratelimit-policy")).toMatch(/^"default";q=2;/);
      await expect.poll(() => outcomes.length).toBe(before + 1);
      expect(outcomes.at(-1)).toBe(200);
    });

    it("answers 429 with Retry-After and RateLimit once the limit is spent", async () => {
      const body = JSON.stringify({ sku: "A-1", qty: 1 });
      expect((await order("spender", body)).status).toBe(200);
      expect((await order("spender", body)).status).toBe(200);
      const answer = await order("spender", body);
      expect(answer.status).toBe(429);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(answer.headers.get("ratelimit")).toMatch(/^"default";r=0;t=\d+$/);
      expect(answer.json).toMatchObject({ status: 429, title: "Too Many Requests" });
    });

    it("answers 401 without a valid API key", async () => {
      const missing = await order("nokey", "{}", { "x-api-key": "" });
      expect(missing.status).toBe(401);
      expect(missing.headers.get("content-type")).toBe("application/problem+json");
      const wrong = `${API_KEY.slice(0, -8)}AAAAAAAA`;
      const wrongAnswer = await order("nokey2", "{}", { "x-api-key": wrong });
      expect(wrongAnswer.status).toBe(401);
      expect(JSON.stringify(wrongAnswer.json)).not.toContain(wrong);
    });

    it("answers 415 for a wrong content type", async () => {
      const answer = await order("type", "sku=A", { "content-type": "application/x-www-form-urlencoded" });
      expect(answer.status).toBe(415);
    });

    it("answers 400 for invalid JSON", async () => {
      const answer = await order("badjson", '{"sku": "A-1", qty');
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ status: 400 });
    });

    it("answers 422 with the issues for a schema failure", async () => {
      const answer = await order("schema", JSON.stringify({ sku: 7, qty: 0 }));
      expect(answer.status).toBe(422);
      expect(answer.json.issues).toBeInstanceOf(Array);
      expect((answer.json.issues as unknown[]).length).toBeGreaterThan(0);
    });

    it("answers 413 for a declared oversized body", async () => {
      const answer = await order("big", "x".repeat(BODY_LIMIT + 1));
      expect(answer.status).toBe(413);
    });

    it("answers 413 for a streamed oversized body without reading it all", async () => {
      const status = await sendEndless(
        `${api.url}/orders`,
        { "content-type": "application/json", "x-api-key": API_KEY, "x-client": "stream" },
        BODY_LIMIT * 4,
      );
      expect(status).toBe(413);
    });

    it("verifies webhooks: forged 401, first delivery handled, replay acknowledged without the handler", async () => {
      const payload = JSON.stringify({ type: "invoice.paid" });
      const headers = await signTestDelivery("evt_1", payload);
      const forged = await send(`${hooks.url}/hooks`, {
        method: "POST",
        headers: { ...headers, "webhook-signature": `v1,${btoa("x".repeat(32))}` },
        body: payload,
      });
      expect(forged.status).toBe(401);
      const first = await send(`${hooks.url}/hooks`, { method: "POST", headers, body: payload });
      expect(first.status).toBe(202);
      expect(first.json).toEqual({ received: "evt_1" });
      const count = handled.filter((h) => h === "evt_1").length;
      const replay = await send(`${hooks.url}/hooks`, { method: "POST", headers, body: payload });
      expect(replay.status).toBe(200);
      expect(replay.headers.get("content-type")).toMatch(/^application\/json/);
      expect(replay.json).toEqual({ received: true, duplicate: true });
      expect(handled.filter((h) => h === "evt_1").length).toBe(count);
    });

    it("sends a guard's early reply as given, with earlier guards' headers, without the handler", async () => {
      const before = handled.length;
      const empty = await send(`${early.url}/`, { headers: { "x-early": "empty" } });
      expect(empty.status).toBe(200);
      expect(empty.json).toEqual({});
      expect(empty.headers.get("x-early")).toBe("empty");
      expect(empty.headers.get("ratelimit")).toMatch(/r=/);
      expect(empty.headers.get("content-type")).toBeNull();
      const seeOther = await send(`${early.url}/`, {
        headers: { "x-early": "see-other" },
        redirect: "manual",
      });
      expect(seeOther.status).toBe(303);
      expect(seeOther.headers.get("location")).toBe("/elsewhere");
      const queued = await send(`${early.url}/`, {
        method: "POST",
        headers: { "x-early": "json" },
        body: "{}",
      });
      expect(queued.status).toBe(202);
      expect(queued.headers.get("content-type")).toMatch(/^application\/json/);
      expect(queued.json).toEqual({ queued: true });
      expect(handled.length).toBe(before);
      const passed = await send(`${early.url}/`);
      expect(passed.status).toBe(200);
      expect(passed.json).toEqual({ handled: true });
      expect(passed.headers.get("x-early")).toBe("passed");
      expect(handled.length).toBe(before + 1);
    });

    it("answers a guard's bug with a 500 problem that leaks nothing", async () => {
      const answer = await send(`${broken.url}/`);
      expect(answer.status).toBe(500);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      expect(JSON.stringify(answer.json)).not.toContain("hunter2");
      expect(events).toContainEqual(expect.objectContaining({ type: "guard_error", guard: "broken" }));
    });

    it("never answers client-caused input with a 500", async () => {
      const nasty: [string, Record<string, string>][] = [
        ['{"__proto__": {"admin": true}, "sku": "A", "qty": 1}', {}],
        ["[".repeat(10_000), {}],
        ["", {}],
        ["\u0000\u0001\u0002", {}],
        ['{"sku": "A", "qty": 1}', { "content-encoding": "gzip" }],
        ['{"sku": "A", "qty": 1}', { "content-type": "application/json; charset=utf-16" }],
        ['{"sku": "A", "qty": 1}', { "content-type": "" }],
      ];
      let i = 0;
      for (const [body, headers] of nasty) {
        const answer = await order(`nasty${i++}`, body, headers);
        expect(answer.status, `${body.slice(0, 20)} ${JSON.stringify(headers)}`).toBeLessThan(500);
      }
      const invalidUtf8 = await send(`${api.url}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": API_KEY, "x-client": "utf8" },
        body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
      });
      expect(invalidUtf8.status).toBeLessThan(500);
      const get = await send(`${api.url}/orders`, { headers: { "x-api-key": API_KEY, "x-client": "get" } });
      expect(get.status).toBeLessThan(500);
    });
  });
}
