import { describe, expect, expectTypeOf, it } from "vitest";
import * as z from "zod";
import { defineAdapter } from "../adapt/define-adapter.js";
import type { GogglesEvent } from "../events.js";
import { type BaseContext, boundary } from "../http/boundary.js";
import { type BodySource, createBoundaryRequest } from "../http/boundary-request.js";
import type { Guard } from "../http/guard.js";
import { json } from "./json.js";

const Order = z.object({
  id: z.string(),
  items: z.array(z.object({ sku: z.string(), qty: z.number().int() })),
});

function post(body: BodySource | (() => BodySource), headers: Record<string, string> = {}) {
  return createBoundaryRequest({
    method: "POST",
    url: "https://api.example.com/orders",
    headers: { "content-type": "application/json", ...headers },
    remoteAddress: "203.0.113.7",
    body,
  });
}

function protectWith<G extends Guard<string, unknown, BaseContext>>(guard: G) {
  const events: GogglesEvent[] = [];
  const protect = boundary({ onEvent: (e) => events.push(e) }).use(guard);
  return { protect, events };
}

describe("json()", () => {
  it("puts the parsed, validated and typed body on the context", async () => {
    const protect = boundary().use(json({ schema: Order }));
    const verdict = await protect(post(JSON.stringify({ id: "o1", items: [{ sku: "A", qty: 2 }] })));
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expectTypeOf(verdict.value.body).toEqualTypeOf<z.infer<typeof Order>>();
    expect(verdict.value.body.items[0]?.qty).toBe(2);
  });

  it("takes an adapter as its schema: the context holds the internal shape", async () => {
    const toInternal = defineAdapter({
      schema: Order,
      transform: (o) => ({ orderId: o.id, units: o.items.reduce((n, i) => n + i.qty, 0) }),
    });
    const protect = boundary().use(json({ schema: toInternal }));
    const verdict = await protect(
      post(
        JSON.stringify({
          id: "o1",
          items: [
            { sku: "A", qty: 2 },
            { sku: "B", qty: 3 },
          ],
        }),
      ),
    );
    if (!verdict.ok) throw new Error(verdict.problem.detail);
    expectTypeOf(verdict.value.body).toEqualTypeOf<{ orderId: string; units: number }>();
    expect(verdict.value.body).toEqual({ orderId: "o1", units: 5 });
    const invalid = await protect(post('{"id":"o1","items":[{"sku":"A"}]}'));
    expect(invalid.ok ? 200 : invalid.problem.status).toBe(422);
  });

  it("without a schema the body is unknown, under a custom name", async () => {
    const protect = boundary().use(json({ name: "payload" }));
    const verdict = await protect(post("[1,2]"));
    if (!verdict.ok) throw new Error(verdict.problem.detail);
    expectTypeOf(verdict.value.payload).toEqualTypeOf<unknown>();
    expect(verdict.value.payload).toEqual([1, 2]);
  });

  it("accepts +json types and a UTF-8 charset", async () => {
    const protect = boundary().use(json());
    for (const type of [
      "application/json; charset=utf-8",
      'application/json;charset="UTF-8"',
      "Application/JSON",
      "application/vnd.api+json",
      "application/merge-patch+json; charset=utf8",
    ]) {
      expect((await protect(post("{}", { "content-type": type }))).ok).toBe(true);
    }
  });

  it("refuses other content types and charsets with 415, before reading the body", async () => {
    const { protect, events } = protectWith(json());
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json; charset=latin1",
      "",
      "json",
    ]) {
      let pulled = false;
      const verdict = await protect(
        post(
          () => {
            pulled = true;
            return "{}";
          },
          { "content-type": type },
        ),
      );
      expect(verdict.ok ? 200 : verdict.problem.status).toBe(415);
      expect(pulled).toBe(false);
    }
    const missing = createBoundaryRequest({
      method: "POST",
      url: "https://x.test/",
      headers: {},
      body: "{}",
    });
    const verdict = await protect(missing);
    expect(verdict.ok ? 200 : verdict.problem.status).toBe(415);
    expect(events[0]).toEqual({ type: "body_rejected", reason: "content_type", status: 415 });
  });

  it("stops pulling a huge streamed body once past maxBytes (413 without buffering it all)", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield chunk;
      }
    }
    const { protect, events } = protectWith(json({ maxBytes: 1024 * 1024 }));
    const verdict = await protect(post(endless()));
    expect(verdict.ok ? 200 : verdict.problem.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(17); // 16 chunks fit; the 17th breaks the limit
    expect(events).toContainEqual({ type: "body_rejected", reason: "too_large", status: 413 });
  });

  it("does the same with a web ReadableStream and cancels it", async () => {
    let pulled = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(16 * 1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    const protect = boundary().use(json({ maxBytes: 100 * 1024 }));
    const verdict = await protect(post(stream));
    expect(verdict.ok ? 200 : verdict.problem.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(9); // 7 chunks pass 100 KiB; the stream may read ahead by one or two
    expect(cancelled).toBe(true);
  });

  it("refuses a declared Content-Length over the limit without reading at all", async () => {
    let pulled = false;
    const protect = boundary().use(json({ maxBytes: 1000 }));
    const verdict = await protect(
      post(
        () => {
          pulled = true;
          return "{}";
        },
        { "content-length": "5000" },
      ),
    );
    expect(verdict.ok ? 200 : verdict.problem.status).toBe(413);
    expect(pulled).toBe(false);
  });

  it("gives 400 for invalid JSON, proto keys and deep nesting; 422 for schema issues", async () => {
    const { protect, events } = protectWith(json({ schema: Order, maxDepth: 10 }));
    const status = async (body: string) => {
      const verdict = await protect(post(body));
      return verdict.ok ? 200 : verdict.problem.status;
    };
    expect(await status("{")).toBe(400);
    expect(await status("")).toBe(400);
    expect(await status('{"id":"o1","items":[],"__proto__":{"admin":true}}')).toBe(400);
    expect(await status("[".repeat(10_000) + "]".repeat(10_000))).toBe(400);
    expect(await status('{"id":1,"items":[{"sku":"A","qty":1.5}]}')).toBe(422);
    expect(events.filter((e) => e.type === "body_rejected")).toHaveLength(4);
    expect(events.at(-1)).toEqual({ type: "validation_failed", source: "body", issueCount: 2 });
  });

  it("removes proto keys when asked", async () => {
    const protect = boundary().use(json({ protoAction: "remove" }));
    const verdict = await protect(post('{"a":1,"__proto__":{"admin":true}}'));
    if (!verdict.ok) throw new Error(verdict.problem.detail);
    expect(verdict.value.body).toEqual({ a: 1 });
  });

  it("reads invalid UTF-8 as 400 and refuses compressed bodies with 415", async () => {
    const protect = boundary().use(json());
    const bad = await protect(post(new Uint8Array([0x22, 0xc3, 0x28, 0x22])));
    expect(bad.ok ? 200 : bad.problem.status).toBe(400);
    const gzip = await protect(post("{}", { "content-encoding": "gzip" }));
    expect(gzip.ok ? 200 : gzip.problem.status).toBe(415);
  });
});
