// Runs publint --strict and attw --pack on every published package. Exits non-zero on any problem.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dirs = readdirSync(join(root, "packages")).map((d) => join(root, "packages", d));
let failed = 0;
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const esmOnly = !Object.values(pkg.exports).some((e) => typeof e === "object" && e.require);
  const steps = [
    ["publint", ["--strict"]],
    ["attw", ["--pack", ".", "--format", "table-flipped", "--profile", esmOnly ? "esm-only" : "node16"]],
  ];
  for (const [bin, args] of steps) {
    try {
      const out = execFileSync(join(root, "node_modules/.bin", bin), args, {
        cwd: dir,
        encoding: "utf8",
        stdio: "pipe",
      });
      console.log(`✓ ${pkg.name} ${bin}`);
      if (process.env.VERBOSE) console.log(out);
    } catch (error) {
      failed++;
      console.error(`✗ ${pkg.name} ${bin}\n${error.stdout ?? ""}${error.stderr ?? ""}`);
    }
  }
}
if (failed) {
  console.error(`${failed} package check(s) failed`);
  process.exit(1);
}
