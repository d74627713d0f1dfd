// `pnpm --filter @goggles/example-families-api start`: the families API and its fake payment provider,
// left running for you to try with curl. In-memory stores, or Redis stores when REDIS_URL is set.
import { type ApiKeyRecord, apiKeys } from "@goggles/core";
import { familiesApi, type Tenant } from "./app.js";
import { startPaymentProvider } from "./payment-provider.js";
import { memoryStores, redisStores } from "./stores.js";

const port = Number(process.env.PORT ?? 3000);
const stores = process.env.REDIS_URL ? redisStores(process.env.REDIS_URL) : memoryStores();
const provider = await startPaymentProvider();
const key = await apiKeys.generate({ prefix: "fam" });
const keys = new Map<string, ApiKeyRecord<Tenant>>([
  [key.id, { hash: key.hash, principal: { tenant: "you" } }],
]);
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET ?? "whsec_families_local";
const { app } = familiesApi({
  stores,
  paymentsUrl: provider.url,
  webhookSecret,
  keys,
  onEvent: (event) => console.log("goggles", JSON.stringify(event)),
});
const server = app.listen(port, "127.0.0.1", () => {
  console.log(
    `families API on http://127.0.0.1:${port} (${stores.kind} stores), payment provider on ${provider.url}`,
  );
  console.log(`API key (shown once): ${key.key}`);
  console.log(`try: curl -H "authorization: Bearer ${key.key}" http://127.0.0.1:${port}/families/fam_1`);
});

const stop = async () => {
  server.close();
  server.closeAllConnections();
  await provider.close();
  await stores.close();
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
