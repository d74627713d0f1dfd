// Entry for runtimes with a command line (Node, Bun, Deno): prints the results as one JSON line.
import { runConformance } from "./conformance.js";

const results = await runConformance();
console.log(JSON.stringify(results));
