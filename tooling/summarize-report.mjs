// Reads vitest JSON reports and prints the plain closing line CI counts: "N passed, N failed, N skipped".
// A missing report counts as a failure: a run that did not finish must not read as green.
import { existsSync, readFileSync } from "node:fs";

const files = process.argv.slice(2);
if (files.length === 0) files.push(".vitest-report.json");
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
  if (!existsSync(file)) {
    failed++;
    console.error(`no vitest report at ${file}: that test run did not finish`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests ?? 0;
  // Suites that failed to load count as failures too: a broken import must not read as green.
  const brokenSuites = (report.testResults ?? []).filter(
    (r) => r.status === "failed" && (r.assertionResults ?? []).length === 0,
  );
  failed += (report.numFailedTests ?? 0) + brokenSuites.length;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
