import { defineConfig } from "tsup";

export default defineConfig({
  // The two crypto backends are separate entries: `#crypto` (package.json `imports`) picks one per runtime
  // condition when the package is loaded, so it stays external to the other bundles.
  entry: {
    index: "src/index.ts",
    testing: "src/testing.ts",
    "node-http": "src/node-http.ts",
    "crypto-web": "src/crypto/web-crypto.ts",
    "crypto-node": "src/crypto/node-crypto.node.ts",
  },
  external: ["#crypto"],
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts", testing: "src/testing.ts", "node-http": "src/node-http.ts" } },
  sourcemap: true,
  clean: true,
  target: "es2022",
  treeshake: true,
  // Keep `node:crypto` as written: bundlers of the runtimes (Deno, Bun) treat `node:*` as built-ins.
  removeNodeProtocol: false,
});
