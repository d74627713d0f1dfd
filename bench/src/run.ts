// Runs the suites in src/suites (all, or those whose file name contains an argument), keeps each suite's
// results in results/<suite>.json and regenerates RESULTS.md from every stored result.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bench, run } from "mitata";
import { renderChart } from "./chart.js";
import type { Suite } from "./suite.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const resultsDir = join(root, "results");

interface CaseResult {
  name: string;
  peer?: string;
  medianNs: number;
  opsPerSec: number;
}
interface SuiteResult {
  suite: string;
  description: string;
  date: string;
  machine: string;
  node: string;
  repeat: number;
  cases: CaseResult[];
  ratios: { ours: string; peer: string; speedup: number; min?: number; target?: string; met?: boolean }[];
  facts: Record<string, string>;
  notes: string[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function measure(suite: Suite): Promise<SuiteResult> {
  const repeat = suite.repeat ?? 1;
  const samples = new Map<string, number[]>();
  await suite.setup?.();
  try {
    for (let r = 0; r < repeat; r++) {
      for (const c of suite.cases) if (c.measure === undefined) bench(c.name, c.fn as () => unknown);
      for (const c of suite.cases) {
        if (c.measure !== undefined) samples.set(c.name, [...(samples.get(c.name) ?? []), await c.measure()]);
      }
      const timed = suite.cases.some((c) => c.measure === undefined);
      const { benchmarks } = timed ? await run({ format: "quiet", throw: true }) : { benchmarks: [] };
      for (const b of benchmarks) {
        const stats = b.runs[0]?.stats;
        if (!stats)
          throw new Error(`${suite.name}/${b.alias}: no stats (${b.runs[0]?.error ?? "unknown error"})`);
        samples.set(b.alias, [...(samples.get(b.alias) ?? []), stats.p50]);
      }
    }
    const cases = suite.cases.map((c) => {
      const medianNs = median(samples.get(c.name) ?? [Number.NaN]);
      return { name: c.name, ...(c.peer ? { peer: c.peer } : {}), medianNs, opsPerSec: 1e9 / medianNs };
    });
    const byName = new Map(cases.map((c) => [c.name, c]));
    const ratios = suite.ratios.map((r) => {
      const ours = byName.get(r.ours);
      const peer = byName.get(r.peer);
      if (!ours || !peer)
        throw new Error(`${suite.name}: ratio names an unknown case (${r.ours} / ${r.peer})`);
      const speedup = peer.medianNs / ours.medianNs;
      return { ...r, speedup, ...(r.min !== undefined ? { met: speedup >= r.min } : {}) };
    });
    const facts = (await suite.facts?.()) ?? {};
    return {
      suite: suite.name,
      description: suite.description,
      date: new Date().toISOString(),
      machine: `${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
      node: process.version,
      repeat,
      cases,
      ratios,
      facts,
      notes: [...(suite.notes ?? [])],
    };
  } finally {
    await suite.teardown?.();
  }
}

const fmtOps = (ops: number) =>
  ops >= 1e6 ? `${(ops / 1e6).toFixed(2)} M` : ops >= 1e3 ? `${(ops / 1e3).toFixed(1)} k` : ops.toFixed(0);
const fmtNs = (ns: number) =>
  ns >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : ns >= 1e3
      ? `${(ns / 1e3).toFixed(2)} µs`
      : `${ns.toFixed(0)} ns`;

function render(results: SuiteResult[]): string {
  const lines = [
    "# Benchmark results",
    "",
    "Written by `pnpm bench` (mitata). Each suite ran in one process on the machine named in its section; ops/s are",
    "1 / median time per call, and every ratio compares cases measured in that same run (speedup = peer median /",
    "goggles median, so 2.00× means goggles takes half the time). Shared, noisy machines: read the ratios, not the",
    "absolute numbers. Reproduce one suite with `pnpm bench <name>`.",
    "",
  ];
  for (const r of results) {
    lines.push(
      `## ${r.suite}`,
      "",
      r.description,
      "",
      `${r.date.slice(0, 10)} · ${r.machine} · Node ${r.node}${r.repeat > 1 ? ` · median of ${r.repeat} runs` : ""}`,
      "",
    );
    lines.push("| case | library | median | ops/s |", "|---|---|---:|---:|");
    for (const c of r.cases)
      lines.push(`| ${c.name} | ${c.peer ?? "goggles"} | ${fmtNs(c.medianNs)} | ${fmtOps(c.opsPerSec)} |`);
    if (r.ratios.length) {
      lines.push("", "| goggles | vs | speedup | target | met |", "|---|---|---:|---|:---:|");
      for (const q of r.ratios) {
        lines.push(
          `| ${q.ours} | ${q.peer} | ${q.speedup.toFixed(2)}× | ${q.target ?? ""} | ${q.met === undefined ? "" : q.met ? "yes" : "**no**"} |`,
        );
      }
    }
    const facts = Object.entries(r.facts);
    if (facts.length) {
      lines.push("");
      for (const [k, v] of facts) lines.push(`- ${k}: ${v}`);
    }
    for (const n of r.notes) lines.push("", `> ${n}`);
    lines.push("");
  }
  return lines.join("\n");
}

const filters = process.argv.slice(2);
const files = readdirSync(join(here, "suites"))
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
  .filter((f) => filters.length === 0 || filters.some((q) => f.includes(q)))
  .sort();
if (files.length === 0) {
  console.error(`no suite matches ${filters.join(", ")}`);
  process.exit(1);
}
mkdirSync(resultsDir, { recursive: true });
for (const file of files) {
  const suite = (await import(join(here, "suites", file))).default as Suite;
  console.log(`\n▶ ${suite.name}`);
  const result = await measure(suite);
  for (const c of result.cases)
    console.log(
      `  ${c.name.padEnd(48)} ${fmtNs(c.medianNs).padStart(10)} ${fmtOps(c.opsPerSec).padStart(9)} ops/s`,
    );
  for (const q of result.ratios)
    console.log(
      `  ${q.ours} vs ${q.peer}: ${q.speedup.toFixed(2)}×${q.met === false ? "  (target missed)" : ""}`,
    );
  for (const [k, v] of Object.entries(result.facts)) console.log(`  ${k}: ${v}`);
  writeFileSync(
    join(resultsDir, `${file.replace(/\.ts$/, "")}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
}
const all = readdirSync(resultsDir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(resultsDir, f), "utf8")) as SuiteResult);
writeFileSync(join(root, "RESULTS.md"), render(all));
const rows = all.flatMap((r) =>
  r.ratios.map((q) => ({
    suite: r.suite,
    label: `${q.ours} vs ${q.peer}`,
    speedup: q.speedup,
    ...(q.min !== undefined ? { min: q.min } : {}),
  })),
);
const newest =
  all
    .map((r) => r.date)
    .sort()
    .pop() ?? new Date().toISOString();
const caption = `${newest.slice(0, 10)} · ${all[0]?.machine ?? ""} · Node ${process.version}`;
writeFileSync(join(root, "../docs/bench.svg"), renderChart(rows, caption));
console.log(`\nwrote bench/RESULTS.md (${all.length} suites) and docs/bench.svg (${rows.length} ratios)`);
