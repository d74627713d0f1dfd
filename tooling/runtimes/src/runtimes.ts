// Bundles the conformance module for each runtime with the export conditions that runtime resolves, and
// runs it there. Each runtime gets the build its package `exports` conditions select (the built dist).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { CheckResult } from "./conformance.js";

const here = dirname(fileURLToPath(import.meta.url));
const pkgRoot = join(here, "..");
const repoRoot = join(pkgRoot, "../..");
const outDir = join(repoRoot, ".tmp/runtimes");
const bin = (name: string) => join(pkgRoot, "node_modules/.bin", name);

export type RuntimeName = "node22" | "node24" | "bun" | "deno" | "workerd" | "chromium";

interface Target {
  entry: "entry-cli.ts" | "entry-worker.ts" | "entry-browser.ts";
  platform: "node" | "neutral" | "browser";
  conditions: string[];
  format: "esm" | "iife";
}

const targets: Record<RuntimeName, Target> = {
  node22: { entry: "entry-cli.ts", platform: "node", conditions: ["node"], format: "esm" },
  node24: { entry: "entry-cli.ts", platform: "node", conditions: ["node"], format: "esm" },
  bun: { entry: "entry-cli.ts", platform: "neutral", conditions: ["bun"], format: "esm" },
  deno: { entry: "entry-cli.ts", platform: "neutral", conditions: ["deno"], format: "esm" },
  workerd: {
    entry: "entry-worker.ts",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    format: "esm",
  },
  chromium: { entry: "entry-browser.ts", platform: "browser", conditions: ["browser"], format: "iife" },
};

/** Builds the packages the conformance suite imports (turbo's cache makes this cheap when nothing changed). */
export function buildPackages(): void {
  execFileSync(
    "pnpm",
    [
      "turbo",
      "run",
      "build",
      "--filter=@goggles/core",
      "--filter=@goggles/fetch",
      "--output-logs=errors-only",
    ],
    {
      cwd: repoRoot,
      stdio: "inherit",
    },
  );
}

/** Bundles the conformance module for `runtime`; returns the bundle's path. */
export async function bundleFor(runtime: RuntimeName): Promise<string> {
  const target = targets[runtime];
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${runtime}.${target.format === "iife" ? "js" : "mjs"}`);
  await build({
    entryPoints: [join(here, target.entry)],
    bundle: true,
    outfile,
    format: target.format,
    platform: target.platform,
    conditions: target.conditions,
    mainFields: ["module", "main"],
    external: target.platform === "browser" ? [] : ["node:*"],
    target: "es2022",
    logLevel: "silent",
    // No tsconfig: the workspace's "@goggles/source" condition must not leak in; runtimes get dist.
    tsconfigRaw: "{}",
  });
  return outfile;
}

function runCli(command: string, args: string[]): CheckResult[] {
  const out = execFileSync(command, args, {
    encoding: "utf8",
    timeout: 60_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const line = out.trim().split("\n").pop() ?? "[]";
  return JSON.parse(line) as CheckResult[];
}

/** Whether a runtime can run on this machine (Chromium is a system package; the rest are dependencies). */
export function available(runtime: RuntimeName): boolean {
  if (runtime === "chromium") return existsSync(chromiumPath);
  return true;
}

export const chromiumPath = "/usr/bin/chromium";

/** Runs the conformance suite on `runtime` and returns each check's outcome. */
export async function runOn(runtime: RuntimeName): Promise<CheckResult[]> {
  const file = await bundleFor(runtime);
  switch (runtime) {
    case "node22":
    case "node24":
      return runCli(join(pkgRoot, "node_modules", runtime, "bin/node"), [file]);
    case "bun":
      return runCli(bin("bun"), ["run", file]);
    case "deno":
      return runCli(bin("deno"), ["run", "--no-prompt", "--no-config", "--no-lock", file]);
    case "workerd": {
      const { Miniflare } = await import("miniflare");
      const mf = new Miniflare({
        modules: true,
        script: readFileSync(file, "utf8"),
        compatibilityDate: "2026-07-01",
      });
      try {
        const res = await mf.dispatchFetch("http://localhost/");
        return (await res.json()) as CheckResult[];
      } finally {
        await mf.dispose();
      }
    }
    case "chromium": {
      const { chromium } = await import("playwright-core");
      const browser = await chromium.launch({
        executablePath: chromiumPath,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      try {
        const page = await browser.newPage();
        // A secure context, as a real https page is: `crypto.subtle` does not exist on about:blank.
        await page.route("https://conformance.goggles.test/", (route) =>
          route.fulfill({
            contentType: "text/html",
            body: "<!doctype html><title>goggles conformance</title>",
          }),
        );
        await page.goto("https://conformance.goggles.test/");
        await page.addScriptTag({ content: readFileSync(file, "utf8") });
        return (await page.evaluate(
          () => (globalThis as { __gogglesConformance?: Promise<unknown> }).__gogglesConformance,
        )) as CheckResult[];
      } finally {
        await browser.close();
      }
    }
  }
}
