/**
 * Starting points shared by the command tests (and the end-to-end ones): an initialized bank, a clone
 * that has saved, buffers filled with entries, a team of clones. They run the CLI in-process.
 */
import { expect } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { BANK, Sandbox, type Layout } from "./helpers.js";
import { parseBuffer } from "../src/core/entries.js";

export const NOW = { MEMORY_NOW: "2026-11-22T10:00:00Z" };
export const BANK_FILES = ["activeContext.md", "patterns-buffer.md", "lessons-buffer.md", "decisions-inbox.md", "handoffs.md", "tasks.md", "SESSION_LOG.md"];

export const PATTERNS = `${BANK}/patterns-buffer.md`;
export const LESSONS = `${BANK}/lessons-buffer.md`;
export const CONTEXT = `${BANK}/activeContext.md`;

export const ADR_DIR = "Docs/03-Reference/ADR";
export const PM_DIR = "Docs/06-PostMortems";
export const PATTERNS_DOC = "Docs/03-Reference/Patterns.md";

export function ok(run: { code: number; stderr: string; stdout: string }): typeof run {
  expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
  return run;
}

/** A new repository, no remote, with a bank made by `memory init` at NOW. */
export async function initialized(persona = "dev", layout: Layout = "current"): Promise<{ sb: Sandbox; repo: string }> {
  const sb = new Sandbox({ layout });
  const repo = sb.repo();
  const res = await sb.memory(repo, ["init", "--persona", persona], { env: NOW });
  expect(res.code, res.stderr).toBe(0);
  return { sb, repo };
}

/** A clone of a new origin, initialized and saved (so the origin has the bank). */
export async function clone(persona = "dev"): Promise<{ sb: Sandbox; origin: string; repo: string }> {
  const sb = new Sandbox();
  const origin = sb.origin();
  const repo = sb.clone(origin, persona);
  ok(await sb.memory(repo, ["init", "--persona", persona]));
  ok(await sb.memory(repo, ["save"]));
  return { sb, origin, repo };
}

/** Fills a buffer with `n` entries of `lines` body lines each; returns their ids. */
export async function fill(sb: Sandbox, repo: string, type: string, n: number, lines = 2, prefix = type): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = Array.from({ length: lines }, (_, l) => `${prefix} ${i + 1} line ${l + 1}`).join("\n");
    ids.push(ok(await sb.memory(repo, ["add", type, `${prefix} ${i + 1}`, "-m", body])).stdout.trim());
  }
  return ids;
}

export const adrs = (sb: Sandbox, cwd: string): string[] => (existsSync(join(cwd, ADR_DIR)) ? readdirSync(join(cwd, ADR_DIR)).sort() : []);
export const ids = (sb: Sandbox, cwd: string, rel: string): string[] => parseBuffer(sb.read(cwd, rel)).entries.map((e) => e.id);

/** Clone a saves `shared` decisions; clone b starts from them; each then adds `own` decisions of its own. */
export async function twoClones(shared: number, own: number): Promise<{ sb: Sandbox; origin: string; a: string; b: string }> {
  const sb = new Sandbox();
  const origin = sb.origin();
  const a = sb.clone(origin, "a");
  ok(await sb.memory(a, ["init", "--persona", "dev"]));
  await fill(sb, a, "decision", shared, 1, "shared");
  ok(await sb.memory(a, ["save"]));
  const b = sb.clone(origin, "b");
  ok(await sb.memory(b, ["init", "--persona", "qa"]));
  await fill(sb, a, "decision", own, 1, "from a");
  await fill(sb, b, "decision", own, 1, "from b");
  return { sb, origin, a, b };
}

/** The ADRs' source entry ids, after checking that no two ADRs share a number or a source. */
export function uniqueAdrSources(sb: Sandbox, cwd: string): string[] {
  const files = adrs(sb, cwd);
  expect(new Set(files.map((f) => f.slice(0, 7))).size).toBe(files.length);
  const sources = files.map((f) => /^source: (\S+)$/m.exec(sb.read(cwd, `${ADR_DIR}/${f}`))![1]!);
  expect(new Set(sources).size).toBe(sources.length);
  return sources;
}

/** An origin with a bank already on it, and clones for the given personas, each initialized. */
export async function team(...personas: string[]): Promise<{ sb: Sandbox; origin: string; clones: Record<string, string> }> {
  const sb = new Sandbox();
  const origin = sb.origin();
  const first = sb.clone(origin, "setup");
  expect((await sb.memory(first, ["init", "--persona", "setup"])).code).toBe(0);
  const saved = await sb.memory(first, ["save", "-m", "memory: bank"], { env: { MEMORY_NOW: "2026-11-22T08:00:00Z" } });
  expect(saved.code, saved.stderr).toBe(0);
  const clones: Record<string, string> = {};
  for (const p of personas) {
    clones[p] = sb.clone(origin, p);
    expect((await sb.memory(clones[p]!, ["init", "--persona", p])).code).toBe(0);
  }
  return { sb, origin, clones };
}

/** One clone, persona dev, of an origin that has the bank. */
export async function solo(): Promise<{ sb: Sandbox; origin: string; dev: string }> {
  const { sb, origin, clones } = await team("dev");
  return { sb, origin, dev: clones.dev! };
}

export const titles = (text: string): string[] => parseBuffer(text).entries.map((e) => e.title);
export const head = (sb: Sandbox, cwd: string): string => sb.git(cwd, "rev-parse", "HEAD").trim();

/** A clone per persona of `origin`, each initialized, in the order given. */
export async function initClones(sb: Sandbox, origin: string, personas: readonly string[]): Promise<string[]> {
  const clones: string[] = [];
  for (const p of personas) {
    const c = sb.clone(origin, p);
    ok(await sb.memory(c, ["init", "--persona", p]));
    clones.push(c);
  }
  return clones;
}
