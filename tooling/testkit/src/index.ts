export type { RedisServer } from "./redis-server.js";
export { freePort, hasRedisServer, startRedisServer } from "./redis-server.js";
export { redisUrlForTests } from "./redis-url.js";
