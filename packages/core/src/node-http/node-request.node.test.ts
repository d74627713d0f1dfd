import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import { type AddressInfo, connect } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isProblemError } from "../errors/goggles-error.js";
import { FakeClock } from "../testing/fake-clock.js";
import { fromNodeRequest } from "./node-request.js";

function fakeRequest(host: string | undefined, url: string, encrypted = false): IncomingMessage {
  return {
    method: "GET",
    url,
    headers: host === undefined ? {} : { host },
    socket: { remoteAddress: "127.0.0.1", encrypted },
  } as unknown as IncomingMessage;
}

const consumed = () => new Error("consumed");

describe("fromNodeRequest", () => {
  it("builds the absolute URL from the socket's scheme, Host and the raw path", () => {
    expect(fromNodeRequest(fakeRequest("api.test:8443", "/a?b=1", true), { consumed }).url).toBe(
      "https://api.test:8443/a?b=1",
    );
    expect(fromNodeRequest(fakeRequest("[::1]:3000", "/"), { consumed }).url).toBe("http://[::1]:3000/");
    expect(fromNodeRequest(fakeRequest(undefined, "/x"), { consumed }).url).toBe("http://localhost/x");
    expect(fromNodeRequest(fakeRequest("evil.test/path?", "/x"), { consumed }).url).toBe(
      "http://localhost/x",
    );
    expect(fromNodeRequest(fakeRequest("api.test", "http://other.test/y"), { consumed }).url).toBe(
      "http://other.test/y",
    );
    expect(fromNodeRequest(fakeRequest("api.test", "*"), { consumed }).url).toBe("http://api.test/");
    for (const bad of ["api.test:99999", "[:::]", "[1.2.3.4]", "1.2.3.999", "a b", "user@host"]) {
      expect(fromNodeRequest(fakeRequest(bad, "/"), { consumed }).url).toBe("http://localhost/");
    }
  });

  it("reads Node's headers in place: own entries only, repeated ones joined", () => {
    const req = fakeRequest("api.test", "/");
    (req as { headers: Record<string, unknown> }).headers = { "x-a": ["1", "2"], "x-b": "3" };
    const request = fromNodeRequest(req, { consumed });
    expect(request.headers.get("X-A")).toBe("1, 2");
    expect(request.headers.get("x-b")).toBe("3");
    expect(request.headers.get("constructor")).toBeNull();
    expect(request.headers.get("__proto__")).toBeNull();
    expect(request.headers.get("x-missing")).toBeNull();
  });

  it("always gives a URL that parses, whatever the Host header and target hold", () => {
    fc.assert(
      fc.property(
        fc.option(fc.oneof(fc.string(), fc.stringMatching(/^[a-z.[\]:0-9-]{1,12}(:\d{1,6})?$/)), {
          nil: undefined,
        }),
        fc.oneof(fc.string(), fc.webUrl(), fc.webPath()),
        (host, target) => {
          const { url } = fromNodeRequest(fakeRequest(host, target), { consumed });
          expect(() => new URL(url)).not.toThrow();
        },
      ),
    );
  });
});

describe("fromNodeRequest bodies over a real socket", () => {
  /** A server whose handler reads the body through `read` and answers with what came of it. */
  async function serveBodies(read: (req: IncomingMessage) => Promise<string>) {
    const server = createServer((req, res) => {
      read(req).then(
        (text) => res.end(text),
        (error: unknown) => {
          res.statusCode = isProblemError(error) ? error.problem.status : 500;
          res.end();
        },
      );
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    return {
      port,
      [Symbol.asyncDispose]: async () => {
        server.closeAllConnections();
        server.close();
      },
    };
  }

  /** Sends a raw request, waiting `pauseMs` between the given pieces; resolves with the status line. */
  async function send(port: number, pieces: string[], pauseMs = 15): Promise<string> {
    const socket = connect(port, "127.0.0.1");
    await once(socket, "connect");
    let answer = "";
    socket.setEncoding("latin1").on("data", (text: string) => {
      answer += text;
    });
    for (const piece of pieces) {
      if (socket.destroyed) break;
      socket.write(piece);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    await expect.poll(() => answer.includes("\r\n\r\n")).toBe(true);
    socket.destroy();
    return answer;
  }

  const chunked = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";

  it("gathers a body that arrives in pieces into one array", async () => {
    await using server = await serveBodies(async (req) => {
      const bytes = await fromNodeRequest(req, { consumed }).body();
      return `${bytes.byteLength}:${new TextDecoder().decode(bytes)}`;
    });
    const answer = await send(server.port, [chunked, "3\r\nabc\r\n", "4\r\ndefg\r\n", "0\r\n\r\n"]);
    expect(answer).toMatch(/^HTTP\/1.1 200/);
    expect(answer.endsWith("7:abcdefg")).toBe(true);
  });

  it("refuses a streamed body with 413 as soon as it passes the limit, and still answers", async () => {
    await using server = await serveBodies(async (req) =>
      String((await fromNodeRequest(req, { consumed }).body({ maxBytes: 5 })).byteLength),
    );
    // The body never ends: only the limit, checked as the pieces arrive, can answer it.
    const answer = await send(server.port, [chunked, "4\r\nabcd\r\n", "4\r\nefgh\r\n", "4\r\nijkl\r\n"]);
    expect(answer).toMatch(/^HTTP\/1.1 413/);
  });

  it("gives 408 when the body stalls past the read deadline, on the injected clock", async () => {
    const clock = new FakeClock();
    await using server = await serveBodies(async (req) => {
      // Handled at once: the refusal comes during `advance`, before the last line awaits it.
      const reading = fromNodeRequest(req, { consumed, clock })
        .body({ readTimeoutMs: 1000 })
        .then(
          (bytes) => ({ bytes }),
          (error: unknown) => ({ error }),
        );
      await expect.poll(() => req.listenerCount("data")).toBe(1); // the read is waiting for more
      await clock.advance(999);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(req.listenerCount("data")).toBe(1);
      await clock.advance(1);
      const outcome = await reading;
      if ("error" in outcome) throw outcome.error;
      return String(outcome.bytes.byteLength);
    });
    const answer = await send(server.port, [chunked, "3\r\nabc\r\n"]);
    expect(answer).toMatch(/^HTTP\/1.1 408/);
  });

  it("gives 400 when the client went away before the body was read", async () => {
    let status = 0;
    const server = createServer((req) => {
      req.on("close", () => {
        fromNodeRequest(req, { consumed })
          .body()
          .catch((error: unknown) => {
            status = isProblemError(error) ? error.problem.status : -1;
          });
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
      await once(socket, "connect");
      socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123");
      await new Promise((resolve) => setTimeout(resolve, 15));
      socket.destroy();
      await expect.poll(() => status).toBe(400);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
