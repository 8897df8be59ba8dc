import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { isoSeconds, now } from "../core/clock.js";
import { BUFFER_NAMES, type BufferName } from "../core/config.js";
import type { Entry } from "../core/entries.js";
import { decisionCandidates, planHarvest, type HarvestInput, type HarvestPlan, type Templates } from "../core/harvest.js";
import { logLine } from "../core/merge.js";
import { MemoryError } from "../errors.js";
import { findUpstream } from "../git/remote.js";
import { changedPaths, commitOnly, pushHead, trackFiles, undoLastCommit } from "../git/sync.js";
import { readTextIfExists, writeTextAtomic } from "../fs.js";
import { withLock } from "../lock.js";
import { commitBank } from "../bank-commit.js";
import { templatesDir } from "../paths.js";
import { appendLog, bankPaths, checkBank, openSession, trackBank, type Session, type SessionOptions } from "../session.js";
import { backoff, HARVEST_SUBJECT, MAX_PUSH_ATTEMPTS, syncWithRemote, type SyncReport } from "../sync.js";
import { ensureBankAttributes } from "./init.js";
import { json, type Output } from "../ui.js";
import { renderSync } from "./render-sync.js";

export interface HarvestOptions extends SessionOptions {
  dryRun?: boolean;
  /** Accept every decision without asking. */
  yes?: boolean;
  all?: boolean;
  only?: BufferName;
  push?: boolean;
  /** Asks a yes/no question in a terminal; absent when there is none (then nothing waits for input). */
  ask?: (question: string) => Promise<boolean>;
  progress?: (message: string) => void;
}

export interface HarvestResult {
  dryRun: boolean;
  plan: HarvestPlan;
  /** The harvest commit, or null (dry run, or nothing to do). */
  commit: string | null;
  sync: SyncReport | null;
  /** Decisions left in the inbox because nobody could be asked. */
  unasked: number;
  attempts: number;
}

/** Templates a repository can override: `.claude/memory-templates/<name>.md`. */
export const TEMPLATE_OVERRIDES = ".claude/memory-templates";

export async function harvest(options: HarvestOptions = {}): Promise<HarvestResult> {
  const session = await openSession(options);
  const { ws, persona } = session;
  return withLock(ws.commonDir, async () => {
    const status = await checkBank(session);
    const answers = new Map<string, boolean>();
    let unasked = 0;
    const decide = async (e: Entry, ordinal: number): Promise<boolean> => {
      if (!answers.has(e.id)) {
        if (options.yes) answers.set(e.id, true);
        else if (options.ask && !options.dryRun) answers.set(e.id, await options.ask(`Create ADR for decision #${ordinal} "${e.title}" (by ${e.author})? (y/N) `));
        else {
          answers.set(e.id, false);
          unasked++;
        }
      }
      return answers.get(e.id)!;
    };
    const plan = async (): Promise<HarvestPlan> => {
      const input = await readInput(session, options);
      const candidates = decisionCandidates(input);
      for (const [i, e] of candidates.entries()) await decide(e, i + 1);
      return planHarvest({ ...input, acceptDecision: (e) => answers.get(e.id) ?? false });
    };

    if (options.dryRun) return { dryRun: true, plan: await plan(), commit: null, sync: null, unasked, attempts: 0 };

    // A rejected push resets the harvest commit: it must never hold someone's unsaved edits to a target.
    const patternsDoc = ws.config.buffers.patterns.target;
    if ((await changedPaths(ws.root, [patternsDoc])).length > 0) {
      throw new MemoryError(`${patternsDoc} has uncommitted changes; commit or stash them first, then run memory harvest again (nothing was changed)`);
    }
    await commitBank(session, status, { at: isoSeconds(now(ws.env)), message: `memory: save before harvest (${persona})` });
    const up = findUpstream(ws.gitConfig, session.branch);
    const push = options.push !== false;
    for (let attempt = 1; ; attempt++) {
      // Always sync first, --no-push included: a plan made on a stale clone would reuse ADR numbers.
      const sync = await syncWithRemote(ws, session.branch, { persona, push: false, progress: options.progress });
      const planned = await plan();
      if (planned.empty) {
        // Nothing (left) to harvest, but commits made on the way (the bank saved first, a merge) still go out.
        const delivered = push && !sync.unreachable ? await syncWithRemote(ws, session.branch, { persona, push: true }) : sync;
        return { dryRun: false, plan: planned, commit: null, sync: delivered, unasked, attempts: attempt };
      }
      const commit = await apply(session, planned);
      if (!push || !up || sync.unreachable) {
        return { dryRun: false, plan: planned, commit, sync: { ...sync, pendingPush: sync.pendingPush + 1 }, unasked, attempts: attempt };
      }
      options.progress?.(`pushing the harvest to ${up.remote}/${up.branch}`);
      const pushed = await pushHead(ws.root, up);
      const report = (p: boolean): SyncReport => ({ ...sync, pushed: p, pendingPush: p ? 0 : sync.pendingPush + 1, attempts: attempt });
      if (pushed.kind === "pushed" || pushed.kind === "up-to-date") return { dryRun: false, plan: planned, commit, sync: report(true), unasked, attempts: attempt };
      if (pushed.kind === "unreachable") {
        return { dryRun: false, plan: planned, commit, sync: { ...report(false), unreachable: pushed.reason }, unasked, attempts: attempt };
      }
      if (pushed.kind === "failed" || attempt >= MAX_PUSH_ATTEMPTS) {
        const why = pushed.kind === "failed" ? pushed.reason : `rejected ${attempt} times`;
        throw new MemoryError(`push of the harvest to ${up.remote}/${up.branch} failed (${why}); the harvest commit is kept here, run memory harvest again to re-plan it`);
      }
      // Someone pushed first: undo our commit, take theirs, and plan again, so ADR numbers never collide.
      options.progress?.(`${up.remote}/${up.branch} moved; planning the harvest again`);
      await undoLastCommit(ws.root);
      await new Promise((r) => setTimeout(r, backoff(attempt)));
    }
  });
}

async function readInput(session: Session, options: HarvestOptions): Promise<Omit<HarvestInput, "acceptDecision">> {
  const { ws, files } = session;
  const buffers = {} as HarvestInput["buffers"];
  for (const name of BUFFER_NAMES) {
    const f = files.find((x) => x.key === name)!;
    buffers[name] = { path: f.rel, text: (await readTextIfExists(f.abs)) ?? "" };
  }
  const targets = ws.config.buffers;
  return {
    config: ws.config,
    buffers,
    patternsDoc: await readTextIfExists(join(ws.root, targets.patterns.target)),
    postMortems: await readFolder(join(ws.root, targets.lessons.target)),
    adrs: await readFolder(join(ws.root, targets.decisions.target)),
    templates: await loadTemplates(ws.root),
    date: isoSeconds(now(ws.env)).slice(0, 10),
    all: options.all,
    only: options.only,
  };
}

async function readFolder(dir: string): Promise<Map<string, string>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const texts = new Map<string, string>();
  for (const name of names.filter((n) => n.endsWith(".md")).sort()) texts.set(name, await readFile(join(dir, name), "utf8"));
  return texts;
}

async function loadTemplates(root: string): Promise<Templates> {
  const load = async (name: string) =>
    (await readTextIfExists(join(root, TEMPLATE_OVERRIDES, name))) ?? (await readFile(join(templatesDir, "docs", name), "utf8"));
  return { patterns: await load("patterns.md"), postMortem: await load("post-mortem.md"), adr: await load("adr.md") };
}

/** Writes the plan, logs it, and commits bank, docs and attributes as one commit. */
async function apply(session: Session, plan: HarvestPlan): Promise<string> {
  const { ws, persona } = session;
  const writes: Array<[string, string]> = [
    ...plan.buffers.filter((b) => b.content !== undefined).map((b): [string, string] => [b.path, b.content!]),
    ...plan.files.map((f): [string, string] => [f.path, f.content]),
  ];
  // Hundreds of small files: written a batch at a time rather than one after another.
  for (let i = 0; i < writes.length; i += 32) {
    await Promise.all(writes.slice(i, i + 32).map(([path, text]) => writeTextAtomic(join(ws.root, path), text)));
  }
  await ensureBankAttributes(ws);
  const summary = summarize(plan);
  await appendLog(session, logLine(isoSeconds(now(ws.env)), persona, "harvest", summary));
  const docs = plan.files.map((f) => f.path);
  await trackBank(session);
  await trackFiles(ws.root, docs);
  const commit = await commitOnly(ws.root, [...bankPaths(session), ...docs], `${HARVEST_SUBJECT}${persona}): ${summary}`);
  if (!commit) throw new MemoryError("the harvest changed no file; this is a bug, please report it");
  return commit;
}

export function summarize(plan: HarvestPlan): string {
  const parts: string[] = [];
  const count = (kind: string) => plan.files.filter((f) => f.kind === kind).reduce((n, f) => n + f.entries.length, 0);
  const patterns = count("patterns");
  const lessons = count("post-mortem");
  const adrs = plan.files.filter((f) => f.kind === "adr");
  if (patterns) parts.push(`${patterns} pattern${patterns === 1 ? "" : "s"}`);
  if (lessons) parts.push(`${lessons} lesson${lessons === 1 ? "" : "s"}`);
  if (adrs.length) parts.push(adrs.map((f) => f.path.split("/").pop()!.replace(/\.md$/, "")).join(", "));
  const old = plan.buffers.reduce((n, b) => n + b.alreadyHarvested.length, 0);
  if (old) parts.push(`${old} already harvested removed`);
  return parts.join(", ") || "nothing";
}

/** The plan without file contents: what `--json` prints. */
function planForJson(plan: HarvestPlan) {
  return {
    empty: plan.empty,
    buffers: plan.buffers.map(({ content: _c, ...b }) => ({ ...b, changes: _c !== undefined })),
    files: plan.files.map(({ content: _c, ...f }) => f),
  };
}

export function renderHarvest(result: HarvestResult, out: Output, asJson: boolean): void {
  if (asJson) return out.data(json({ ...result, plan: planForJson(result.plan) }));
  const { plan } = result;
  const lines: string[] = [];
  if (plan.empty) {
    const declined = plan.buffers.reduce((n, b) => n + b.kept.length, 0);
    const nonEmpty = plan.buffers.some((b) => b.count > 0);
    lines.push(
      declined > 0 && result.dryRun
        ? `Nothing to harvest until ${declined === 1 ? "a decision is" : `${declined} decisions are`} accepted (in a terminal, or with --yes).`
        : declined > 0
          ? `Nothing harvested: ${declined} decision${declined === 1 ? "" : "s"} not accepted, kept in the inbox.`
        : nonEmpty
          ? "Nothing to harvest: no buffer is at its threshold (see `memory status`, or use --all)."
          : "Nothing to harvest: the buffers are empty.",
    );
  }
  else {
    lines.push(result.dryRun ? "Harvest plan (dry run, nothing written):" : "Harvested:");
    for (const b of plan.buffers) {
      const fill = `${b.count}/${b.threshold} ${b.unit}`;
      if (!b.selected) {
        lines.push(`  ${b.label}: ${fill}, not harvested`);
        continue;
      }
      const mine = new Set(b.harvested);
      const files = plan.files.filter((f) => f.entries.some((id) => mine.has(id)));
      lines.push(`  ${b.label}: ${fill}, ${b.harvested.length} entr${b.harvested.length === 1 ? "y" : "ies"}`);
      for (const f of files) lines.push(`    ${f.action === "create" ? "+" : "~"} ${f.path}${f.kind === "patterns" ? ` (${f.entries.length})` : ""}`);
      if (b.alreadyHarvested.length) lines.push(`    ${b.alreadyHarvested.length} already in the docs: removed from the buffer`);

      if (b.kept.length) lines.push(`    ${b.kept.length} decision${b.kept.length === 1 ? "" : "s"} kept in the inbox`);
    }
  }
  for (const b of plan.buffers) {
    const n = b.editedSinceHarvest.length;
    if (n > 0) lines.push(`  ${b.label}: ${n} already in the docs but edited since, kept here: fold the edit into the doc, then delete ${n === 1 ? "it" : "them"} (${b.editedSinceHarvest.join(", ")})`);
  }
  out.data(lines.join("\n"));
  const n = result.unasked;
  if (n > 0 && result.dryRun && !plan.empty) out.info(`${n} decision${n === 1 ? "" : "s"} would need a yes (asked in a terminal, or --yes); shown as kept`);
  else if (n > 0 && !result.dryRun) out.warn(`${n} decision${n === 1 ? "" : "s"} stayed in the inbox: no terminal to ask in; pass --yes to turn them all into ADRs`);
  if (result.commit) out.success(`harvest committed (${result.commit.slice(0, 7)})`);
  if (result.sync) renderSync(result.sync, out);
}
