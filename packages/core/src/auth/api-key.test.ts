import { describe, expect, it } from "vitest";
import type { GogglesEvent } from "../events.js";
import { boundary } from "../http/boundary.js";
import { createBoundaryRequest } from "../http/boundary-request.js";
import { FakeClock } from "../testing/fake-clock.js";
import { apiKey } from "./api-key.js";
import { apiKeys } from "./api-keys.js";

async function setup() {
  const alice = await apiKeys.generate({ prefix: "acme" });
  const bob = await apiKeys.generate({ prefix: "acme" });
  const records = new Map([
    [alice.id, { hash: alice.hash, principal: { user: "alice" }, scopes: ["read"] }],
    [bob.id, { hash: bob.hash, principal: { user: "bob" }, expiresAt: 5_000 }],
  ]);
  const lookups: string[] = [];
  const events: GogglesEvent[] = [];
  const clock = new FakeClock(1_000);
  const protect = boundary({ clock, onEvent: (e) => events.push(e) }).use(
    apiKey({
      lookup: async (id) => {
        lookups.push(id);
        return records.get(id);
      },
      prefix: "acme",
    }),
  );
  const call = (headers: Record<string, string>) =>
    protect(createBoundaryRequest({ method: "GET", url: "https://api.example.com/", headers }));
  return { alice, bob, lookups, events, clock, call };
}

describe("apiKey() guard", () => {
  it("accepts a Bearer key or X-API-Key and puts the principal and scopes in the context", async () => {
    const { alice, call, events } = await setup();
    for (const headers of [{ authorization: `Bearer ${alice.key}` }, { "x-api-key": alice.key }] as Record<
      string,
      string
    >[]) {
      const verdict = await call(headers);
      expect(verdict.ok).toBe(true);
      if (verdict.ok)
        expect(verdict.value.apiKey).toEqual({
          id: alice.id,
          principal: { user: "alice" },
          scopes: ["read"],
        });
    }
    expect(events).toContainEqual({ type: "auth_succeeded", keyId: alice.id });
  });

  it("refuses a missing key with 401 and WWW-Authenticate", async () => {
    const { call } = await setup();
    const verdict = await call({});
    expect(verdict).toMatchObject({
      ok: false,
      problem: { status: 401, headers: { "www-authenticate": 'Bearer realm="api"' } },
    });
  });

  it("refuses malformed keys without a lookup, reporting a fingerprint only", async () => {
    const { alice, call, lookups, events } = await setup();
    const typo = `${alice.key.slice(0, -1)}${alice.key.endsWith("a") ? "b" : "a"}`;
    const verdict = await call({ authorization: `Bearer ${typo}` });
    expect(verdict).toMatchObject({ ok: false, problem: { status: 401 } });
    expect(lookups).toEqual([]);
    const failed = events.find((e) => e.type === "auth_failed");
    expect(failed).toMatchObject({
      reason: "malformed",
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(JSON.stringify(events)).not.toContain(typo);
    expect(JSON.stringify(verdict)).not.toContain(typo);
  });

  it("refuses an unknown id and a wrong secret with the same problem", async () => {
    const { alice, call, events } = await setup();
    const stranger = await apiKeys.generate({ prefix: "acme" });
    const unknown = await call({ authorization: `Bearer ${stranger.key}` });
    // A well-formed key reusing alice's id with another secret.
    const body = `acme_${alice.id}_${stranger.key.split("_")[2]?.slice(0, 32)}`;
    const { crc32 } = await import("./api-keys.js");
    const B = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let n = crc32(body);
    let sum = "";
    for (let i = 0; i < 6; i++) {
      sum = B[n % 62] + sum;
      n = Math.floor(n / 62);
    }
    const forged = await call({ authorization: `Bearer ${body}${sum}` });
    expect(unknown.ok).toBe(false);
    expect(forged.ok).toBe(false);
    if (!unknown.ok && !forged.ok) expect(unknown.problem).toEqual(forged.problem);
    expect(
      events.filter((e) => e.type === "auth_failed").map((e) => (e as { reason: string }).reason),
    ).toEqual(["unknown_key", "mismatch"]);
  });

  it("refuses an expired key by the injected clock", async () => {
    const { bob, call, clock } = await setup();
    expect((await call({ "x-api-key": bob.key })).ok).toBe(true);
    clock.set(5_000);
    expect(await call({ "x-api-key": bob.key })).toMatchObject({ ok: false, problem: { status: 401 } });
  });

  it("refuses keys with another prefix", async () => {
    const { call } = await setup();
    const other = await apiKeys.generate({ prefix: "other" });
    expect((await call({ "x-api-key": other.key })).ok).toBe(false);
  });
});
