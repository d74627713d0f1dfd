import { boundary, createBoundaryRequest, json, parseJson } from "@goggles/core";
import sjson from "secure-json-parse";
import { defineSuite } from "../suite.js";

/** A realistic order payload (nested customer, 14 line items), padded to 4 KiB; no dangerous keys. */
function order(items: number): Record<string, unknown> {
  return {
    order: {
      id: "ord_8f3a2b61c9",
      status: "paid",
      customer: {
        id: "cus_Q1w2E3r4",
        email: "ada.lovelace@example.com",
        name: "Ada Lovelace",
        address: { line1: "12 Analytical Street", city: "London", postcode: "N1 9GU", country: "GB" },
      },
      items: Array.from({ length: items }, (_, i) => ({
        id: 1000 + i,
        sku: `SKU-${(i * 7919) % 100_000}`,
        name: `Widget number ${i} with a reasonably long name`,
        price: Math.round((i * 3.5 + 0.99) * 100) / 100,
        tags: ["red", "blue", `batch-${i}`],
        dims: { w: i, h: i * 2, d: 3 },
        inStock: i % 2 === 0,
        note: null,
      })),
      total: 1234.5,
      currency: "EUR",
      createdAt: "2026-11-25T17:00:00Z",
    },
  };
}

function padded(value: Record<string, unknown>, bytes: number): string {
  const base = JSON.stringify(value);
  const pad = Math.max(0, bytes - base.length - ',"pad":""'.length);
  return `${base.slice(0, -1)},"pad":"${"x".repeat(pad)}"}`;
}

const small = padded(order(14), 4096);
const large = padded(order(220), 64 * 1024);
if (small.length !== 4096) throw new Error(`the 4 KiB document is ${small.length} bytes`);

const protect = boundary().use(json());
const request = () =>
  createBoundaryRequest({
    method: "POST",
    url: "https://api.example.com/orders",
    headers: { "content-type": "application/json" },
    body: small,
  });
const decoded = async () => ({ body: JSON.parse(new TextDecoder().decode(await request().body())) });

export default defineSuite({
  name: "json",
  description:
    "Safe JSON parsing on a clean 4 KiB order payload (and a 64 KiB one, where the parsed value is walked for depth and keys): parseJson against JSON.parse and secure-json-parse; the json() guard end to end.",
  cases: [
    { name: "JSON.parse 4 KiB (baseline)", fn: () => JSON.parse(small) },
    { name: "parseJson 4 KiB", fn: () => parseJson(small) },
    { name: "secure-json-parse 4 KiB", fn: () => sjson.parse(small), peer: "secure-json-parse" },
    { name: "JSON.parse 64 KiB (baseline)", fn: () => JSON.parse(large) },
    { name: "parseJson 64 KiB", fn: () => parseJson(large) },
    { name: "secure-json-parse 64 KiB", fn: () => sjson.parse(large), peer: "secure-json-parse" },
    { name: "read + JSON.parse 4 KiB request (baseline)", fn: decoded },
    { name: "boundary().use(json()) 4 KiB request", fn: () => protect(request()) },
  ],
  ratios: [
    {
      ours: "parseJson 4 KiB",
      peer: "JSON.parse 4 KiB (baseline)",
      min: 1 / 1.2,
      target: "within 1.2× of JSON.parse",
    },
    {
      ours: "parseJson 4 KiB",
      peer: "secure-json-parse 4 KiB",
      min: 1,
      target: "faster than secure-json-parse",
    },
    { ours: "parseJson 64 KiB", peer: "JSON.parse 64 KiB (baseline)" },
    { ours: "parseJson 64 KiB", peer: "secure-json-parse 64 KiB" },
    { ours: "boundary().use(json()) 4 KiB request", peer: "read + JSON.parse 4 KiB request (baseline)" },
  ],
  repeat: 5,
  notes: [
    "parseJson on clean text: JSON.parse, then native substring searches for dangerous keys and a native count of brackets (stopping at maxDepth + 1). The 64 KiB payload has more brackets than maxDepth (64) and is long enough to hold an object over maxKeys, so its parsed value is walked once (depth and members per object).",
  ],
});
