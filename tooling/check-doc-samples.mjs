// Typechecks every TypeScript code sample in the docs and READMEs so none rots.
// Each ```ts / ```typescript block becomes its own module (free names come from `declare` lines in the
// sample itself). A block whose fence says `ts ignore` is skipped; keep those rare and say why beside it.
// A sample that augments a module (`declare module "…" { … }`, e.g. registering a context type) is checked in a
// program of its own: in the shared program its augmentation would change the types every other sample sees.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
// Written inside the doc-samples workspace package so imports resolve through its dependencies.
const out = join(root, "tooling/doc-samples/.samples");

function markdownFiles() {
  const files = [join(root, "README.md")];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== "node_modules" && entry.name !== "dist") walk(path);
      else if (entry.isFile() && entry.name.endsWith(".md")) files.push(path);
    }
  };
  walk(join(root, "docs"));
  for (const pkg of readdirSync(join(root, "packages"))) files.push(join(root, "packages", pkg, "README.md"));
  for (const dir of ["examples"]) {
    try {
      walk(join(root, dir));
    } catch {}
  }
  return files;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const samples = [];
const isolated = [];
let skipped = 0;
for (const file of markdownFiles()) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    continue;
  }
  const fence = /^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```/gm;
  let n = 0;
  for (const match of text.matchAll(fence)) {
    n++;
    if (/\bignore\b/.test(match[2])) {
      skipped++;
      continue;
    }
    const line = text.slice(0, match.index).split("\n").length;
    const name = `${relative(root, file).replace(/[^a-zA-Z0-9]+/g, "_")}_${n}.ts`;
    const source = `// ${relative(root, file)}:${line}\n${match[3]}\nexport {};\n`;
    if (/^\s*declare module\s+["']/m.test(match[3])) {
      const dir = join(out, name.slice(0, -3));
      mkdirSync(dir);
      writeFileSync(join(dir, name), source);
      isolated.push(dir);
    } else writeFileSync(join(out, name), source);
    samples.push(`${relative(root, file)}:${line}`);
  }
}
const writeTsconfig = (dir, base) =>
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify(
      {
        extends: base,
        compilerOptions: { types: ["node"], noUnusedLocals: false, allowImportingTsExtensions: false },
        include: ["*.ts"],
      },
      null,
      2,
    ),
  );
writeTsconfig(out, "../../../tsconfig.base.json");
for (const dir of isolated) writeTsconfig(dir, "../../../../tsconfig.base.json");
try {
  for (const dir of [out, ...isolated]) {
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", join(dir, "tsconfig.json")], {
      stdio: "pipe",
      encoding: "utf8",
    });
  }
  console.log(`✓ ${samples.length} doc samples typecheck${skipped ? ` (${skipped} marked ignore)` : ""}`);
} catch (error) {
  console.error(`${error.stdout ?? ""}${error.stderr ?? ""}`);
  console.error(
    `✗ doc samples do not typecheck (files in tooling/doc-samples/.samples name their source line)`,
  );
  process.exit(1);
}
