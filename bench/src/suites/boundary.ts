import { boundary, createBoundaryRequest, pass } from "@goggles/core";
import { defineSuite } from "../suite.js";

const empty = boundary();
const three = boundary()
  .use({ name: "a", check: () => pass(1) })
  .use({ name: "b", check: () => pass("x") })
  .use({ name: "c", check: async () => pass(true) });
const request = createBoundaryRequest({
  method: "GET",
  url: "https://api.example.com/",
  headers: {},
  remoteAddress: "203.0.113.7",
});
const direct = async () => ({ ok: true, value: { ip: request.remoteAddress } });

export default defineSuite({
  name: "boundary",
  description: "Cost of running a boundary: no guards, and three trivial guards (two sync, one async).",
  cases: [
    { name: "bare async function (baseline)", fn: () => direct() },
    { name: "boundary(), no guards", fn: () => empty(request) },
    { name: "boundary() with 3 trivial guards", fn: () => three(request) },
  ],
  ratios: [],
});
