import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** How the fake provider behaves: answering, hanging (never answers), or down (its port closed). */
export type ProviderMode = "up" | "slow" | "down";

/** A local stand-in for a payment provider's API: `POST /charges` → 201 `{ id, amountCents }`. */
export interface FakePaymentProvider {
  readonly url: string;
  /** Charges it has accepted. */
  readonly charges: number;
  /** Requests that reached it, answered or not. */
  readonly hits: number;
  readonly mode: ProviderMode;
  /** "down" closes the port and drops open connections; "up" listens again on the same port. */
  setMode(mode: ProviderMode): Promise<void>;
  close(): Promise<void>;
}

/** Starts the fake provider on 127.0.0.1 (a free port). */
export async function startPaymentProvider(): Promise<FakePaymentProvider> {
  let charges = 0;
  let hits = 0;
  let mode: ProviderMode = "up";
  const hanging = new Set<import("node:http").ServerResponse>();

  const server: Server = createServer((req, res) => {
    hits++;
    req.resume();
    if (mode === "slow") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return; // never answers: the caller's timeout must act
    }
    if (req.method !== "POST" || req.url !== "/charges") {
      res.writeHead(404).end();
      return;
    }
    req.on("end", () => {
      charges++;
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: `ch_${charges}`, status: "succeeded" }));
    });
  });
  server.keepAliveTimeout = 1_000;

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const port = await listen(0);
  return {
    url: `http://127.0.0.1:${port}`,
    get charges() {
      return charges;
    },
    get hits() {
      return hits;
    },
    get mode() {
      return mode;
    },
    async setMode(next) {
      if (next === mode) return;
      if (next === "down") await stop();
      else if (mode === "down") await listen(port);
      if (next === "up") for (const res of hanging) res.destroy();
      mode = next;
    },
    async close() {
      if (mode !== "down") await stop();
      mode = "down";
    },
  };
}
