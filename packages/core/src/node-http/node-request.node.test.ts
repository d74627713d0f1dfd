import type { IncomingMessage } from "node:http";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
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
