#!/usr/bin/env node
// One bundle per entry point (the CLI, the merge driver), built from tsc's output by esbuild: a command
// loads a few files instead of one per module. Dependencies stay outside (node_modules), and what a command
// imports lazily stays in chunks of its own, loaded only by that command.
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist/bundle", { recursive: true, force: true }); // chunks of an earlier build are named by their hashes

await build({
  entryPoints: { cli: "dist/cli/entry.js", main: "dist/cli/main.js", driver: "dist/cli/driver.js", version: "dist/infra/version.js" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
