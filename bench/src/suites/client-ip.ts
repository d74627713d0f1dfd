import { clientIp, createBoundaryRequest, ipKey } from "@goggles/core";
import proxyaddr from "proxy-addr";
import { defineSuite } from "../suite.js";

// A client behind two proxies (CDN edge 10.0.0.1, then the load balancer 10.0.0.2 that opens the socket),
// with a forged entry on the left that must be ignored.
const xff = "6.6.6.6, 198.51.100.7, 10.0.0.1";
const request = createBoundaryRequest({
  method: "GET",
  url: "https://api.example.com/",
  headers: { "x-forwarded-for": xff },
  remoteAddress: "10.0.0.2",
});
const forwardedRequest = createBoundaryRequest({
  method: "GET",
  url: "https://api.example.com/",
  headers: { forwarded: 'for=6.6.6.6, for="[2001:db8:cafe::17]:4711", for=10.0.0.1;proto=https' },
  remoteAddress: "10.0.0.2",
});
const trustedRanges = ["10.0.0.0/8"];

// What Express does (`trust proxy` = 2 and = "10.0.0.0/8"), on the shape it reads.
const nodeRequest = { headers: { "x-forwarded-for": xff }, connection: { remoteAddress: "10.0.0.2" } };
const byHops = (_addr: string, i: number) => i < 2; // Express compiles `trust proxy: 2` to this
const byRange = proxyaddr.compile(trustedRanges);

/** The common hand-rolled version: no validation, no normalization, spoofable if the count is off. */
const naive = (header: string) => {
  const parts = header.split(",");
  return (parts[parts.length - 2] ?? "").trim();
};

if (clientIp(request, { trustProxy: 2 }) !== "198.51.100.7") throw new Error("client-ip bench: wrong answer");
if (proxyaddr(nodeRequest as never, byRange) !== "198.51.100.7")
  throw new Error("client-ip bench: peer disagrees");

export default defineSuite({
  name: "client-ip",
  description:
    "clientIp through two trusted hops (X-Forwarded-For and Forwarded), against Express's proxy-addr and a naive split; ipKey for IPv6 and IPv4.",
  cases: [
    { name: "naive split(',') (baseline)", fn: () => naive(xff) },
    { name: "clientIp, XFF, trustProxy: 2", fn: () => clientIp(request, { trustProxy: 2 }) },
    {
      name: "clientIp, XFF, trustProxy: CIDR list",
      fn: () => clientIp(request, { trustProxy: trustedRanges }),
    },
    { name: "clientIp, Forwarded, trustProxy: 2", fn: () => clientIp(forwardedRequest, { trustProxy: 2 }) },
    {
      name: "proxy-addr, trust 2 hops",
      fn: () => proxyaddr(nodeRequest as never, byHops),
      peer: "proxy-addr",
    },
    {
      name: "proxy-addr, trust CIDR list",
      fn: () => proxyaddr(nodeRequest as never, byRange),
      peer: "proxy-addr",
    },
    { name: "ipKey, IPv6 /56", fn: () => ipKey("2001:db8:aa:bbcc:1:2:3:4") },
    { name: "ipKey, IPv4", fn: () => ipKey("198.51.100.7") },
  ],
  ratios: [
    { ours: "clientIp, XFF, trustProxy: 2", peer: "proxy-addr, trust 2 hops" },
    { ours: "clientIp, XFF, trustProxy: CIDR list", peer: "proxy-addr, trust CIDR list" },
    { ours: "clientIp, XFF, trustProxy: 2", peer: "naive split(',') (baseline)" },
  ],
  notes: [
    "clientIp validates and canonicalizes every address it walks; the naive split does neither (and trusts whatever is in the header).",
  ],
});
