import { boundary, type Guard, pass, unauthorized } from "@goggles/core";
import { describe, expect, it } from "vitest";
import { withBoundary } from "./with-boundary.js";

const length: Guard<"length", number> = {
  name: "length",
  check: async ({ request }) => pass((await request.body()).byteLength, { ratelimit: '"d";r=1;t=1' }),
};

describe("withBoundary", () => {
  it("hands the handler the context and a body it can still read after a guard read it", async () => {
    const handle = withBoundary(boundary().use(length), async (request, context) =>
      Response.json({ length: context.length, text: await request.text(), method: request.method }),
    );
    const response = await handle(new Request("https://api.test/x", { method: "POST", body: "hello" }));
    expect(await response.json()).toEqual({ length: 5, text: "hello", method: "POST" });
    expect(response.headers.get("ratelimit")).toBe('"d";r=1;t=1');
  });

  it("leaves an unread body to the handler and passes the runtime's extra arguments through", async () => {
    const handle = withBoundary(
      boundary(),
      async (request, context, env: { name: string }) =>
        Response.json({ ip: context.ip, text: await request.text(), env: env.name }),
      { getIp: (_request, env) => (env.name === "prod" ? "198.51.100.7" : undefined) },
    );
    const response = await handle(new Request("https://api.test/", { method: "PUT", body: "raw" }), {
      name: "prod",
    });
    expect(await response.json()).toEqual({ ip: "198.51.100.7", text: "raw", env: "prod" });
  });

  it("answers a refusal with its problem and never calls the handler", async () => {
    let called = false;
    const deny: Guard<"deny", never> = {
      name: "deny",
      check: () => ({ ok: false, problem: unauthorized() }),
    };
    const handle = withBoundary(boundary().use(deny), () => {
      called = true;
      return new Response("no");
    });
    const response = await handle(new Request("https://api.test/"));
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(called).toBe(false);
  });

  it("reports the handler's status to after hooks, and 500 with the error when it throws", async () => {
    const outcomes: unknown[] = [];
    const probe: Guard<"probe", true> = {
      name: "probe",
      check: () => ({ ok: true, value: true, after: (o) => void outcomes.push(o) }),
    };
    const ok = withBoundary(boundary().use(probe), () => new Response(null, { status: 204 }));
    await ok(new Request("https://api.test/"));
    const bug = new Error("bug");
    const boom = withBoundary(boundary().use(probe), () => {
      throw bug;
    });
    await expect(boom(new Request("https://api.test/"))).rejects.toBe(bug);
    expect(outcomes).toEqual([{ status: 204 }, { status: 500, error: bug }]);
  });

  it("keeps a header the handler set and adds success headers to an immutable response", async () => {
    const own = withBoundary(
      boundary().use(length),
      () => new Response("", { headers: { ratelimit: "mine" } }),
    );
    expect(
      (await own(new Request("https://api.test/", { method: "POST", body: "x" }))).headers.get("ratelimit"),
    ).toBe("mine");
    const frozen = withBoundary(boundary().use(length), () =>
      Response.redirect("https://api.test/elsewhere", 302),
    );
    const response = await frozen(new Request("https://api.test/", { method: "POST", body: "x" }));
    expect(response.status).toBe(302);
    expect(response.headers.get("ratelimit")).toBe('"d";r=1;t=1');
  });
});
