/**
 * The strict edge check: the BUILT core, bundled for the `worker`/`browser` conditions, loads and works in a
 * bare EdgeVM, where `Buffer`, `process` and `require` do not exist (as on Cloudflare Workers and in browsers).
 * Vitest's own edge-runtime environment still exposes Node globals, so it cannot prove this.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EdgeVM } from "@edge-runtime/vm";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const entries = [join(dist, "index.js"), join(dist, "testing.js")];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return Math.min(...entries.map((file) => statSync(file).mtimeMs));
  } catch {
    return 0;
  }
}

let bundle = "";

async function bundleDist(): Promise<string> {
  const result = await build({
    stdin: {
      contents: entries
        .map((file, i) => `import * as m${i} from ${JSON.stringify(file)};`)
        .concat("globalThis.goggles = { ...m0, ...m1 };")
        .join("\n"),
      resolveDir: root,
      loader: "js",
    },
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    conditions: ["worker", "browser"],
    target: "es2022",
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

/** Whether a bundle loads and defines the whole API (not a dist caught mid-rewrite by another build). */
function complete(code: string): boolean {
  try {
    const vm = new EdgeVM();
    vm.evaluate(code);
    return vm.evaluate(
      "typeof goggles.boundary === 'function' && typeof goggles.clientIp === 'function' && typeof goggles.FakeClock === 'function'",
    );
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const sources = Math.max(newestSource(join(root, "src")), statSync(join(root, "tsup.config.ts")).mtimeMs);
  if (builtAt() < sources) {
    execFileSync("pnpm", ["--filter", "@goggles/core", "build"], { cwd: root, stdio: "pipe" });
  }
  // Other suites (the runtime conformance checks) may rebuild dist at the same time: retry a torn read.
  for (let attempt = 1; ; attempt++) {
    try {
      bundle = await bundleDist();
      if (complete(bundle) || attempt === 5) return;
    } catch (error) {
      if (attempt === 5) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}, 90_000);

/** The exercise, run inside the VM: plain JS, its result sent back as JSON (the VM is another realm). */
const exercise = /* js */ `(async () => {
  const g = globalThis.goggles;
  const out = { globals: [typeof Buffer, typeof process, typeof require] };
  const url = "https://api.example.com/hooks";
  const clock = new g.FakeClock(1000);
  const protect = g
    .boundary({ trustProxy: 1, clock })
    .use(g.ipFilter({ allow: ["198.51.100.0/24", "2001:db8::/32"] }))
    .use({
      name: "body",
      check: async ({ request, clock: c }) =>
        g.pass({ text: new TextDecoder().decode(await request.body({ maxBytes: 64 })), at: c.now() }, { "x-seen": "1" }),
    });
  const post = (body, headers = {}) =>
    new Request(url, { method: "POST", headers: { "x-forwarded-for": "198.51.100.7", ...headers }, body });

  const ok = await protect(g.fromRequest(post('{"a":1}'), { remoteAddress: "10.0.0.2", clock }));
  out.ok = { ok: ok.ok, value: ok.value, headers: ok.headers };

  const big = await protect(g.fromRequest(post("x".repeat(100)), { remoteAddress: "10.0.0.2" }));
  const response = g.problemResponse(big.problem);
  out.big = { status: response.status, type: response.headers.get("content-type"), body: await response.json() };

  const gzip = await protect(g.fromRequest(post("x", { "content-encoding": "gzip" }), { remoteAddress: "10.0.0.2" }));
  out.gzip = gzip.problem.status;

  const denied = await protect(g.fromRequest(post("x", { "x-forwarded-for": "203.0.113.9" }), { remoteAddress: "10.0.0.2" }));
  out.denied = denied.problem.status;

  const stalled = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("part")); } });
  const slow = protect(
    g.fromRequest(new Request(url, { method: "POST", headers: { "x-forwarded-for": "198.51.100.7" }, body: stalled, duplex: "half" }), {
      remoteAddress: "10.0.0.2",
      clock,
      limits: { readTimeoutMs: 50 },
    }),
  );
  await clock.advance(50);
  out.slow = (await slow).problem.status;
  out.pending = clock.pending;

  let slept = false;
  const sleeping = clock.sleep(500).then(() => { slept = true; });
  await clock.advance(499);
  out.sleptEarly = slept;
  await clock.advance(1);
  await sleeping;
  out.slept = slept;
  out.now = clock.now();

  out.clientIp = g.clientIp(
    { remoteAddress: "::ffff:10.0.0.2", headers: new Headers({ forwarded: 'for=192.0.2.1, for="[2001:DB8:0::1]:4711"' }) },
    { trustProxy: ["10.0.0.0/8"] },
  );
  out.ipKey = g.ipKey("2001:db8:aa:bbcc::1");
  out.isProblemError = g.isProblemError(new g.ProblemError(g.badRequest()));
  return JSON.stringify(out);
})()`;

describe("core in a bare EdgeVM (no Buffer, process or require)", () => {
  it("names no Node global anywhere in the bundle", () => {
    expect(bundle.length).toBeGreaterThan(1000);
    expect(bundle).not.toMatch(/\bBuffer\b/);
    expect(bundle).not.toMatch(/\bprocess\s*\./);
    expect(bundle).not.toMatch(/\brequire\s*\(/);
    expect(bundle).not.toMatch(/\bnode:/);
  });

  it("loads and works there", async () => {
    const vm = new EdgeVM();
    expect(vm.evaluate("[typeof Buffer, typeof process, typeof require].join()")).toBe(
      "undefined,undefined,undefined",
    );
    vm.evaluate(bundle);
    const out = JSON.parse(await vm.evaluate<Promise<string>>(exercise));
    expect(out).toEqual({
      globals: ["undefined", "undefined", "undefined"],
      ok: {
        ok: true,
        value: { ip: "198.51.100.7", ipFilter: "198.51.100.7", body: { text: '{"a":1}', at: 1000 } },
        headers: { "x-seen": "1" },
      },
      big: {
        status: 413,
        type: "application/problem+json",
        body: {
          type: "https://goggles.dev/problems/content-too-large",
          title: "Content Too Large",
          status: 413,
          detail: "The body exceeds the limit of 64 bytes.",
        },
      },
      gzip: 415,
      denied: 403,
      slow: 408,
      pending: 0,
      sleptEarly: false,
      slept: true,
      now: 1550,
      clientIp: "2001:db8::1",
      ipKey: "2001:db8:aa:bb00::/56",
      isProblemError: true,
    });
  });

  it("would notice core touching a Node global", () => {
    const vm = new EdgeVM();
    expect(() => vm.evaluate("Buffer.from('x')")).toThrow(/Buffer is not defined/);
    expect(() => vm.evaluate("process.env")).toThrow(/process is not defined/);
    expect(() => vm.evaluate("require('node:crypto')")).toThrow(/require is not defined/);
  });
});
