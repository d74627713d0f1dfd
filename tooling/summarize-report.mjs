// Reads vitest's JSON report and prints the plain closing line CI counts: "N passed, N failed, N skipped".
import { existsSync, readFileSync } from "node:fs";

const file = process.argv[2] ?? ".vitest-report.json";
if (!existsSync(file)) {
  console.log("0 passed, 1 failed, 0 skipped");
  console.error(`no vitest report at ${file}: the test run did not finish`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, "utf8"));
const passed = report.numPassedTests ?? 0;
// Suites that failed to load count as failures too: a broken import must not read as green.
const failedSuites = (report.testResults ?? []).filter(
  (r) => r.status === "failed" && r.assertionResults.length === 0,
);
const failed = (report.numFailedTests ?? 0) + failedSuites.length;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
