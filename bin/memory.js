#!/usr/bin/env node
// Kept tiny, and CommonJS (bin/package.json): node starts a CommonJS entry ~3 ms sooner than a module, and
// every command pays that. git runs the merge driver once per conflicted bank file, so it (and --version)
// loads a small bundle of its own. So do a bare status, and status, start, save, context (the agents'
// hooks) and add, which skip the command-line parser (src/cli/fast.ts). Everything else goes to the CLI's entry
// (a module, with its chunks) and its parser.
// Each entry point comes from its bundle (dist/bundle, built by `npm run build`), else from tsc's output.
"use strict";
const { readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require("node:fs");
const { basename, dirname, join } = require("node:path");

// The bundles' import() (scripts/bundle.mjs): code read from V8's cache cannot make one itself in node 20.
globalThis.__memoryImport = (specifier) => import(specifier);

/** Caches to write once the command is done: compiling a bundle costs ~60 KB a millisecond, reading V8's cache far less. */
const pending = [];
/**
 * A cache holds the functions that had run when it was made, and a function it lacks is compiled in every
 * run. So the first runs after a build each make it again, from what they found plus what they ran, and keep
 * it when it grew: a cache first made by a `status` then learns `start` and `save`. `<cache>.runs` counts them.
 */
const GROWING_RUNS = 16;

/**
 * Runs a CommonJS bundle as `require` would, through V8's code cache kept beside it
 * (`<bundle>.<size>-<mtime>-<inode>.cache`, so a rebuilt bundle never meets an old cache; V8 checks its
 * version and flags itself and refuses a cache made by another). The cache is written after the first run,
 * with the functions that run compiled; a folder we may not write to just goes without.
 */
function requireBundle(rel) {
  const file = join(__dirname, rel);
  const vm = require("node:vm");
  const Module = require("node:module");
  const identity = () => {
    const st = statSync(file);
    return `${st.size}-${Math.floor(st.mtimeMs)}-${st.ino}`;
  };
  const before = identity();
  const source = readFileSync(file, "utf8");
  // (A bundle rebuilt while it was read: this run goes without a cache, and makes none.)
  const cacheFile = identity() === before ? `${file}.${before}.cache` : null;
  let cachedData;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {}
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const module = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
  module.loaded = true;
  const used = cachedData !== undefined && !script.cachedDataRejected;
  let runs = GROWING_RUNS;
  try {
    if (used) runs = Number(readFileSync(`${cacheFile}.runs`, "utf8")) || 0;
  } catch {
    runs = 0;
  }
  if (cacheFile && (!used || runs < GROWING_RUNS)) pending.push({ script, file, cacheFile, had: used ? cachedData.length : 0, runs: used ? runs : 0 });
  return module.exports;
}

function writeCaches() {
  for (const { script, file, cacheFile, had, runs } of pending.splice(0)) {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      const data = script.createCachedData();
      // (Kept when it grew by more than a function or two: the same command again makes it anew much the same.)
      if (data.length > had + Math.max(1024, had / 50)) {
        writeFileSync(tmp, data);
        renameSync(tmp, cacheFile);
      }
      writeFileSync(tmp, String(runs + 1));
      renameSync(tmp, `${cacheFile}.runs`);
      if (had > 0) continue;
      const name = basename(file);
      for (const other of readdirSync(dirname(file))) {
        const path = join(dirname(file), other);
        if (other.startsWith(`${name}.`) && (other.endsWith(".cache") || other.endsWith(".cache.runs")) && path !== cacheFile && path !== `${cacheFile}.runs`) unlinkSync(path);
      }
    } catch {
      try {
        unlinkSync(tmp);
      } catch {}
    }
  }
}

const load = (bundled, plain) => {
  try {
    return Promise.resolve(requireBundle(bundled));
  } catch (err) {
    // (Only the bundle itself missing: a module it needs that is missing is an error of its own.)
    const own = err?.code === "ENOENT" && String(err.path ?? "").includes("dist/bundle/");
    if (!own && (err?.code !== "MODULE_NOT_FOUND" || !String(err.message).split("\n")[0].includes("dist/bundle/"))) throw err;
    return import(plain);
  }
};
const importing = (bundled, plain) =>
  import(bundled).catch((err) => {
    if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes("dist/bundle")) throw err;
    return import(plain);
  });

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === "merge-driver" && !args.includes("--help") && !args.includes("-h")) {
    const { runDriver } = await load("../dist/bundle/driver.cjs", "../dist/cli/driver.js");
    // Ended at once, once the result is written (writes to stderr are synchronous): a natural exit would
    // first finish the engine's background work, such as optimizing code that will not run again, and git waits.
    const code = await runDriver(args.slice(1));
    writeCaches();
    process.exit(code);
  } else if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    const { version } = await load("../dist/bundle/version.cjs", "../dist/infra/version.js");
    process.stdout.write(`${version()}\n`);
  } else if (args[0] === "status" && (args.length === 1 || (args.length === 2 && args[1] === "--json"))) {
    // A bare status loads only its own code (src/cli/status-entry.ts).
    const { run } = await load("../dist/bundle/status.cjs", "../dist/cli/status-entry.js");
    process.exitCode = await run(process.argv);
  } else if (["status", "start", "save", "context", "add", "remember"].includes(args[0])) {
    // The commands agents and their hooks run all day: one file with the fast path (src/cli/fast-entry.ts).
    const { run } = await load("../dist/bundle/fast.cjs", "../dist/cli/fast-entry.js");
    process.exitCode = await run(process.argv);
  } else {
    const { run } = await importing("../dist/bundle/cli.js", "../dist/cli/entry.js");
    process.exitCode = await run(process.argv);
  }
}

main().then(writeCaches, (err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exitCode = 70;
});
