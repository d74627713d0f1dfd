export type { Order } from "./guards.js";
export {
  API_KEY,
  BODY_LIMIT,
  signTestDelivery,
  testApiKey,
  testJson,
  testRateLimit,
  testWebhook,
  throwingGuard,
} from "./guards.js";
export type { HandlerAnswer, RunningServer, StartServer } from "./suite.js";
export { conformance } from "./suite.js";
