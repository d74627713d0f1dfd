// A deliberately unreliable HTTP server on 127.0.0.1 for the outbound tests.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FlakyServer {
  url: string;
  /** Requests seen per path (without the query). */
  hits(path: string): number;
  /** `Idempotency-Key` headers seen per path. */
  keys(path: string): (string | undefined)[];
  /** Connections currently open. */
  readonly openConnections: number;
  /** Resolves when the server received a request for `path` (for tests that must wait for it). */
  received(path: string): Promise<IncomingMessage>;
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

const routes: Record<string, Route> = {
  "/ok": (_req, res) => json(res, 200, { ok: true }),
  "/json": (_req, res) => json(res, 200, { id: "secret-looking-value", name: "Ada" }),
  "/html": (_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html>password=hunter2</html>");
  },
  "/not-found": (_req, res) => json(res, 404, { error: "nope" }),
  "/always-503": (_req, res) => json(res, 503, { error: "down" }),
  "/flaky": (_req, res, hit) => (hit === 1 ? json(res, 503, { error: "down" }) : json(res, 200, { hit })),
  "/retry-after-seconds": (_req, res, hit) =>
    hit === 1 ? json(res, 503, { error: "busy" }, { "retry-after": "2" }) : json(res, 200, { hit }),
  "/retry-after-date": (_req, res, hit) =>
    hit === 1
      ? json(res, 429, { error: "slow down" }, { "retry-after": new Date(Date.now() + 3_000).toUTCString() })
      : json(res, 200, { hit }),
  "/retry-after-hour": (_req, res) => json(res, 503, { error: "maintenance" }, { "retry-after": "3600" }),
  "/drop-once": (req, res, hit) => {
    if (hit === 1) req.socket.destroy();
    else json(res, 200, { hit });
  },
  "/drop": (req) => req.socket.destroy(),
  "/hang": () => {},
  "/big": (_req, res) => {
    const body = "x".repeat(64 * 1024);
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    res.end(body);
  },
  "/big-chunked": (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    for (let i = 0; i < 16; i++) res.write("x".repeat(4096));
    res.end();
  },
};

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function startFlakyServer(): Promise<FlakyServer> {
  const hits = new Map<string, number>();
  const keys = new Map<string, (string | undefined)[]>();
  const waiters = new Map<string, ((req: IncomingMessage) => void)[]>();
  let open = 0;
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] as string;
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    keys.set(path, [...(keys.get(path) ?? []), req.headers["idempotency-key"] as string | undefined]);
    req.resume();
    for (const wake of waiters.get(path) ?? []) wake(req);
    waiters.delete(path);
    const route = routes[path] ?? (path.startsWith("/flaky") ? routes["/flaky"] : undefined);
    if (route === undefined) json(res, 404, {});
    else route(req, res, hit);
  });
  server.on("connection", (socket) => {
    open++;
    socket.on("close", () => open--);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        hits: (path) => hits.get(path) ?? 0,
        keys: (path) => keys.get(path) ?? [],
        get openConnections() {
          return open;
        },
        received: (path) =>
          new Promise((wake) => {
            waiters.set(path, [...(waiters.get(path) ?? []), wake]);
          }),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
