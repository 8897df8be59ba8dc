#!/usr/bin/env node
// Kept tiny: git runs this once per conflicted bank file, and agents' hooks run it on every session.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { version } = await import("../dist/version.js");
  process.stdout.write(`${version()}\n`);
} else {
  const { main } = await import("../dist/cli.js");
  process.exitCode = await main(process.argv);
}
