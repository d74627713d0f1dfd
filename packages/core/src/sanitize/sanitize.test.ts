import { describe, expect, expectTypeOf, it } from "vitest";
import { escapeHtml } from "./encode.js";
import { normalizeText } from "./normalize-text.js";
import { type SanitizeRules, sanitize } from "./sanitize.js";
import { sanitizeHtml } from "./sanitize-html.js";

interface Comment {
  name: string;
  bio?: string;
  tags: string[];
  score: number;
  author: { email: string; links: { url: string }[] };
}

const comment: Comment = {
  name: "  Ada\u202e ",
  bio: "<p onclick=x>Hi<script>x</script></p>",
  tags: ["<b>", "ok"],
  score: 3,
  author: { email: " ada@example.com ", links: [{ url: "<x>" }] },
};

describe("sanitize", () => {
  it("applies each rule to its field and copies the rest", () => {
    const out = sanitize(comment, {
      name: normalizeText,
      bio: sanitizeHtml,
      "tags[]": escapeHtml,
      author: { email: normalizeText, "links[]": { url: escapeHtml } },
    });
    expect(out).toEqual({
      name: "Ada",
      bio: "<p>Hi</p>",
      tags: ["&lt;b&gt;", "ok"],
      score: 3,
      author: { email: "ada@example.com", links: [{ url: "&lt;x&gt;" }] },
    });
    expect(comment.name).toBe("  Ada\u202e "); // the input is not changed
  });

  it("leaves missing and null fields alone", () => {
    const { bio: _, ...noBio } = comment;
    expect(sanitize(noBio as Comment, { bio: sanitizeHtml })).not.toHaveProperty("bio");
    expect(sanitize({ a: null as string | null }, { a: escapeHtml })).toEqual({ a: null });
  });

  it("throws a TypeError naming the field when the shape disagrees", () => {
    expect(() => sanitize({ a: { b: {} } } as unknown, { a: { b: escapeHtml } })).toThrow(/a\.b/);
    expect(() => sanitize({ t: "x" } as unknown, { "t[]": escapeHtml })).toThrow(/array at t/);
    expect(sanitize({ n: 1 } as unknown, { n: escapeHtml })).toEqual({ n: 1 });
  });

  it("keeps an own __proto__ key as data", () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "a": "<"}') as unknown;
    const out = sanitize(input, { a: escapeHtml }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect(out.a).toBe("&lt;");
  });

  it("checks rules against the value's type", () => {
    expectTypeOf<{ name: typeof normalizeText }>().toMatchTypeOf<SanitizeRules<Comment>>();
    expectTypeOf<{ "tags[]": typeof escapeHtml }>().toMatchTypeOf<SanitizeRules<Comment>>();
    // @ts-expect-error a number field takes no string rule
    const bad: SanitizeRules<Comment> = { score: escapeHtml };
    // @ts-expect-error an array field is named with []
    const bad2: SanitizeRules<Comment> = { tags: escapeHtml };
    expect([bad, bad2]).toHaveLength(2);
  });
});
