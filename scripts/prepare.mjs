#!/usr/bin/env node
// Builds dist/ when the package is installed from a checkout (`npm install -g .`, `npm ci`). npm runs this
// without the dev dependencies when it links a folder globally, so TypeScript may be missing: then it is
// installed into this folder first (not saved to package.json), and the build goes on.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// The npm that runs this may be a global install (`npm_config_global`, a prefix): the tools go in this folder.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_(global|prefix|location)$/i.test(k)));
const run = (cmd, args) => {
  const res = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit", shell: process.platform === "win32" });
  if (res.status !== 0) process.exit(res.status ?? 1);
};
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
if (!existsSync(tsc)) {
  console.error("memory: installing the build tools (TypeScript) to build dist/ …");
  run("npm", ["install", "--no-save", "--include=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--location=project"]);
}
run(process.execPath, [tsc, "-p", "tsconfig.json"]);
// The bundles are a speed-up: without them (no esbuild here) bin/memory.js runs tsc's output.
const bundled = spawnSync(process.execPath, [join(root, "scripts", "bundle.mjs")], { cwd: root, env, stdio: "inherit" });
if (bundled.status !== 0) console.error("memory: no bundles built (esbuild missing?); the CLI runs unbundled");
