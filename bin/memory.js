#!/usr/bin/env node
// Kept tiny: git runs the merge driver once per conflicted bank file, and agents' hooks run the CLI on
// every session, so the two commonest calls skip the command-line parser.
const args = process.argv.slice(2);
if (args[0] === "merge-driver" && !args.includes("--help") && !args.includes("-h")) {
  const { runDriver } = await import("../dist/cli/driver.js");
  process.exitCode = await runDriver(args.slice(1));
} else if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { version } = await import("../dist/infra/version.js");
  process.stdout.write(`${version()}\n`);
} else {
  const { main } = await import("../dist/cli/main.js");
  process.exitCode = await main(process.argv);
}
