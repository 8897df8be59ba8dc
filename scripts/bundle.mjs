#!/usr/bin/env node
// One bundle per entry point (the CLI, the merge driver), built from tsc's output by esbuild: a command
// loads a few files instead of one per module. Dependencies stay outside (node_modules), and what a command
// imports lazily stays in chunks of its own, loaded only by that command.
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist/bundle", { recursive: true, force: true }); // chunks of an earlier build are named by their hashes

const common = { outdir: "dist/bundle", bundle: true, format: "esm", platform: "node", target: "node20", packages: "external", logLevel: "warning" };
await build({ ...common, entryPoints: { cli: "dist/cli/entry.js", main: "dist/cli/main.js", version: "dist/infra/version.js" }, splitting: true });
// git starts the driver once per conflicted bank file: one file of its own, shared with no chunk of the CLI's,
// loads in half the time of the eight modules it is made of. What it loads only to report a problem (the
// output, the words) is in it too, evaluated only then.
await build({ ...common, entryPoints: { driver: "dist/cli/driver.js" }, splitting: false });
// A bare `status` the same way: the one file holds what it runs, where the CLI's chunks would take a dozen.
await build({ ...common, entryPoints: { status: "dist/cli/status-entry.js" }, splitting: false });
await build({ ...common, entryPoints: { fast: "dist/cli/fast-entry.js" }, splitting: false });
