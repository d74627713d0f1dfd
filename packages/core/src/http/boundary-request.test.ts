import { describe, expect, it } from "vitest";
import { isProblemError } from "../errors/goggles-error.js";
import { FakeClock } from "../testing/fake-clock.js";
import { type BoundaryRequestInit, createBoundaryRequest, fromRequest } from "./boundary-request.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const make = (init: Partial<BoundaryRequestInit> = {}) =>
  createBoundaryRequest({ method: "post", url: "https://api.example.com/in", headers: {}, ...init });

/** Rejects with a ProblemError of `status`; returns it. */
async function problemOf(promise: Promise<unknown>, status: number) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isProblemError(error)) throw new Error(`expected a ProblemError, got ${String(error)}`);
  expect(error.problem.status).toBe(status);
  return error.problem;
}

/** A source of `count` chunks of `size` bytes that counts what was pulled and whether it was closed. */
function counted(count: number, size: number) {
  const state = { pulled: 0, closed: false };
  async function* source() {
    try {
      for (let i = 0; i < count; i++) {
        state.pulled++;
        yield new Uint8Array(size).fill(97);
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, source: source() };
}

describe("BoundaryRequest", () => {
  it("exposes method (upper case), url, headers under any spelling, socket address and signal", () => {
    const signal = new AbortController().signal;
    const r = make({
      headers: { "Content-Type": "application/json", "x-many": ["a", "b"], "x-none": undefined },
      remoteAddress: "203.0.113.7",
      signal,
    });
    expect(r.method).toBe("POST");
    expect(r.url).toBe("https://api.example.com/in");
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.headers.get("CONTENT-TYPE")).toBe("application/json");
    expect(r.headers.get("x-many")).toBe("a, b");
    expect(r.headers.get("x-none")).toBeNull();
    expect(r.headers.get("constructor")).toBeNull();
    expect(r.headers.get("__proto__")).toBeNull();
    expect(r.remoteAddress).toBe("203.0.113.7");
    expect(r.signal).toBe(signal);
  });

  it("reads a string, bytes or nothing", async () => {
    expect(decoder.decode(await make({ body: '{"a":1}' }).body())).toBe('{"a":1}');
    expect(await make({ body: new Uint8Array([1, 2, 3]) }).body()).toEqual(new Uint8Array([1, 2, 3]));
    expect((await make().body()).byteLength).toBe(0);
    expect((await make({ body: null }).body()).byteLength).toBe(0);
  });

  it("refuses a declared Content-Length over the limit before touching the body", async () => {
    let touched = false;
    const r = make({
      headers: { "content-length": "2000" },
      body: () => {
        touched = true;
        return "x".repeat(2000);
      },
    });
    const problem = await problemOf(r.body({ maxBytes: 1000 }), 413);
    expect(problem.detail).toBe("The body exceeds the limit of 1000 bytes.");
    expect(touched).toBe(false);
  });

  it("answers a Content-Length that is not a number with 400", async () => {
    await problemOf(make({ headers: { "content-length": "12abc" }, body: "x" }).body(), 400);
    await problemOf(make({ headers: { "content-length": "5, 5" }, body: "x" }).body(), 400);
  });

  it("cuts a streamed body at the limit without pulling the rest, and closes the source", async () => {
    const { state, source } = counted(1000, 10);
    await problemOf(make({ body: source }).body({ maxBytes: 25 }), 413);
    expect(state.pulled).toBe(3);
    await Promise.resolve();
    expect(state.closed).toBe(true);
  });

  it("cuts a body that lies about its Content-Length", async () => {
    const { state, source } = counted(1000, 10);
    await problemOf(make({ headers: { "content-length": "5" }, body: source }).body({ maxBytes: 50 }), 413);
    expect(state.pulled).toBe(6);
  });

  it("gives up on a slow sender after the read timeout (408), driven by a FakeClock", async () => {
    const clock = new FakeClock();
    let closed = false;
    async function* slow() {
      try {
        yield encoder.encode("first");
        await new Promise(() => {}); // the rest never arrives
      } finally {
        closed = true;
      }
    }
    const r = make({ body: slow(), clock });
    const reading = problemOf(r.body({ readTimeoutMs: 5000 }), 408);
    await clock.advance(4999);
    let settled = false;
    void reading.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await clock.advance(1);
    const problem = await reading;
    expect(problem.detail).toBe("The body did not arrive within 5000 ms.");
    expect(closed).toBe(false); // stuck in its read: abandoned, not awaited
    expect(clock.pending).toBe(0);
  });

  it("leaves no sleeper behind once the body is read in time", async () => {
    const clock = new FakeClock();
    const { source } = counted(3, 4);
    expect((await make({ body: source, clock }).body()).byteLength).toBe(12);
    expect(clock.pending).toBe(0);
  });

  it.each(["gzip", "br", "deflate", "GZIP", "gzip, identity"])(
    "refuses Content-Encoding %j with 415",
    async (enc) => {
      let touched = false;
      const r = make({
        headers: { "content-encoding": enc },
        body: () => {
          touched = true;
          return "x";
        },
      });
      await problemOf(r.body(), 415);
      expect(touched).toBe(false);
      expect(() => make({ headers: { "content-encoding": enc }, body: "x" }).stream()).toThrow();
    },
  );

  it.each(["identity", " Identity ", ""])("accepts Content-Encoding %j", async (enc) => {
    expect(decoder.decode(await make({ headers: { "content-encoding": enc }, body: "ok" }).body())).toBe(
      "ok",
    );
  });

  it("reads once and shares the bytes with concurrent and later callers", async () => {
    let produced = 0;
    const { state, source } = counted(4, 8);
    const r = make({
      body: () => {
        produced++;
        return source;
      },
    });
    expect(r.bodyUsed).toBe(false);
    const [a, b] = await Promise.all([r.body(), r.body()]);
    const c = await r.body();
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(a.byteLength).toBe(32);
    expect(produced).toBe(1);
    expect(state.pulled).toBe(4);
    expect(r.bodyUsed).toBe(true);
  });

  it("checks a smaller later limit against the cached bytes", async () => {
    const r = make({ body: "0123456789" });
    expect((await r.body({ maxBytes: 100 })).byteLength).toBe(10);
    await problemOf(r.body({ maxBytes: 9 }), 413);
    expect((await r.body({ maxBytes: 10 })).byteLength).toBe(10);
  });

  it("keeps a refusal: asking again gives the same problem", async () => {
    const r = make({ body: "0123456789" });
    await problemOf(r.body({ maxBytes: 5 }), 413);
    await problemOf(r.body({ maxBytes: 100 }), 413);
  });

  it("uses the request's default limits unless a call overrides them", async () => {
    const r = make({ body: "0123456789", limits: { maxBytes: 4 } });
    await problemOf(r.body(), 413);
    const s = make({ body: "0123456789", limits: { maxBytes: 4 } });
    expect((await s.body({ maxBytes: 10 })).byteLength).toBe(10);
  });

  it("streams once, with the limit applied, and not after body()", async () => {
    const r = make({ body: "abcdef" });
    const chunks: string[] = [];
    for await (const chunk of r.stream()) chunks.push(decoder.decode(chunk));
    expect(chunks.join("")).toBe("abcdef");
    expect(() => r.stream()).toThrow(TypeError);
    await expect(r.body()).rejects.toThrow(TypeError);

    const read = make({ body: "abc" });
    await read.body();
    expect(() => read.stream()).toThrow(/streamed only once/);

    const { state, source } = counted(100, 10);
    const big = make({ body: source });
    const pulled: Uint8Array[] = [];
    const streaming = (async () => {
      for await (const chunk of big.stream({ maxBytes: 30 })) pulled.push(chunk);
    })();
    await problemOf(streaming, 413);
    expect(pulled.length).toBe(3);
    expect(state.pulled).toBe(4);
  });

  it("accepts string chunks and any view of bytes, and refuses chunks that are not bytes", async () => {
    async function* mixed() {
      yield "ab" as unknown as Uint8Array;
      yield new DataView(new Uint8Array([99]).buffer) as unknown as Uint8Array;
      yield new Uint16Array([0x6464]) as unknown as Uint8Array;
    }
    expect(decoder.decode(await make({ body: mixed() }).body())).toBe("abcdd");
    async function* wrong() {
      yield 42 as unknown as Uint8Array;
    }
    await expect(make({ body: wrong() }).body()).rejects.toThrow(TypeError);
  });
});

describe("fromRequest", () => {
  it("wraps a web Request, consuming its body only when asked", async () => {
    const request = new Request("https://api.example.com/orders?x=1", {
      method: "PUT",
      headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.7" },
      body: JSON.stringify({ id: 7 }),
    });
    const r = fromRequest(request, { remoteAddress: "10.0.0.2" });
    expect(r.method).toBe("PUT");
    expect(r.url).toBe("https://api.example.com/orders?x=1");
    expect(r.headers.get("Content-Type")).toBe("application/json");
    expect(r.remoteAddress).toBe("10.0.0.2");
    expect(r.signal).toBe(request.signal);
    expect(request.bodyUsed).toBe(false);
    expect(JSON.parse(decoder.decode(await r.body()))).toEqual({ id: 7 });
    expect(request.bodyUsed).toBe(true);
  });

  it("reads no body for a GET", async () => {
    const r = fromRequest(new Request("https://api.example.com/"));
    expect((await r.body()).byteLength).toBe(0);
  });

  it("enforces the limits on a streamed Request body", async () => {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(1024));
        if (pulls === 1000) controller.close();
      },
    });
    const request = new Request("https://api.example.com/upload", {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    await problemOf(fromRequest(request, { limits: { maxBytes: 4096 } }).body(), 413);
    expect(pulls).toBeLessThan(20);
  });

  it("times out a Request body that stalls", async () => {
    const clock = new FakeClock();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("part"));
      },
    });
    const request = new Request("https://api.example.com/upload", {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    const reading = problemOf(fromRequest(request, { clock, limits: { readTimeoutMs: 100 } }).body(), 408);
    await clock.advance(100);
    await reading;
  });
});
