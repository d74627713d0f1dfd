import { describe, expect, it } from "vitest";
import {
  badRequest,
  internalError,
  problemResponse,
  tooManyRequests,
  unprocessableContent,
} from "./problem.js";

describe("problems", () => {
  it("build RFC 9457 members with stable type URIs", () => {
    const p = badRequest({ detail: "Invalid JSON." });
    expect(p).toEqual({
      type: "https://goggles.dev/problems/bad-request",
      title: "Bad Request",
      status: 400,
      detail: "Invalid JSON.",
    });
  });

  it("a 500 carries no detail at all", () => {
    expect(internalError()).toEqual({
      type: "https://goggles.dev/problems/internal-error",
      title: "Internal Server Error",
      status: 500,
    });
  });

  it("serializes to application/problem+json with headers and top-level extensions", async () => {
    const res = problemResponse(
      tooManyRequests({
        detail: "Slow down.",
        headers: { "retry-after": "3" },
        extensions: { "violated-policies": ["burst"], status: 200 },
      }),
    );
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("retry-after")).toBe("3");
    const body = await res.json();
    expect(body).toEqual({
      type: "https://goggles.dev/problems/too-many-requests",
      title: "Too Many Requests",
      status: 429,
      detail: "Slow down.",
      "violated-policies": ["burst"],
    });
  });

  it("extensions cannot overwrite the standard members", async () => {
    const res = problemResponse(unprocessableContent({ extensions: { type: "x", title: "y" } }));
    const body = await res.json();
    expect(body.type).toBe("https://goggles.dev/problems/unprocessable-content");
    expect(body.title).toBe("Unprocessable Content");
  });
});
