import {
  type Clock,
  consecutive,
  constantBackoff,
  defineAdapter,
  type GogglesEvent,
  isBrokenCircuitError,
  isTimeoutError,
  ProblemError,
  type StandardSchemaV1,
  systemClock,
  unprocessableContent,
} from "@goggles/core";
import { FakeClock } from "@goggles/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isResponseTooLargeError, isResponseValidationError, protectedFetch } from "../src/index.js";
import { type FlakyServer, startFlakyServer } from "./flaky-server.js";

let server: FlakyServer;
beforeAll(async () => {
  server = await startFlakyServer();
});
afterAll(async () => {
  await server.close();
});

/** The real clock, except that retry waits are recorded and skipped (use with `timeoutMs: false`). */
function recordingClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    now: () => systemClock.now(),
    sleep: (ms, signal) => {
      slept.push(ms);
      return systemClock.sleep(0, signal);
    },
    slept,
  };
}

const User = {
  "~standard": {
    version: 1 as const,
    vendor: "test",
    validate: (value: unknown) => {
      const v = value as { id?: unknown; name?: unknown } | null;
      return typeof v === "object" && v !== null && typeof v.id === "number" && typeof v.name === "string"
        ? { value: v as { id: number; name: string } }
        : { issues: [{ message: "Expected a number", path: ["id"] }] };
    },
  },
};

describe("protectedFetch", () => {
  it("resolves relative URLs against baseUrl and behaves like fetch on success", async () => {
    const api = protectedFetch({ baseUrl: `${server.url}/` });
    const response = await api("ok");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("retries an idempotent call after a 503 and returns the success", async () => {
    const clock = recordingClock();
    const api = protectedFetch({ baseUrl: server.url, clock, policies: { timeoutMs: false } });
    const response = await api("/flaky");
    expect(response.status).toBe(200);
    expect(server.hits("/flaky")).toBe(2);
  });

  it("honours Retry-After in seconds and as an HTTP date, and returns the response when it asks too much", async () => {
    const clock = recordingClock();
    const api = protectedFetch({
      baseUrl: server.url,
      clock,
      policies: { timeoutMs: false, retry: { backoff: constantBackoff(0), maxRetryAfterMs: 60_000 } },
    });
    expect((await api("/retry-after-seconds")).status).toBe(200);
    expect(clock.slept).toEqual([2_000]);
    expect((await api("/retry-after-date")).status).toBe(200);
    expect(clock.slept[1]).toBeGreaterThan(1_000);
    expect(clock.slept[1]).toBeLessThanOrEqual(3_000);
    const response = await api("/retry-after-hour");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("3600");
    expect(server.hits("/retry-after-hour")).toBe(1);
    expect(await response.json()).toEqual({ error: "maintenance" });
  });

  it("retries a dropped connection for GET but never a POST without an idempotency key", async () => {
    const api = protectedFetch({
      baseUrl: server.url,
      clock: recordingClock(),
      policies: { timeoutMs: false },
    });
    expect((await api("/drop-once")).status).toBe(200);
    expect(server.hits("/drop-once")).toBe(2);
    await expect(api("/drop", { method: "POST", body: "{}" })).rejects.toThrow();
    expect(server.hits("/drop")).toBe(1);
  });

  it("retries a POST with the same Idempotency-Key on every attempt when asked to", async () => {
    const api = protectedFetch({
      baseUrl: server.url,
      clock: recordingClock(),
      policies: { timeoutMs: false },
      idempotencyKey: () => "key-123",
    });
    const response = await api("/flaky-post", { method: "POST", body: "{}" });
    expect(response.status).toBe(200);
    expect(server.keys("/flaky-post")).toEqual(["key-123", "key-123"]);
    const plain = protectedFetch({
      baseUrl: server.url,
      clock: recordingClock(),
      policies: { timeoutMs: false },
    });
    expect((await plain("/flaky-post-2", { method: "POST", body: "{}" })).status).toBe(503);
    expect(server.keys("/flaky-post-2")).toEqual([undefined]);
  });

  it("never retries a one-shot stream body", async () => {
    const api = protectedFetch({
      baseUrl: server.url,
      clock: recordingClock(),
      policies: { timeoutMs: false },
    });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("{}"));
        controller.close();
      },
    });
    const response = await api("/always-503", { method: "PUT", body, duplex: "half" } as RequestInit);
    expect(response.status).toBe(503);
    expect(server.hits("/always-503")).toBe(1);
    await response.arrayBuffer();
  });

  it("opens the host's breaker on 5xx, not on 4xx, and other hosts keep their own", async () => {
    const events: GogglesEvent[] = [];
    const api = protectedFetch({
      baseUrl: server.url,
      onEvent: (e) => events.push(e),
      policies: {
        retry: false,
        breakers: { breaker: { strategy: consecutive({ threshold: 2 }), openFor: 60_000 } },
      },
    });
    for (let i = 0; i < 4; i++) expect((await api("/not-found")).status).toBe(404);
    expect((await api("/ok")).status).toBe(200);
    const before = server.hits("/always-503");
    expect((await api("/always-503")).status).toBe(503);
    expect((await api("/always-503")).status).toBe(503);
    const refused = await api("/always-503").catch((e: unknown) => e);
    expect(isBrokenCircuitError(refused)).toBe(true);
    expect(server.hits("/always-503")).toBe(before + 2);
    expect(events.some((e) => e.type === "breaker_opened")).toBe(true);
    const otherHost = server.url.replace("127.0.0.1", "localhost");
    expect((await api(`${otherHost}/ok`)).status).toBe(200);
  });

  it("aborts a hung attempt on timeout, releasing its socket and leaving no timer", async () => {
    const clock = new FakeClock();
    const api = protectedFetch({ baseUrl: server.url, clock, policies: { timeoutMs: 1_000, retry: false } });
    const arrived = server.received("/hang");
    const pending = api("/hang").catch((e: unknown) => e);
    const request = await arrived;
    const closed = new Promise((resolve) => request.socket.once("close", resolve));
    await clock.advance(1_000);
    expect(isTimeoutError(await pending)).toBe(true);
    await closed; // the attempt's request was really aborted
    expect(clock.pending).toBe(0);
  });

  it("caps the response size it reads, whether declared or streamed", async () => {
    const api = protectedFetch({ baseUrl: server.url, maxResponseBytes: 1_000 });
    const declared = await (await api("/big")).text().catch((e: unknown) => e);
    expect(isResponseTooLargeError(declared)).toBe(true);
    const streamed = await (await api("/big-chunked")).text().catch((e: unknown) => e);
    expect(isResponseTooLargeError(streamed)).toBe(true);
    expect(await (await protectedFetch({ baseUrl: server.url })("/big")).text()).toHaveLength(64 * 1024);
  });

  it("validates JSON bodies: typed value, or ResponseValidationError with issues and never the body", async () => {
    const api = protectedFetch({ baseUrl: server.url });
    const invalid = await (await api("/json?token=abc")).json(User).catch((e: unknown) => e);
    expect(isResponseValidationError(invalid)).toBe(true);
    const error = invalid as Error & { issues: unknown[]; status: number; url: string };
    expect(error.issues).toEqual([{ path: "id", message: "Expected a number" }]);
    expect(error.status).toBe(200);
    expect(error.url).toBe(`${server.url}/json`);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain("secret-looking-value");
    const Named: StandardSchemaV1<unknown, { name: string }> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: (v: unknown) => ({ value: v as { name: string } }),
      },
    };
    const ada = defineAdapter({
      schema: Named,
      transform: (v) => {
        if (v.name !== "Ada") throw new ProblemError(unprocessableContent({ detail: "Not Ada." }));
        return { displayName: v.name.toUpperCase() };
      },
    });
    expect(await (await api("/json")).json(ada)).toEqual({ displayName: "ADA" });
    const html = await (await api("/html")).json(User).catch((e: unknown) => e);
    expect(isResponseValidationError(html)).toBe(true);
    expect(JSON.stringify({ ...(html as object), message: (html as Error).message })).not.toContain(
      "hunter2",
    );
  });
});
