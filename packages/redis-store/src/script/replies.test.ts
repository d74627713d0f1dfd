import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isRedisReplyError } from "../errors/redis-reply-error.js";
import {
  replyArray,
  replyInteger,
  replyNumber,
  replyOptionalString,
  replyString,
  replyTime,
} from "./replies.js";

const encode = (text: string) => new TextEncoder().encode(text);

/** Runs `parse` and reports either its value or that it threw a RedisReplyError (anything else fails). */
function outcome<T>(parse: () => T): { value: T } | "reply-error" {
  try {
    return { value: parse() };
  } catch (error) {
    if (isRedisReplyError(error)) return "reply-error";
    throw error;
  }
}

describe("replyInteger", () => {
  it("reads integers, decimal strings and bytes", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(replyInteger(n)).toBe(n);
        expect(replyInteger(String(n))).toBe(n);
        expect(replyInteger(encode(String(n)))).toBe(n);
        expect(replyInteger(BigInt(n))).toBe(n);
      }),
    );
  });

  it("returns a safe integer or throws RedisReplyError, for any input", () => {
    fc.assert(
      fc.property(fc.anything(), (reply) => {
        const result = outcome(() => replyInteger(reply));
        if (result !== "reply-error") expect(Number.isSafeInteger(result.value)).toBe(true);
      }),
    );
  });

  it("refuses fractions, unsafe integers, nil and non-numeric text", () => {
    for (const reply of [
      1.5,
      "1.5",
      "9007199254740993",
      2 ** 60,
      null,
      undefined,
      "",
      " 1",
      "1e3",
      [1],
      {},
    ]) {
      expect(outcome(() => replyInteger(reply, "tokens"))).toBe("reply-error");
    }
    expect(() => replyInteger(null, "tokens")).toThrow("Expected tokens to be an integer, got nil.");
  });
});

describe("replyNumber", () => {
  it("reads finite numbers and their string forms", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(replyNumber(n)).toBe(n);
        expect(replyNumber(String(n))).toBe(n === 0 ? 0 : n); // "-0" reads as -0, String(-0) is "0"
      }),
    );
    expect(replyNumber("2.5")).toBe(2.5);
    expect(replyNumber(".5")).toBe(0.5);
  });

  it("returns a finite number or throws RedisReplyError, for any input", () => {
    fc.assert(
      fc.property(fc.anything(), (reply) => {
        const result = outcome(() => replyNumber(reply));
        if (result !== "reply-error") expect(Number.isFinite(result.value)).toBe(true);
      }),
    );
    for (const reply of ["inf", "nan", "Infinity", "1e999", "0x10", "", null, Number.NaN]) {
      expect(outcome(() => replyNumber(reply))).toBe("reply-error");
    }
  });
});

describe("replyString and replyOptionalString", () => {
  it("reads strings and UTF-8 bytes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(replyString(text)).toBe(text);
        expect(replyString(encode(text))).toBe(text);
      }),
    );
  });

  it("maps nil to undefined only where nil is allowed", () => {
    expect(replyOptionalString(null)).toBeUndefined();
    expect(replyOptionalString(undefined)).toBeUndefined();
    expect(replyOptionalString("v")).toBe("v");
    expect(outcome(() => replyString(null))).toBe("reply-error");
    expect(outcome(() => replyOptionalString(1))).toBe("reply-error");
  });
});

describe("replyArray and replyTime", () => {
  it("checks the shape and the length", () => {
    expect(replyArray([1, "a"], "pair", 2)).toEqual([1, "a"]);
    expect(outcome(() => replyArray([1], "pair", 2))).toBe("reply-error");
    expect(outcome(() => replyArray("1,2"))).toBe("reply-error");
  });

  it("reads TIME as milliseconds", () => {
    expect(replyTime(["1700000000", "250000"])).toBe(1_700_000_000_250);
    expect(replyTime(["1700000000", "1"])).toBe(1_700_000_000_000.001);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 999_999 }), (s, us) => {
        expect(replyTime([String(s), String(us)])).toBeCloseTo(s * 1000 + us / 1000, 3);
      }),
    );
    for (const reply of [[], ["1"], ["a", "b"], "1 2", null]) {
      expect(outcome(() => replyTime(reply))).toBe("reply-error");
    }
  });
});
