import { once } from "node:events";
import { connect } from "node:net";
import { API_KEY, signTestDelivery, testApiKey, testWebhook } from "@goggles/conformance";
import { boundary, type GogglesEvent, type Guard, isProblemError, pass } from "@goggles/core";
import express5 from "express";
import express4 from "express4";
import { afterEach, describe, expect, it } from "vitest";
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

for (const [name, express] of [
  ["Express 5", express5],
  ["Express 4", express4],
] as const) {
  describe(name, () => {
    async function serve(setup: (app: ReturnType<typeof express5>) => void) {
      const app = express();
      setup(app);
      const server = await listen(app);
      closers.push(server.close);
      return server.url;
    }

    it("fails loudly, without hanging, when express.json() consumed the body first", async () => {
      const errors: unknown[] = [];
      let reached = false;
      const url = await serve((app) => {
        app.use(express.json());
        app.use(goggles(boundary().use(testWebhook()), { onError: (e) => errors.push(e) }));
        app.post("/hooks", (_req, res) => {
          reached = true;
          res.end();
        });
      });
      const payload = '{"type":"x"}';
      const response = await fetch(`${url}/hooks`, {
        method: "POST",
        headers: await signTestDelivery("evt_mount", payload),
        body: payload,
      });
      expect(response.status).toBe(500);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.text()).not.toMatch(/express|parser/i);
      expect(reached).toBe(false);
      expect(errors).toHaveLength(1);
      expect(isBodyConsumedError(errors[0])).toBe(true);
      expect((errors[0] as Error).message).toMatch(/express\.raw\(/);
    });

    it("verifies a webhook over the Buffer express.raw() captured", async () => {
      const url = await serve((app) => {
        app.use(express.raw({ type: "*/*" }));
        app.post("/hooks", goggles(boundary().use(testWebhook())), (req, res) => {
          res.json({ id: (req.goggles.hook as { id: string }).id });
        });
      });
      const payload = '{"type":"raw"}';
      const response = await fetch(`${url}/hooks`, {
        method: "POST",
        headers: await signTestDelivery("evt_raw", payload),
        body: payload,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ id: "evt_raw" });
    });

    it("lets a body parser mounted after goggles skip a body goggles already read", async () => {
      const url = await serve((app) => {
        app.use(goggles(boundary().use(bodyLength)));
        app.use(express.json());
        app.post("/", (req, res) => {
          res.json({ length: req.goggles.length });
        });
      });
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"a":1}',
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ length: 7 });
    });

    it("takes a body Node already received whole from the buffer, limit included", async () => {
      const late: Guard<"late", string> = {
        name: "late",
        check: async ({ request }) => {
          await new Promise((resolve) => setTimeout(resolve, 20)); // the body has arrived by now
          return pass(new TextDecoder().decode(await request.body({ maxBytes: 10 })));
        },
      };
      const url = await serve((app) => {
        app.use(goggles(boundary().use(late)));
        app.post("/", (req, res) => {
          res.json({ text: req.goggles.late });
        });
      });
      const ok = await fetch(url, { method: "POST", body: "0123456789" });
      expect(await ok.json()).toEqual({ text: "0123456789" });
      const big = await fetch(url, { method: "POST", body: "0123456789A" });
      expect(big.status).toBe(413);
    });

    it("turns a client that goes away mid-body into a 400 for the guard, not a guard error", async () => {
      const seen: unknown[] = [];
      const reader: Guard<"reader", number> = {
        name: "reader",
        check: async ({ request }) => {
          try {
            return pass((await request.body()).byteLength);
          } catch (error) {
            seen.push(error);
            throw error;
          }
        },
      };
      const url = await serve((app) => {
        app.use(goggles(boundary().use(reader)));
      });
      const { port } = new URL(url);
      const socket = connect(Number(port), "127.0.0.1");
      await once(socket, "connect");
      socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.destroy();
      await expect.poll(() => seen.length).toBe(1);
      expect(isProblemError(seen[0]) && (seen[0] as { problem: { status: number } }).problem.status).toBe(
        400,
      );
    });

    it("leaves the stream to later parsers when no guard read it", async () => {
      const url = await serve((app) => {
        app.use(goggles(boundary().use(testApiKey())));
        app.use(express.json());
        app.post("/", (req, res) => {
          res.json(req.body);
        });
      });
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": API_KEY },
        body: '{"a":1}',
      });
      expect(await response.json()).toEqual({ a: 1 });
    });

    it("reports the handler's outcome to after hooks: its status, 500 when it throws", async () => {
      const outcomes: number[] = [];
      const probe: Guard<"probe", true> = {
        name: "probe",
        check: () => ({ ok: true, value: true, after: (o) => void outcomes.push(o.status) }),
      };
      const url = await serve((app) => {
        app.use(goggles(boundary().use(probe)));
        app.get("/ok", (_req, res) => {
          res.status(201).end();
        });
        app.get("/boom", () => {
          throw new Error("handler bug");
        });
        app.use(
          (_err: unknown, _req: unknown, res: { status(n: number): { end(): void } }, _next: unknown) => {
            res.status(500).end();
          },
        );
      });
      expect((await fetch(`${url}/ok`)).status).toBe(201);
      await expect.poll(() => outcomes).toEqual([201]);
      expect((await fetch(`${url}/boom`)).status).toBe(500);
      await expect.poll(() => outcomes).toEqual([201, 500]);
    });

    it("does not read Express's trust proxy setting: the boundary's own trustProxy decides", async () => {
      const url = await serve((app) => {
        app.set("trust proxy", true);
        app.use(goggles(boundary()));
        app.get("/", (req, res) => {
          res.json({ goggles: req.goggles.ip, express: req.ip });
        });
      });
      const response = await fetch(url, { headers: { "x-forwarded-for": "203.0.113.9" } });
      const { goggles: ip, express: expressIp } = (await response.json()) as Record<string, string>;
      expect(expressIp).toBe("203.0.113.9");
      expect(ip).toMatch(/127\.0\.0\.1$/);
    });

    it("agrees with Express when both trust the same hops", async () => {
      const url = await serve((app) => {
        app.set("trust proxy", 1);
        app.use(goggles(boundary({ trustProxy: 1 })));
        app.get("/", (req, res) => {
          res.json({ goggles: req.goggles.ip, express: req.ip });
        });
      });
      const response = await fetch(url, { headers: { "x-forwarded-for": "198.51.100.1, 203.0.113.9" } });
      expect(await response.json()).toEqual({ goggles: "203.0.113.9", express: "203.0.113.9" });
    });

    it("answers with a 500 problem and an event when the boundary itself rejects", async () => {
      const events: GogglesEvent[] = [];
      const rejecting = Object.assign(() => Promise.reject(new Error("bug")), {
        options: { onEvent: (e: GogglesEvent) => events.push(e) },
      }) as unknown as Parameters<typeof goggles>[0];
      const url = await serve((app) => {
        app.use(goggles(rejecting));
      });
      const response = await fetch(url);
      expect(response.status).toBe(500);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(events).toEqual([{ type: "guard_error", guard: "boundary", errorName: "Error" }]);
    });

    it("builds the absolute URL from Host and the path as sent", async () => {
      let seen = "";
      const spy: Guard<"url", string> = {
        name: "url",
        check: ({ request }) => {
          seen = request.url;
          return pass(request.url);
        },
      };
      const url = await serve((app) => {
        const router = express.Router();
        router.get("/inner", goggles(boundary().use(spy)), (_req, res) => {
          res.end();
        });
        app.use("/mount", router);
      });
      await fetch(`${url}/mount/inner?a=1`);
      expect(seen).toBe(`${url}/mount/inner?a=1`);
    });
  });
}
