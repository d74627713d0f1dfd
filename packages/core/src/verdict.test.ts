import { describe, expect, it } from "vitest";
import { earlyAnswer, earlyResponse } from "./http/early-response.js";
import { unauthorized } from "./problem.js";
import { fail, reply } from "./verdict.js";

describe("reply()", () => {
  it("builds an early answer that is not a problem", () => {
    expect(reply(200)).toEqual({ ok: false, reply: { status: 200 } });
    expect(reply(303, { headers: { location: "/x" } })).toEqual({
      ok: false,
      reply: { status: 303, headers: { location: "/x" } },
    });
    expect(reply(202, { body: { queued: true } })).toEqual({
      ok: false,
      reply: { status: 202, body: { queued: true } },
    });
  });

  it("refuses error statuses (those are problems) and a body on a bodiless status", () => {
    for (const status of [100, 199, 400, 401, 500, 600, 200.5, Number.NaN]) {
      expect(() => reply(status), String(status)).toThrow(RangeError);
    }
    expect(() => reply(204, { body: {} })).toThrow(/cannot have a body/);
    expect(() => reply(304, { body: "x" })).toThrow(RangeError);
    expect(reply(204).reply.status).toBe(204);
  });
});

describe("earlyResponse()", () => {
  it("sends a problem as application/problem+json", async () => {
    const response = earlyResponse(fail(unauthorized({ detail: "No key." })));
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 401, detail: "No key." });
  });

  it("sends a reply with its status and headers, its body as JSON, no-store unless it says otherwise", async () => {
    const json = earlyResponse(reply(200, { body: { received: true }, headers: { "x-id": "1" } }));
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(json.headers.get("cache-control")).toBe("no-store");
    expect(json.headers.get("x-id")).toBe("1");
    expect(await json.json()).toEqual({ received: true });

    const empty = earlyResponse(reply(204, { headers: { "cache-control": "private" } }));
    expect(empty.status).toBe(204);
    expect(empty.headers.get("content-type")).toBeNull();
    expect(empty.headers.get("cache-control")).toBe("private");
    expect(await empty.text()).toBe("");
  });
});

describe("earlyAnswer()", () => {
  it("is what every adapter sends: lower-case headers, a problem's type and no-store fixed, a reply's headers winning", () => {
    const problem = earlyAnswer(
      fail({
        ...unauthorized(),
        headers: { "WWW-Authenticate": "Bearer", "Content-Type": "text/html", "Cache-Control": "public" },
      }),
    );
    expect(problem.status).toBe(401);
    expect(problem.headers).toEqual({
      "www-authenticate": "Bearer",
      "content-type": "application/problem+json",
      "cache-control": "no-store",
    });
    expect(JSON.parse(problem.body as string)).toMatchObject({ status: 401 });

    const text = earlyAnswer(
      reply(200, { body: "ok", headers: { "Content-Type": "text/plain", "Cache-Control": "private" } }),
    );
    expect(text).toEqual({
      status: 200,
      headers: { "content-type": "text/plain", "cache-control": "private" },
      body: '"ok"',
    });
    expect(earlyAnswer(reply(303, { headers: { Location: "/x" } }))).toEqual({
      status: 303,
      headers: { "cache-control": "no-store", location: "/x" },
      body: undefined,
    });
  });
});
