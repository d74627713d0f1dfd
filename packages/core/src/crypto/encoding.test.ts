import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBase64, fromHex, toBase64, toHex } from "./encoding.js";

describe("strict hex", () => {
  it("round-trips any bytes, either case", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(fromHex(toHex(bytes))).toEqual(bytes);
        expect(fromHex(toHex(bytes).toUpperCase())).toEqual(bytes);
      }),
    );
  });

  it("refuses odd lengths, stray characters and wrong sizes instead of decoding part", () => {
    expect(fromHex("abc")).toBeUndefined();
    expect(fromHex("abzz")).toBeUndefined();
    expect(fromHex("ab cd")).toBeUndefined();
    expect(fromHex("0x12")).toBeUndefined();
    expect(fromHex("abcd", 3)).toBeUndefined();
    expect(fromHex("éé")).toBeUndefined();
    expect(fromHex("")).toEqual(new Uint8Array(0));
  });

  it("never throws and decodes only exact hex", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = fromHex(s);
        if (out !== undefined) expect(toHex(out)).toBe(s.toLowerCase());
      }),
    );
  });
});

describe("strict base64", () => {
  it("round-trips any bytes and matches the platform encoder", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const encoded = toBase64(bytes);
        expect(encoded).toBe(btoa(String.fromCharCode(...bytes)));
        expect(fromBase64(encoded)).toEqual(bytes);
      }),
    );
  });

  it("refuses missing padding, whitespace, URL-safe letters, inner padding and non-zero spare bits", () => {
    expect(fromBase64("YWI")).toBeUndefined();
    expect(fromBase64("YW I=")).toBeUndefined();
    expect(fromBase64("YWI=\n")).toBeUndefined();
    expect(fromBase64("-_-_")).toBeUndefined();
    expect(fromBase64("YW=I")).toBeUndefined();
    expect(fromBase64("YW==YWI=")).toBeUndefined();
    expect(fromBase64("YWJ=")).toBeUndefined(); // "ab" is YWI=; J leaves a spare bit set
    expect(fromBase64("YWI=")).toEqual(new TextEncoder().encode("ab"));
    expect(fromBase64("YWI=", 3)).toBeUndefined();
  });

  it("never throws, and anything it accepts is the canonical encoding", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = fromBase64(s);
        if (out !== undefined) expect(toBase64(out)).toBe(s);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9+/]{0,12}={0,2}$/), (s) => {
        const out = fromBase64(s);
        if (out !== undefined) expect(toBase64(out)).toBe(s);
      }),
    );
  });
});
