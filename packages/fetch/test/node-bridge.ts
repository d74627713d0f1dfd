// A minimal node:http ⇄ fetch bridge for tests: what Hono's node-server or Next.js do in production.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { RunningServer } from "@goggles/conformance";

/** Request body as a web stream whose cancel leaves the socket alive (so a 413 can still be sent). */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  const it = req.iterator({ destroyOnReturn: false });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await it.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value as Uint8Array));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await it.return?.();
    },
  });
}

export type NodeFetchHandler = (
  request: Request,
  info: { remoteAddress: string | undefined },
) => Promise<Response>;

export function serveFetch(handler: NodeFetchHandler): Promise<RunningServer> {
  const server = createServer(async (req, res) => {
    const method = req.method ?? "GET";
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method,
      headers: Object.entries(req.headers).flatMap(([k, v]) =>
        v === undefined
          ? []
          : Array.isArray(v)
            ? v.map((x) => [k, x] as [string, string])
            : [[k, v] as [string, string]],
      ),
      ...(method === "GET" || method === "HEAD" ? {} : { body: bodyStream(req), duplex: "half" }),
    } as RequestInit);
    let response: Response;
    try {
      response = await handler(request, { remoteAddress: req.socket.remoteAddress });
    } catch {
      response = new Response("handler threw", { status: 500 });
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    if (!req.readableEnded) headers.connection = "close";
    res.writeHead(response.status, headers);
    if (response.body === null) res.end();
    else Readable.fromWeb(response.body as never).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
