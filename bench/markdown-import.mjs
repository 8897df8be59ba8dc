// What the markdown parser costs the one command that loads it (`memory migrate`): a fresh node process
// that imports it, against one that does not; and parsing the largest file of a real-sized bank.
import { spawnSync } from "node:child_process";
import { fmt, median } from "./lib.mjs";

const runs = Number(process.env.RUNS ?? 15);
const time = (code) => median(() => spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: process.cwd() }), runs);
const bare = time("");
const loaded = time('await import("mdast-util-from-markdown");');
const doc = Array.from({ length: 200 }, (_, i) => `## Section ${i}\n\nSome *text* with \`code\`.\n\n\`\`\`sh\n## not a heading\n\`\`\`\n\n- a\n- b\n`).join("\n");
const parse = time(`const { fromMarkdown } = await import("mdast-util-from-markdown"); fromMarkdown(${JSON.stringify(doc)});`);
console.log(`node start                         ${fmt(bare)}`);
console.log(`node start + import the parser     ${fmt(loaded)}  (import: ${fmt(loaded - bare)})`);
console.log(`  + parse ${doc.split("\n").length} lines (200 sections)    ${fmt(parse)}  (parse: ${fmt(parse - loaded)})`);
