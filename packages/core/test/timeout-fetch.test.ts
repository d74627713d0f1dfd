import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTimeoutError, type TimeoutError, timeout } from "../src/index.js";

describe("timeout cancels a real fetch", () => {
  let server: Server;
  let url: string;
  const sockets = new Set<Socket>();
  const closed: Socket[] = [];
  let requests = 0;

  beforeAll(async () => {
    server = createServer(() => {
      requests++; // never answers
    });
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.once("close", () => closed.push(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hang`;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("aborts the request with the TimeoutError as its reason, and the socket closes", async () => {
    const socketClosed = new Promise<void>((resolve) => {
      server.once("connection", (socket) => socket.once("close", () => resolve()));
    });
    const error = await timeout(100)
      .execute(({ signal }) => fetch(url, { signal }))
      .catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    expect((error as TimeoutError).timeoutMs).toBe(100);
    await socketClosed; // resolves only because the client tore the connection down
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(closed.length).toBeGreaterThanOrEqual(1);
  });

  it("aborts the fetch with the caller's reason when the caller aborts first", async () => {
    const controller = new AbortController();
    const socketClosed = new Promise<void>((resolve) => {
      server.once("connection", (socket) => socket.once("close", () => resolve()));
    });
    const call = timeout(60_000)
      .execute(({ signal }) => fetch(url, { signal }), { signal: controller.signal })
      .catch((e: unknown) => e);
    server.once("request", () => controller.abort(new Error("client went away")));
    const error = await call;
    expect(error).toEqual(new Error("client went away"));
    await socketClosed;
  });
});
