// The json() guard behind a real node:http server: a client streams a body far larger than the limit and
// the server answers 413 having read only about the limit, never buffering the whole upload.
import { once } from "node:events";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundary, createBoundaryRequest, json } from "../src/index.js";

const LIMIT = 1024 * 1024;
const protect = boundary().use(json({ maxBytes: LIMIT }));

interface Seen {
  status: number;
  bytesRead: number;
}

let server: Server;
let port: number;
let seen: ((value: Seen) => void) | undefined;

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    let bytesRead = 0;
    async function* counted() {
      for await (const chunk of req as AsyncIterable<Uint8Array>) {
        bytesRead += chunk.byteLength;
        yield chunk;
      }
    }
    const verdict = await protect(
      createBoundaryRequest({
        method: req.method ?? "GET",
        url: `http://127.0.0.1${req.url ?? "/"}`,
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress,
        body: counted(),
      }),
    );
    const status = verdict.ok ? 200 : verdict.problem.status;
    seen?.({ status, bytesRead });
    if (!res.destroyed) {
      res.writeHead(status, { "content-type": "application/json", connection: "close" });
      res.end(JSON.stringify(verdict.ok ? verdict.value.body : verdict.problem));
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, "close");
});

/** Streams up to `total` bytes of JSON whitespace in 64 KiB chunks until the server stops the upload. */
async function upload(total: number, type = "application/json"): Promise<{ sent: number; status?: number }> {
  const req = httpRequest({ host: "127.0.0.1", port, method: "POST", headers: { "content-type": type } });
  let status: number | undefined;
  let stopped = false;
  req.on("response", (res) => {
    status = res.statusCode;
    res.resume();
  });
  const stop = () => {
    stopped = true;
  };
  req.on("error", stop);
  req.on("close", stop);
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  while (sent < total && !stopped && status === undefined) {
    sent += chunk.byteLength;
    if (!req.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        req.once("drain", done);
        req.once("error", done);
        req.once("close", done);
        req.once("response", done);
      });
    }
  }
  if (!stopped) req.destroy();
  return { sent, ...(status === undefined ? {} : { status }) };
}

describe("json() behind node:http", () => {
  it("answers 413 to a 256 MiB upload after reading about the limit", async () => {
    const result = new Promise<Seen>((resolve) => {
      seen = resolve;
    });
    const client = await upload(256 * 1024 * 1024);
    const server = await result;
    expect(server.status).toBe(413);
    expect(server.bytesRead).toBeGreaterThan(LIMIT);
    expect(server.bytesRead).toBeLessThanOrEqual(LIMIT + 256 * 1024);
    // The client was cut off long before the end: the server never took the whole upload.
    expect(client.sent).toBeLessThan(64 * 1024 * 1024);
  });

  it("parses a body within the limit", async () => {
    const result = new Promise<Seen>((resolve) => {
      seen = resolve;
    });
    const req = httpRequest({
      host: "127.0.0.1",
      port,
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    req.end('{"ok":true}');
    const [res] = (await once(req, "response")) as [IncomingMessage];
    let text = "";
    for await (const chunk of res) text += chunk;
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(text)).toEqual({ ok: true });
    expect((await result).status).toBe(200);
  });
});
