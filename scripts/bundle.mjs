#!/usr/bin/env node
// Bundles of the entry points, built from tsc's output by esbuild: a command loads a few files instead of one
// per module. Dependencies stay outside (node_modules), and what a command imports lazily stays in chunks
// of its own, loaded only by that command.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { build } from "esbuild";

rmSync("dist/bundle", { recursive: true, force: true }); // chunks of an earlier build are named by their hashes

const common = { outdir: "dist/bundle", bundle: true, platform: "node", target: "node20", packages: "external", logLevel: "warning" };
// The CLI's entry for the less frequent commands, and the full parser: modules, split into shared chunks.
await build({ ...common, format: "esm", entryPoints: { cli: "dist/cli/entry.js", main: "dist/cli/main.js" }, splitting: true });
// The hot entries, one CommonJS file each (bin/memory.js is CommonJS: node starts it ~3 ms sooner than a
// module). git starts the driver once per conflicted bank file; a bare status, and the fast path (status,
// start, save, context) are what agents and their hooks run all day. Each file holds all it runs, shared with
// no chunk; what it loads only now and then (chalk, the parser) is imported when needed. `import.meta.url`
// becomes the file's own URL.
//
// bin/memory.js runs these through V8's code cache (node:vm). Code read from that cache loses what import()
// needs in node 20, so each `await import(x)` becomes `await __import(x)`, an import() made by bin/memory.js
// (`globalThis.__memoryImport`), and the build fails if any other import() is left.
const hot = {
  ...common,
  format: "cjs",
  outExtension: { ".js": ".cjs" },
  define: { "import.meta.url": "__fileUrl" },
  banner: { js: 'const __fileUrl = require("node:url").pathToFileURL(__filename).href;\nconst __import = (specifier) => (globalThis.__memoryImport ?? ((s) => import(s)))(specifier);' },
  write: false,
};
const built = await build({ ...hot, entryPoints: { driver: "dist/cli/driver.js", version: "dist/infra/version.js", status: "dist/cli/status-entry.js", fast: "dist/cli/fast-entry.js" } });
for (const file of built.outputFiles) {
  const text = file.text.replace(/\bawait import\(/g, "await __import(");
  const left = text.split("\n").slice(2).filter((line) => /\bimport\(/.test(line));
  if (left.length > 0) throw new Error(`${file.path}: an import() bin/memory.js cannot serve from the code cache: ${left[0].trim()}`);
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, text);
}
