import { defineConfig } from "vitest/config";

const conditions = ["@goggles/source"];

export default defineConfig({
  resolve: { conditions: [...conditions, "module", "browser", "development|production"] },
  ssr: { resolve: { conditions: [...conditions, "node", "default"] } },
  test: {
    // Under CI a JSON report is written too: .ci/run turns it into the plain "N passed, N failed" line.
    reporters: process.env.CI === "true" ? ["default", "json"] : ["default"],
    outputFile: { json: process.env.VITEST_JSON_REPORT ?? ".vitest-report.json" },
    globalSetup: ["./tooling/testkit/src/global-setup.ts"],
    setupFiles: ["./tooling/testkit/src/fast-check-seed.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          environment: "node",
          include: [
            "packages/*/src/**/*.test.ts",
            "packages/*/test/**/*.test.ts",
            "examples/*/src/**/*.test.ts",
            "examples/*/test/**/*.test.ts",
            "tooling/*/src/**/*.test.ts",
          ],
        },
      },
      {
        extends: true,
        test: {
          name: "edge",
          environment: "edge-runtime",
          include: ["packages/core/src/**/*.test.ts"],
          exclude: ["packages/core/src/**/*.node.test.ts"],
        },
      },
    ],
  },
});
