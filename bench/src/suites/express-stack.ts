import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { defineSuite } from "../suite.js";

const here = dirname(fileURLToPath(import.meta.url));
const ORDER = JSON.stringify({ sku: "SKU-123", qty: 2, note: "leave at the door" });
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;

/** Starts the variant's server in its own process and loads it with autocannon; ns per request. */
async function load(variant: string): Promise<number> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(here, "../servers/express-stack.ts"), variant],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
    const { port, key } = JSON.parse(line) as { port: number; key: string };
    const options = {
      url: `http://127.0.0.1:${port}/orders`,
      connections: CONNECTIONS,
      method: "POST" as const,
      headers: { "content-type": "application/json", "x-api-key": key },
      body: ORDER,
    };
    await autocannon({ ...options, duration: 1 }); // warm-up: JIT, keep-alive sockets
    const result = await autocannon({ ...options, duration: SECONDS });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(
        `${variant}: ${result.non2xx} non-2xx and ${result.errors} errors; the comparison would be void`,
      );
    }
    return 1e9 / result.requests.average;
  } finally {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
}

export default defineSuite({
  name: "express-stack",
  repeat: 3,
  description:
    `Express 5 under autocannon on loopback (${CONNECTIONS} connections, ${SECONDS} s after a 1 s warm-up, server in its own process; median of 3 runs): ` +
    "POST /orders with a valid API key and JSON body. The time column is 1 / average req/s.",
  cases: [
    { name: "express.json() only", peer: "express", measure: () => load("json-only") },
    { name: "goggles: IP + rate limit + API key + JSON + zod", measure: () => load("goggles") },
    {
      name: "express-rate-limit + express-validator (same checks)",
      peer: "express-rate-limit + express-validator",
      measure: () => load("peers"),
    },
  ],
  ratios: [
    {
      ours: "goggles: IP + rate limit + API key + JSON + zod",
      peer: "express.json() only",
      min: 0.85,
      target: "keeps ≥ 85% of express.json()'s req/s",
    },
    {
      ours: "goggles: IP + rate limit + API key + JSON + zod",
      peer: "express-rate-limit + express-validator (same checks)",
      min: 1,
      target: "beats express-rate-limit + express-validator",
    },
  ],
  notes: [
    "The rate limits are set high enough never to answer 429; the run fails if any response is not 2xx.",
    "The peer stack checks the API key by its SHA-256 in a Map (express-validator `header().custom()`), as goggles stores only hashes.",
  ],
});
