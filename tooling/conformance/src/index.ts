export {
  API_KEY,
  BODY_LIMIT,
  Order,
  signTestDelivery,
  testApiKey,
  testJson,
  testRateLimit,
  testWebhook,
  throwingGuard,
} from "./guards.js";
export type { HandlerAnswer, RunningServer, StartServer } from "./suite.js";
export { conformance } from "./suite.js";
