// Entry for the browser: exposes the results on window for the test page to read.
import { runConformance } from "./conformance.js";

(globalThis as { __gogglesConformance?: Promise<unknown> }).__gogglesConformance = runConformance();
