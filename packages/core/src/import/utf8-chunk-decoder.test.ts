import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Utf8ChunkDecoder } from "./utf8-chunk-decoder.js";

/** Decodes `bytes` cut at `cuts`, or returns "error" where the decoder refused them. */
function decodeCut(bytes: Uint8Array, cuts: readonly number[]): string {
  const decoder = new Utf8ChunkDecoder();
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let text = "";
  let from = 0;
  try {
    for (const at of [...points, bytes.length]) {
      text += decoder.decode(bytes.subarray(from, at));
      from = at;
    }
    return text + decoder.end();
  } catch {
    return "error";
  }
}

/** What a streaming TextDecoder makes of the same bytes in one piece. */
function reference(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "error";
  }
}

describe("Utf8ChunkDecoder", () => {
  it("decodes like a fatal TextDecoder wherever the chunks are cut (fast-check)", () => {
    const text = fc.string({ unit: "grapheme", maxLength: 30 }).map((s) => new TextEncoder().encode(s));
    const noise = fc.uint8Array({ maxLength: 30 });
    const bom = fc.constantFrom(new Uint8Array(), new Uint8Array([0xef, 0xbb, 0xbf]));
    fc.assert(
      fc.property(bom, fc.oneof(text, noise), fc.array(fc.nat(), { maxLength: 8 }), (head, body, cuts) => {
        const bytes = new Uint8Array([...head, ...body]);
        expect(decodeCut(bytes, cuts)).toBe(reference(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it("skips a BOM at the start only, even when a chunk starts with one", () => {
    const bom = [0xef, 0xbb, 0xbf];
    const bytes = new Uint8Array([...bom, 0x61, ...bom, 0x62]);
    expect(decodeCut(bytes, [1, 4])).toBe("a\ufeffb");
  });

  it("refuses a character left incomplete at the end, and chunks that are not bytes", () => {
    expect(decodeCut(new Uint8Array([0x61, 0xe2, 0x82]), [2])).toBe("error");
    expect(() => new Utf8ChunkDecoder().decode("abc" as unknown as Uint8Array)).toThrow(TypeError);
  });
});
