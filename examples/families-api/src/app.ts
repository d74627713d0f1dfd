import {
  type ApiKeyRecord,
  apiKey,
  boundary,
  createLimiter,
  type EventHandler,
  json,
  type Problem,
  problemResponse,
  rateLimit,
  sanitize,
  sanitizeHtml,
  stripe,
  validate,
  webhook,
} from "@goggles/core";
import { type ContextOf, goggles } from "@goggles/express";
import express, { type Request, type Response } from "express";
import { type PaymentsClient, paymentsClient } from "./payments.js";
import { Enrolment, FamilyId, PaymentEvent, PaymentRequest } from "./schema.js";
import type { Stores } from "./stores.js";

/** Who an API key belongs to. */
export interface Tenant {
  readonly tenant: string;
}

/** A stored enrolment. */
export interface Family extends Enrolment {
  readonly id: string;
  paid: boolean;
}

/** Options for `familiesApi()`. */
export interface FamiliesApiOptions {
  readonly stores: Stores;
  /** Where the payment provider listens. */
  readonly paymentsUrl: string;
  /** The Stripe endpoint secret (`whsec_…`). */
  readonly webhookSecret: string;
  /** API key records by id (store `id` and `hash` from `apiKeys.generate()`, never the key). */
  readonly keys: ReadonlyMap<string, ApiKeyRecord<Tenant>>;
  /** Every goggles decision, for logs and metrics (the demo shows them in its table). */
  readonly onEvent?: EventHandler;
  /** Requests per client: a bucket of `capacity`, refilled at `refillPerSecond`. Default 10, then one every 5 s. */
  readonly rate?: { capacity: number; refillPerSecond: number };
}

/** The app, and the parts the demo looks at. */
export interface FamiliesApi {
  readonly app: express.Express;
  readonly families: ReadonlyMap<string, Family>;
  readonly payments: PaymentsClient;
  /** Webhook deliveries the handler processed (a replay never reaches it). */
  readonly webhooksHandled: number;
}

/**
 * What this route's boundary proved about the request (`req.goggles`, set by the goggles middleware), typed
 * by that boundary: the app has several, so it does not register one context for every route.
 */
function proved<B>(req: Request, _protect: B): ContextOf<B> {
  return req.goggles as ContextOf<B>;
}

/** goggles' helpers cover the statuses its guards answer with; a 404 is the app's own. */
function notFound(detail: string): Problem {
  return { type: "about:blank", title: "Not Found", status: 404, detail };
}

async function sendProblem(res: Response, problem: Problem): Promise<void> {
  const answer = problemResponse(problem);
  res.status(answer.status);
  answer.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.send(await answer.text());
}

/**
 * The family-enrolment API: every route behind a goggles boundary.
 *
 * @example
 * const { app } = familiesApi({ stores: memoryStores(), paymentsUrl, webhookSecret, keys });
 * app.listen(3000, "127.0.0.1");
 */
export function familiesApi(options: FamiliesApiOptions): FamiliesApi {
  const { stores, onEvent } = options;
  const families = new Map<string, Family>();
  const payments = paymentsClient({ url: options.paymentsUrl, breakerStore: stores.breaker, onEvent });
  let webhooksHandled = 0;

  // The demo plays several clients from one machine through X-Forwarded-For, so it trusts loopback as a
  // proxy. In production, name your real proxies (or a hop count) instead.
  const trustProxy = ["loopback"];
  const rate = options.rate ?? { capacity: 10, refillPerSecond: 0.2 };
  const limiter = createLimiter({ ...rate, store: stores.limiter });

  // Inbound, in order: client IP → rate limit → API key → (per route) body limits, safe JSON, schema.
  const api = boundary({ trustProxy, onEvent })
    .use(rateLimit({ limiter }))
    .use(apiKey<Tenant>({ lookup: (id) => options.keys.get(id), prefix: "fam" }));
  const enrol = api.use(json({ schema: Enrolment, maxBytes: 16 * 1024, maxDepth: 8 }));
  const pay = api.use(json({ schema: PaymentRequest, maxBytes: 1024 }));
  // Webhooks: the Stripe signature is the authentication; each delivery is let through once.
  const hooks = boundary({ trustProxy, onEvent }).use(
    webhook(stripe({ secret: options.webhookSecret }), { replay: stores.replay, maxBodyBytes: 64 * 1024 }),
  );

  const app = express();
  app.disable("x-powered-by");

  app.post("/families", goggles(enrol), (req, res) => {
    const { body, apiKey: key } = proved(req, enrol);
    // Names were normalized by the schema; the notes keep their formatting, minus anything executable.
    const clean = sanitize(body, { notes: sanitizeHtml });
    const id = `fam_${families.size + 1}`;
    const family: Family = { ...clean, id, paid: false };
    families.set(id, family);
    res
      .status(201)
      .location(`/families/${id}`)
      .json({ ...family, enrolledBy: key.principal.tenant });
  });

  app.get("/families/:id", goggles(api), async (req, res) => {
    const id = await validate(FamilyId, req.params.id, { source: "path", onEvent });
    if (!id.ok) return sendProblem(res, id.problem);
    const family = families.get(id.value);
    if (family === undefined) return sendProblem(res, notFound("No family with this id."));
    res.json(family);
  });

  app.post("/families/:id/payments", goggles(pay), async (req, res) => {
    const family = families.get(req.params.id);
    if (family === undefined) return sendProblem(res, notFound("No family with this id."));
    const { body } = proved(req, pay);
    const outcome = await payments.charge({ familyId: family.id, amountCents: body.amountCents });
    // Queued is not an error for the family: the payment is kept and charged once the provider is back.
    res
      .status(outcome.status === "charged" ? 201 : 202)
      .json({ ...outcome, breaker: payments.breaker.state });
  });

  // Charges what the fallback queued (a job would do this once the breaker closes).
  app.post("/payments/queued/retry", goggles(api), async (_req, res) => {
    try {
      const charged = await payments.drain();
      res.json({ charged, left: payments.queued.length });
    } catch {
      res.status(503).json({ charged: 0, left: payments.queued.length });
    }
  });

  app.post("/webhooks/payments", goggles(hooks), async (req, res) => {
    const event = await validate(PaymentEvent, proved(req, hooks).webhook.payload, { source: "webhook" });
    if (!event.ok) return sendProblem(res, event.problem);
    webhooksHandled++;
    const familyId = event.value.data.object.metadata?.familyId;
    const family = familyId === undefined ? undefined : families.get(familyId);
    if (event.value.type === "payment_intent.succeeded" && family !== undefined) family.paid = true;
    res.json({ received: event.value.id });
  });

  app.use((_req: Request, res: Response) => sendProblem(res, notFound("No such route.")));

  return {
    app,
    families,
    payments,
    get webhooksHandled() {
      return webhooksHandled;
    },
  };
}
