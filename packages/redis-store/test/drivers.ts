import { Redis } from "ioredis";
import { createClient } from "redis";
import type { IoredisLike, NodeRedisLike } from "../src/index.js";

/** A real driver client for the shared suite, plus raw access for set-up and inspection. */
export interface DriverHandle {
  readonly client: IoredisLike | NodeRedisLike;
  /** Sends a raw command on the user's connection (bypassing goggles). */
  command(args: string[]): Promise<unknown>;
  /** Whether the user's connection is ready for commands. */
  ready(): boolean;
  /** Closes the user's connection (the test owns it, as a user would). */
  close(): Promise<void>;
}

export interface DriverCase {
  readonly name: "ioredis" | "node-redis";
  /** A fail-fast client: no offline queue, fast reconnects. */
  connect(url: string): Promise<DriverHandle>;
}

export const driverCases: readonly DriverCase[] = [
  {
    name: "ioredis",
    async connect(url) {
      const client = new Redis(url, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        retryStrategy: () => 50,
      });
      client.on("error", () => {});
      await client.connect();
      const typed: IoredisLike = client;
      return {
        client: typed,
        command: ([name, ...args]) => client.call(name as string, ...args),
        ready: () => client.status === "ready",
        async close() {
          client.disconnect(false);
        },
      };
    },
  },
  {
    name: "node-redis",
    async connect(url) {
      const client = createClient({
        url,
        disableOfflineQueue: true,
        socket: { reconnectStrategy: () => 50 },
      });
      client.on("error", () => {});
      await client.connect();
      const typed: NodeRedisLike = client;
      return {
        client: typed,
        command: (args) => client.sendCommand(args),
        ready: () => client.isReady,
        async close() {
          if (client.isOpen) client.destroy();
        },
      };
    },
  },
];
