// One Express app per variant, run in its own process by suites/express-stack.ts and loaded by autocannon.
// Every variant does the same work for a valid request: client IP, a rate limit high enough never to refuse,
// an API key lookup, JSON parsing and a schema check, then `res.json()`.
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { apiKey, apiKeys, boundary, json, rateLimit } from "@goggles/core";
import { goggles } from "@goggles/express";
import express, { type NextFunction, type Request, type Response } from "express";
import { rateLimit as expressRateLimit } from "express-rate-limit";
import { body, header, validationResult } from "express-validator";
import { z } from "zod";

const Order = z.object({
  sku: z.string().min(1).max(64),
  qty: z.number().int().min(1).max(1000),
  note: z.string().max(500),
});
const LIMIT = 1_000_000_000;

async function app(variant: string): Promise<express.Express> {
  const a = express();
  const { key, id, hash } = await apiKeys.generate({ prefix: "bench" });
  process.env.BENCH_API_KEY = key;
  const done = (_req: Request, res: Response) => {
    res.json({ ok: true });
  };
  switch (variant) {
    case "json-only":
      a.post("/orders", express.json(), done);
      break;
    case "goggles": {
      const protect = boundary()
        .use(rateLimit({ limits: { default: { capacity: LIMIT, refillPerSecond: LIMIT } } }))
        .use(apiKey({ lookup: (keyId) => (keyId === id ? { hash, principal: id } : undefined) }))
        .use(json({ schema: Order }));
      a.post("/orders", goggles(protect), done);
      break;
    }
    case "peers": {
      // Stored hashed, as goggles stores keys: the lookup hashes what the client sent.
      const keys = new Map([[createHash("sha256").update(key).digest("hex"), { id }]]);
      a.post(
        "/orders",
        expressRateLimit({
          windowMs: 60_000,
          limit: LIMIT,
          standardHeaders: "draft-8",
          legacyHeaders: false,
        }),
        header("x-api-key").custom((value: string) =>
          keys.has(createHash("sha256").update(value).digest("hex")),
        ),
        (req: Request, res: Response, next: NextFunction) => {
          if (!validationResult(req).isEmpty()) res.status(401).json({ title: "Unauthorized" });
          else next();
        },
        express.json({ limit: "1mb" }),
        body("sku").isString().isLength({ min: 1, max: 64 }),
        body("qty").isInt({ min: 1, max: 1000 }),
        body("note").isString().isLength({ max: 500 }),
        (req: Request, res: Response, next: NextFunction) => {
          const result = validationResult(req);
          if (!result.isEmpty()) res.status(422).json({ issues: result.array() });
          else next();
        },
        done,
      );
      break;
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
  return a;
}

const variant = process.argv[2] ?? "";
const server = (await app(variant)).listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port, key: process.env.BENCH_API_KEY })}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
