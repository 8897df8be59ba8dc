/** What every migration test checks of a migrated repository: nothing lost, doctor passes, entries parse, a second run is a no-op. */
import { expect } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseBuffer } from "../src/core/entries.js";
import type { Run, Sandbox } from "./helpers.js";

export function ok(run: Run): Run {
  expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
  return run;
}

/** A line as the nothing-lost check compares it: no BOM, whitespace collapsed. */
const normal = (line: string): string => line.replace(/^\uFEFF/, "").replace(/\s+/g, " ").trim();

/** Every file under `dir` (repo-relative path → text), `.git` aside. */
export function filesUnder(dir: string, root = dir): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    if (name === ".git") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const [k, v] of filesUnder(path, root)) out.set(k, v);
    else out.set(relative(root, path).split("\\").join("/"), readFileSync(path, "utf8"));
  }
  return out;
}

/** The non-blank lines of `before` (file → text) that appear in no file of the repository now. */
export function lostLines(before: ReadonlyMap<string, string>, repo: string): string[] {
  const now = new Set<string>();
  for (const text of filesUnder(repo).values()) for (const line of text.split(/\r?\n/)) now.add(normal(line));
  const lost: string[] = [];
  for (const [file, text] of before) {
    for (const line of text.split(/\r?\n/)) if (normal(line) !== "" && !now.has(normal(line))) lost.push(`${file}: ${line}`);
  }
  return lost;
}

export interface Migrated {
  plan: {
    from: string;
    bank: string;
    sources: Array<{ path: string; becomes: string; file: string; movedTo?: string; note?: string; entries: Array<{ id: string; title: string; type: string; at: string; by: string; tags: string[]; atFrom: string; byFrom: string }> }>;
    kept: Array<{ path: string; note?: string }>;
    config: { settings: { bank?: string; contextFile?: string } } | null;
    files: Array<{ path: string; action: string }>;
    empty: boolean;
  };
  commit: string | null;
  dryRun: boolean;
}

/**
 * The checks every migrated repository must pass: `memory doctor` finds nothing, every file of entries the
 * plan wrote parses and holds the planned entries, nothing is left uncommitted, and a second `memory migrate`
 * changes nothing.
 */
export async function checkMigrated(sb: Sandbox, repo: string, result: Migrated, args: string[] = []): Promise<void> {
  const doctor = await sb.memory(repo, ["doctor", "--json"]);
  expect(doctor.code, doctor.stdout).toBe(0);
  expect(JSON.parse(doctor.stdout).ok).toBe(true);
  for (const source of result.plan.sources.filter((s) => s.entries.length > 0)) {
    const ids = parseBuffer(sb.read(repo, source.file), { file: source.file }).entries.map((e) => e.id);
    for (const e of source.entries) expect(ids, `${e.title} in ${source.file}`).toContain(e.id);
  }
  // Nothing changed and left uncommitted (files the bank folder held untracked are kept as they were: untracked).
  const status = sb.git(repo, "status", "--porcelain");
  expect(status.split("\n").filter((l) => l !== "" && !l.startsWith("?? "))).toEqual([]);
  const head = sb.git(repo, "rev-parse", "HEAD");
  const again = ok(await sb.memory(repo, ["migrate", "--json", ...args]));
  expect(JSON.parse(again.stdout).plan.empty).toBe(true);
  expect(sb.git(repo, "rev-parse", "HEAD")).toBe(head);
  expect(sb.git(repo, "status", "--porcelain")).toBe(status);
}
