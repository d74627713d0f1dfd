import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defineScript, scriptSha } from "./define-script.js";

describe("defineScript", () => {
  it("computes the SHA1 Redis uses for EVALSHA", async () => {
    // Redis: SCRIPT LOAD "return 1" → e0e1f9fabfc9d4800c877a703b823ac0578ff8db
    expect(await scriptSha("return 1")).toBe("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary" }), async (source) => {
        expect(await scriptSha(source)).toBe(createHash("sha1").update(source, "utf8").digest("hex"));
      }),
      { numRuns: 50 },
    );
  });

  it("keeps the source and a name, and computes the SHA once", async () => {
    const script = defineScript("return 2", { name: "two" });
    expect(script.source).toBe("return 2");
    expect(script.name).toBe("two");
    expect(script.sha()).toBe(script.sha());
    expect(defineScript("return 3").name).toBe("script");
  });
});
