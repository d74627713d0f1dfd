// A Cloudflare Worker protected by withBoundary, bundled by esbuild for the `worker` condition and run in
// real workerd by workerd.test.ts.
import { boundary } from "@goggles/core";
import { testApiKey, testJson, testRateLimit, testWebhook } from "@goggles/testkit/guards";
import { withBoundary } from "../../src/index.js";

interface Env {
  NAME: string;
}

const api = withBoundary(
  boundary().use(testRateLimit()).use(testApiKey()).use(testJson()),
  async (request: Request, context, env: Env) =>
    Response.json({
      ip: context.ip ?? null,
      key: context.key.id,
      body: context.body,
      text: await request.text(),
      env: env.NAME,
      buffer: typeof (globalThis as { Buffer?: unknown }).Buffer,
    }),
  { getIp: (request) => request.headers.get("cf-connecting-ip") },
);

const handled: string[] = [];
const hooks = withBoundary(boundary().use(testWebhook()), (_request: Request, context, _env: Env) => {
  handled.push(context.hook.id);
  return Response.json({ received: context.hook.id, handled: handled.length }, { status: 202 });
});

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return new URL(request.url).pathname.startsWith("/hooks") ? hooks(request, env) : api(request, env);
  },
};
