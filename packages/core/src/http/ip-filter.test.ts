import { describe, expect, it } from "vitest";
import type { GogglesEvent } from "../events.js";
import { boundary } from "./boundary.js";
import { createBoundaryRequest } from "./boundary-request.js";
import { ipFilter } from "./ip-filter.js";

const from = (remoteAddress: string | undefined, headers: Record<string, string> = {}) =>
  createBoundaryRequest({ method: "POST", url: "https://api.example.com/hooks", headers, remoteAddress });

describe("ipFilter", () => {
  it("lets addresses in the allow list through and refuses the rest with a generic 403", async () => {
    const events: GogglesEvent[] = [];
    const protect = boundary({ onEvent: (e) => events.push(e) }).use(
      ipFilter({ allow: ["192.0.2.0/24", "2001:db8:1234::/48"] }),
    );
    const ok = await protect(from("192.0.2.9"));
    expect(ok.ok && ok.value.ipFilter).toBe("192.0.2.9");
    expect((await protect(from("::ffff:192.0.2.10"))).ok).toBe(true);
    expect((await protect(from("2001:db8:1234:5::1"))).ok).toBe(true);

    const refused = await protect(from("198.51.100.7"));
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.problem.status).toBe(403);
    expect(refused.problem.type).toBe("https://goggles.dev/problems/forbidden");
    expect(JSON.stringify(refused.problem)).not.toContain("198.51.100.7");
    expect(events).toEqual([{ type: "ip_denied", ip: "198.51.100.7", rule: "allow" }]);
  });

  it("deny wins over allow", async () => {
    const events: GogglesEvent[] = [];
    const protect = boundary({ onEvent: (e) => events.push(e) }).use(
      ipFilter({ allow: ["10.0.0.0/8"], deny: ["10.6.6.0/24"] }),
    );
    expect((await protect(from("10.1.1.1"))).ok).toBe(true);
    expect((await protect(from("10.6.6.6"))).ok).toBe(false);
    expect(events).toEqual([{ type: "ip_denied", ip: "10.6.6.6", rule: "deny" }]);
  });

  it("with only a deny list, everything else passes, an unknown address included", async () => {
    const protect = boundary().use(ipFilter({ deny: ["203.0.113.0/24", "2001:db8::/32"] }));
    expect((await protect(from("203.0.113.5"))).ok).toBe(false);
    expect((await protect(from("2001:db8::5"))).ok).toBe(false);
    expect((await protect(from("198.51.100.1"))).ok).toBe(true);
    expect((await protect(from(undefined))).ok).toBe(true);
  });

  it("refuses an unknown address when there is an allow list", async () => {
    const events: GogglesEvent[] = [];
    const protect = boundary({ onEvent: (e) => events.push(e) }).use(
      ipFilter({ allow: ["0.0.0.0/0", "::/0"] }),
    );
    expect((await protect(from(undefined))).ok).toBe(false);
    expect(events).toEqual([{ type: "ip_denied", ip: "unknown", rule: "allow" }]);
  });

  it("filters the full client address the boundary's trustProxy found", async () => {
    const protect = boundary({ trustProxy: ["10.0.0.0/8"] }).use(ipFilter({ allow: ["192.0.2.0/24"] }));
    expect((await protect(from("10.0.0.2", { "x-forwarded-for": "192.0.2.44" }))).ok).toBe(true);
    expect((await protect(from("10.0.0.2", { "x-forwarded-for": "198.51.100.1" }))).ok).toBe(false);
    // A client that is not behind the trusted proxy cannot claim a partner address.
    expect((await protect(from("198.51.100.1", { "x-forwarded-for": "192.0.2.44" }))).ok).toBe(false);
  });

  it("checks its lists when built", () => {
    expect(() => ipFilter({})).toThrow(/allow.*deny/);
    expect(() => ipFilter({ allow: ["192.0.2.0/24", "192.0.2.0/240"] })).toThrow(
      /ipFilter\(\{ allow \}\): not an IP address or CIDR range: "192\.0\.2\.0\/240"/,
    );
    expect(() => ipFilter({ deny: ["evil.example"] })).toThrow(/ipFilter\(\{ deny \}\)/);
  });

  it("takes a name, so two filters can sit in one boundary", async () => {
    const protect = boundary()
      .use(ipFilter({ deny: ["203.0.113.0/24"] }))
      .use(ipFilter({ name: "partners", allow: ["198.51.100.0/24"] }));
    const verdict = await protect(from("198.51.100.3"));
    expect(verdict.ok && verdict.value.partners).toBe("198.51.100.3");
  });
});
