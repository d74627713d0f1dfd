// A Cloudflare Worker protected by withBoundary, bundled by esbuild for the `worker` condition and run in
// real workerd by workerd.test.ts.

import { API_KEY, testApiKey, testJson, testRateLimit, testWebhook } from "@goggles/conformance/guards";
import { boundary } from "@goggles/core";
import { withBoundary } from "../../src/index.js";

interface Env {
  NAME: string;
}

const api = withBoundary(
  boundary().use(testRateLimit()).use(testApiKey()).use(testJson()),
  async (request: Request, context, env: Env) =>
    Response.json({
      ip: context.ip ?? null,
      key: context.key.principal,
      body: context.body,
      text: await request.text(),
      env: env.NAME,
      buffer: typeof (globalThis as { Buffer?: unknown }).Buffer,
    }),
  { getIp: (request) => request.headers.get("cf-connecting-ip") },
);

const handled: (string | undefined)[] = [];
const hooks = withBoundary(boundary().use(testWebhook()), (_request: Request, context, _env: Env) => {
  handled.push(context.hook.id);
  return Response.json({ received: context.hook.id, handled: handled.length }, { status: 202 });
});

/** Sends `api` an endless streamed body from inside the worker: it must answer 413 without reading it all. */
async function endless(env: Env): Promise<Response> {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 1;
      controller.enqueue(new Uint8Array(4096).fill(0x20));
    },
  });
  const request = new Request("http://worker.test/orders", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": API_KEY,
      "x-client": "endless",
    },
    body,
    duplex: "half",
  } as RequestInit);
  const response = await api(request, env);
  return Response.json({ status: response.status, pulled });
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    if (new URL(request.url).pathname === "/endless") return endless(env);
    return new URL(request.url).pathname.startsWith("/hooks") ? hooks(request, env) : api(request, env);
  },
};
