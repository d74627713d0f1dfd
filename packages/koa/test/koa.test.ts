import { signTestDelivery, testWebhook } from "@goggles/conformance";
import { boundary, type Guard, pass } from "@goggles/core";
import Koa3 from "koa";
import bodyParser from "koa-bodyparser";
import Koa2 from "koa2";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { goggles, isBodyConsumedError } from "../src/index.js";
import { listen } from "./serve.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const bodyLength: Guard<"length", number> = {
  name: "length",
  check: async ({ request }) => pass((await request.body()).byteLength),
};

for (const [name, Koa] of [
  ["Koa 3", Koa3],
  ["Koa 2", Koa2],
] as const) {
  describe(name, () => {
    async function serve(app: { silent: boolean; callback(): Parameters<typeof listen>[0] }) {
      app.silent = true;
      const server = await listen(app.callback());
      closers.push(server.close);
      return server.url;
    }

    it("types ctx.state.goggles from the boundary", async () => {
      const app = new Koa().use(goggles(boundary().use(bodyLength)));
      app.use((ctx) => {
        expectTypeOf(ctx.state.goggles.length).toEqualTypeOf<number>();
        ctx.body = { length: ctx.state.goggles.length, ip: ctx.state.goggles.ip };
      });
      const url = await serve(app);
      const response = await fetch(url, { method: "POST", body: "12345" });
      expect(await response.json()).toEqual({ length: 5, ip: expect.stringMatching(/127\.0\.0\.1$/) });
    });

    it("verifies a webhook over the raw body without body-parser tricks; a later bodyparser skips it", async () => {
      const app = new Koa();
      app.use(goggles(boundary().use(testWebhook())));
      app.use(bodyParser());
      app.use((ctx) => {
        ctx.body = { id: (ctx.state.goggles.hook as { id: string }).id, parsed: ctx.request.body ?? null };
      });
      const url = await serve(app);
      const payload = '{"type":"koa"}';
      const response = await fetch(url, {
        method: "POST",
        headers: await signTestDelivery("evt_koa", payload),
        body: payload,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ id: "evt_koa", parsed: null });
    });

    it("fails loudly, without hanging, when koa-bodyparser consumed the body first", async () => {
      const errors: unknown[] = [];
      let reached = false;
      const app = new Koa();
      app.use(bodyParser());
      app.use(goggles(boundary().use(testWebhook()), { onError: (e) => errors.push(e) }));
      app.use((ctx) => {
        reached = true;
        ctx.status = 204;
      });
      const url = await serve(app);
      const payload = '{"type":"koa"}';
      const response = await fetch(url, {
        method: "POST",
        headers: await signTestDelivery("evt_koa_2", payload),
        body: payload,
      });
      expect(response.status).toBe(500);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(reached).toBe(false);
      expect(errors).toHaveLength(1);
      expect(isBodyConsumedError(errors[0])).toBe(true);
      expect((errors[0] as Error).message).toMatch(/before koa-bodyparser/);
    });

    it("reports the handler's outcome to after hooks: its status, 500 when it throws", async () => {
      const outcomes: number[] = [];
      const probe: Guard<"probe", true> = {
        name: "probe",
        check: () => ({ ok: true, value: true, after: (o) => void outcomes.push(o.status) }),
      };
      const app = new Koa();
      app.use(goggles(boundary().use(probe)));
      app.use((ctx) => {
        if (ctx.path === "/boom") throw new Error("handler bug");
        ctx.status = 201;
      });
      const url = await serve(app);
      expect((await fetch(`${url}/ok`)).status).toBe(201);
      await expect.poll(() => outcomes).toEqual([201]);
      expect((await fetch(`${url}/boom`)).status).toBe(500);
      await expect.poll(() => outcomes).toEqual([201, 500]);
    });

    it("does not read app.proxy: the boundary's own trustProxy decides", async () => {
      const app = new Koa({ proxy: true });
      app.use(goggles(boundary()));
      app.use((ctx) => {
        ctx.body = { goggles: ctx.state.goggles.ip, koa: ctx.ip };
      });
      const url = await serve(app);
      const response = await fetch(url, { headers: { "x-forwarded-for": "203.0.113.9" } });
      const body = (await response.json()) as Record<string, string>;
      expect(body.koa).toBe("203.0.113.9");
      expect(body.goggles).toMatch(/127\.0\.0\.1$/);
    });
  });
}
