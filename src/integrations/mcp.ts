/**
 * `memory mcp`: the bank as an MCP server over stdio, on the official TypeScript SDK (loaded only by this
 * command). Every tool is a thin call into the same use cases as the CLI, so the server and the command line
 * share the lock, the refusals and their one-line reasons (a refusal comes back as a tool result with
 * `isError`). The recall index is kept warm in the process: each call brings it up to date from the files'
 * stats, so a teammate's save that a hook's `start` brought in is seen by the next call.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/server";
import * as z from "zod";
import { add } from "../app/add.js";
import { briefing } from "../app/context.js";
import { acceptHandoff, handoff, listHandoffs } from "../app/handoff.js";
import { list, show } from "../app/lookup.js";
import { recallIn, sinceTime } from "../app/recall.js";
import { save } from "../app/save.js";
import { start } from "../app/start.js";
import { status } from "../app/status.js";
import { addTask, claimTask, finishTask, listTasks } from "../app/tasks.js";
import { ARCHIVE_FILE, CONFIG_FILE } from "../core/config.js";
import { MemoryError } from "../core/errors.js";
import type { ItemFilter } from "../core/query.js";
import { readTextIfExists } from "../infra/fs.js";
import { version } from "../infra/version.js";
import { readItems } from "../bank/query.js";
import { openIndex, type RecallIndex } from "../bank/recall-index.js";
import { archiveFile, bankFiles, openWorkspace, otherBankFiles, type Workspace } from "../bank/workspace.js";
import { describe } from "../ui/messages.js";

export interface McpOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  persona?: string;
}

type Result = { content: Array<{ type: "text"; text: string }>; structuredContent?: Record<string, unknown>; isError?: boolean };

const ok = (data: Record<string, unknown>, text?: string): Result => ({ content: [{ type: "text", text: text ?? JSON.stringify(data, null, 2) }], structuredContent: data });
const refused = (err: unknown): Result => ({ isError: true, content: [{ type: "text", text: err instanceof MemoryError ? describe(err) : err instanceof Error ? err.message : String(err) }] });

/** Runs a tool's work; a refusal or failure becomes an `isError` result with the CLI's one-line reason. */
async function tool(work: () => Promise<Result>): Promise<Result> {
  try {
    return await work();
  } catch (err) {
    return refused(err);
  }
}

const list_ = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean));
const strings = z.union([z.string(), z.array(z.string())]);

/** The workspace and the recall index, kept between calls; the workspace is read again when the config changes. */
class Warm {
  private ws: Workspace | null = null;
  private configStamp = "";
  private index: RecallIndex | undefined;
  constructor(private readonly options: McpOptions) {}

  async workspace(): Promise<Workspace> {
    const st = await stat(join(this.ws?.root ?? this.options.cwd, CONFIG_FILE)).catch(() => null);
    const stamp = st ? `${st.size}:${st.mtimeMs}` : "none";
    if (!this.ws || stamp !== this.configStamp) {
      this.ws = await openWorkspace(this.options.cwd, this.options.env);
      this.configStamp = stamp;
      this.index = undefined;
    }
    return this.ws;
  }

  async recallIndex(): Promise<{ ws: Workspace; index: RecallIndex }> {
    const ws = await this.workspace();
    this.index = await openIndex(ws, this.index);
    return { ws, index: this.index };
  }
}

export function createMemoryServer(options: McpOptions): McpServer {
  const server = new McpServer({ name: "memory", version: version() });
  const warm = new Warm(options);
  const where = { cwd: options.cwd, env: options.env, ...(options.persona ? { persona: options.persona } : {}) };
  const filterOf = (a: { type?: string | undefined; by?: string | undefined; since?: string | undefined; tag?: string | string[] | undefined; in?: "bank" | "docs" | "all" | undefined }): ItemFilter => ({
    ...(a.type ? { type: a.type } : {}),
    ...(a.by ? { author: a.by } : {}),
    ...(a.since ? { since: sinceTime(a.since, options.env) } : {}),
    ...(list_(a.tag)?.length ? { tags: list_(a.tag) } : {}),
    ...(a.in ? { in: a.in } : {}),
  });

  server.registerTool(
    "remember",
    {
      title: "Remember",
      description: "Add an entry to the team's shared memory bank: a pattern, lesson (solution, bug, gotcha), decision, or a type the team's config adds. The next save shares it.",
      inputSchema: z.object({
        type: z.string().describe("pattern | lesson | solution | bug | gotcha | decision | …"),
        title: z.string().describe("one line"),
        body: z.string().optional().describe("markdown"),
        text: z.string().optional().describe("same as body"),
        content: z.string().optional().describe("same as body"),
        tags: strings.optional(),
        supersedes: z.string().optional().describe("id of the entry this one replaces"),
        related: strings.optional().describe("ids of related entries"),
        expires: z.string().optional().describe("a day (2027-01-31) or a count of days (30d)"),
        private: z.boolean().optional().describe("keep it in this clone only, never shared"),
      }),
      outputSchema: z.object({ id: z.string(), file: z.string() }),
    },
    (a) =>
      tool(async () => {
        const res = await add({ ...where, type: a.type, title: a.title, body: a.body ?? a.text ?? a.content, tags: list_(a.tags) ?? [], supersedes: a.supersedes, related: list_(a.related), expires: a.expires, private: a.private });
        return ok({ id: res.id, file: res.file });
      }),
  );

  server.registerTool(
    "recall",
    {
      title: "Recall",
      description: "Ranked search over the bank's entries and the team's docs (patterns, post-mortems, ADRs, Docs/**/*.md): typos and word starts are fine. Superseded and expired entries are left out unless all is true.",
      inputSchema: z.object({
        query: z.string().optional(),
        q: z.string().optional().describe("same as query"),
        text: z.string().optional().describe("same as query"),
        type: z.string().optional(),
        by: z.string().optional().describe("persona"),
        since: z.string().optional().describe("a day (2026-11-01) or a count of days (7d)"),
        tag: strings.optional().describe("every one must match"),
        in: z.enum(["bank", "docs", "all"]).optional(),
        limit: z.number().int().min(1).max(100).optional(),
        all: z.boolean().optional(),
        archived: z.boolean().optional().describe("also the entries cleanup moved to the bank's archive"),
      }),
      annotations: { readOnlyHint: true },
    },
    (a) =>
      tool(async () => {
        const query = a.query ?? a.q ?? a.text ?? "";
        const { ws, index } = await warm.recallIndex();
        const report = recallIn(ws, index, { query, filter: filterOf(a), limit: a.limit ?? 10, all: !!a.all, archived: !!a.archived });
        return ok({ query: report.query, results: report.results });
      }),
  );

  server.registerTool(
    "show",
    {
      title: "Show",
      description: "One entry or harvested doc by id (a unique start of the id is enough): its text, where it lives, its relations both ways, where it was harvested to.",
      inputSchema: z.object({ id: z.string() }),
      annotations: { readOnlyHint: true },
    },
    (a) =>
      tool(async () => {
        const s = await show({ ...where, id: a.id });
        return ok({ ...s.item, expired: s.expired, supersedes: s.supersedes, supersededBy: s.supersededBy, related: s.related, relatedBy: s.relatedBy, harvestedTo: s.harvestedTo });
      }),
  );

  server.registerTool(
    "list",
    {
      title: "List",
      description: "The bank's entries, newest first.",
      inputSchema: z.object({ type: z.string().optional(), by: z.string().optional(), since: z.string().optional(), tag: strings.optional(), limit: z.number().int().min(1).max(1000).optional() }),
      annotations: { readOnlyHint: true },
    },
    (a) =>
      tool(async () => {
        const items = await list({ ...where, filter: filterOf(a) });
        const limit = a.limit ?? 50;
        return ok({ items: items.slice(0, limit), more: Math.max(0, items.length - limit) });
      }),
  );

  server.registerTool(
    "context",
    {
      title: "Context",
      description: "A briefing for this persona within a token budget: handoffs to it first, its context, what fits the task, the team's context, what is new. Local only, no network.",
      inputSchema: z.object({ task: z.string().optional(), budget: z.number().int().min(100).max(200_000).optional() }),
      annotations: { readOnlyHint: true },
    },
    (a) =>
      tool(async () => {
        const b = await briefing({ ...where, task: a.task, budget: a.budget });
        return ok({ persona: b.persona, budget: b.budget, estimate: b.estimate, leftOut: b.leftOut, footer: b.footer, text: b.text }, b.text);
      }),
  );

  server.registerTool(
    "handoff",
    {
      title: "Hand off",
      description: "Hand work to another persona: what to do next, why, the critical facts. The receiver sees it first in its start and context until it accepts it.",
      inputSchema: z.object({
        to: z.string().describe("persona"),
        next_steps: z.string().optional(),
        next: z.string().optional().describe("same as next_steps"),
        message: z.string().optional().describe("same as next_steps"),
        reason: z.string().optional(),
        facts: z.union([z.record(z.string(), z.string()), z.array(z.string())]).optional().describe("{ KEY: VALUE } or [\"KEY=VALUE\"]"),
        tasks: strings.optional().describe("ids of tasks or entries it covers"),
      }),
    },
    (a) =>
      tool(async () => {
        const facts = Array.isArray(a.facts) ? a.facts : a.facts ? Object.entries(a.facts).map(([k, v]) => `${k}=${v}`) : [];
        const res = await handoff({ ...where, to: a.to, next: a.next_steps ?? a.next ?? a.message, reason: a.reason, facts, tasks: list_(a.tasks) });
        return ok({ ...res.handoff, newPersona: res.newPersona });
      }),
  );

  server.registerTool(
    "handoff_accept",
    { title: "Accept a handoff", description: "Take over a handoff: it leaves the top of start and context.", inputSchema: z.object({ id: z.string() }) },
    (a) => tool(async () => ok({ ...(await acceptHandoff({ ...where, id: a.id })) })),
  );

  server.registerTool(
    "handoff_list",
    { title: "Handoffs", description: "Handoffs, newest first.", inputSchema: z.object({ open: z.boolean().optional() }), annotations: { readOnlyHint: true } },
    (a) => tool(async () => ok({ handoffs: await listHandoffs({ ...where, open: !!a.open }) })),
  );

  server.registerTool(
    "task_add",
    {
      title: "Add a task",
      description: "Add a task to the team's queue.",
      inputSchema: z.object({
        title: z.string(),
        body: z.string().optional(),
        assign: z.string().optional().describe("persona"),
        depends: strings.optional().describe("ids of tasks that must be done first"),
        priority: z.enum(["low", "medium", "high", "critical"]).optional(),
      }),
    },
    (a) => tool(async () => ok({ ...(await addTask({ ...where, title: a.title, body: a.body, assign: a.assign, depends: list_(a.depends), priority: a.priority })) })),
  );
  server.registerTool(
    "task_list",
    {
      title: "Tasks",
      description: "The task queue, open and claimed first, by priority.",
      inputSchema: z.object({ mine: z.boolean().optional(), status: z.enum(["open", "claimed", "done", "blocked"]).optional() }),
      annotations: { readOnlyHint: true },
    },
    (a) => tool(async () => ok({ tasks: (await listTasks({ ...where, mine: !!a.mine, status: a.status })).tasks })),
  );
  server.registerTool(
    "task_claim",
    { title: "Claim a task", description: "Take a task: refused when another holds it or a task it depends on is not done.", inputSchema: z.object({ id: z.string() }) },
    (a) => tool(async () => ok({ ...(await claimTask({ ...where, id: a.id })) })),
  );
  server.registerTool(
    "task_done",
    { title: "Finish a task", description: "Mark a task done, with a note.", inputSchema: z.object({ id: z.string(), note: z.string().optional() }) },
    (a) => tool(async () => ok({ ...(await finishTask({ ...where, id: a.id, note: a.note })) })),
  );

  server.registerTool(
    "status",
    { title: "Status", description: "Where the bank is synced, ahead/behind, persona, and how full each buffer is.", inputSchema: z.object({}), annotations: { readOnlyHint: true } },
    () => tool(async () => ok({ ...(await status(where)) })),
  );

  server.registerTool(
    "save",
    {
      title: "Save",
      description: "Commit the bank and sync it with the team (merge, push). Offline it keeps the commit and says the push is pending.",
      inputSchema: z.object({ message: z.string().optional() }),
    },
    (a) =>
      tool(async () => {
        const res = await save({ ...where, message: a.message });
        const pending = res.sync?.unreachable ? `push pending: ${res.sync.unreachable}` : null;
        return ok({ commit: res.commit, added: res.added, pushed: res.sync?.pushed ?? false, pendingPush: res.sync?.pendingPush ?? 0, ...(pending ? { note: pending } : {}) });
      }),
  );

  server.registerTool(
    "start",
    { title: "Start", description: "Pull what the team learned and say what is new since this clone last looked, handoffs first.", inputSchema: z.object({}) },
    () =>
      tool(async () => {
        const r = await start(where);
        return ok({ handoffs: r.handoffs, newEntries: r.newEntries, harvested: r.harvested, edited: r.edited, removed: r.removed, archived: r.archived, newDocs: r.newDocs, unreachable: r.sync.unreachable });
      }),
  );

  // Resources: the bank's files, each entry, each harvested doc.
  server.registerResource(
    "bank-file",
    new ResourceTemplate("memory://bank/{file}", {
      list: async () => {
        const ws = await warm.workspace();
        const archive = (await readTextIfExists(archiveFile(ws).abs)) !== null ? [ARCHIVE_FILE] : [];
        const names = [...bankFiles(ws).map((f) => f.rel.slice(ws.config.bank.replace(/\/+$/, "").length + 1)), ...archive, ...(await otherBankFiles(ws))];
        return { resources: [...new Set(names)].map((n) => ({ uri: `memory://bank/${encodeURIComponent(n)}`, name: n, mimeType: "text/markdown" })) };
      },
    }),
    { title: "Bank file", description: "A file of the memory bank", mimeType: "text/markdown" },
    async (uri, vars) => {
      const ws = await warm.workspace();
      const name = decodeURIComponent(String(vars.file));
      if (name.includes("/") || name.includes("\\") || name.startsWith(".")) throw new MemoryError("usage", `no bank file named "${name}"`);
      const text = await readTextIfExists(join(ws.root, ws.config.bank, name));
      if (text === null) throw new MemoryError("not-found", `no bank file named "${name}"`);
      return { contents: [{ uri: uri.href, mimeType: "text/markdown", text }] };
    },
  );
  server.registerResource(
    "entry",
    new ResourceTemplate("memory://entry/{id}", {
      list: async () => {
        const items = (await readItems(await warm.workspace(), "worktree", { docs: false })).filter((i) => i.source === "bank");
        return { resources: items.map((i) => ({ uri: `memory://entry/${i.id}`, name: i.title, description: `${i.type} by ${i.author}, ${i.at}`, mimeType: "text/markdown" })) };
      },
    }),
    { title: "Entry", description: "One entry of the bank, by id", mimeType: "text/markdown" },
    async (uri, vars) => {
      const s = await show({ ...where, id: String(vars.id) });
      return { contents: [{ uri: uri.href, mimeType: "text/markdown", text: s.item.text }] };
    },
  );
  server.registerResource(
    "doc",
    new ResourceTemplate("memory://doc/{path}", {
      list: async () => {
        const docs = (await readItems(await warm.workspace())).filter((i) => i.source === "docs");
        const files = [...new Map(docs.map((d) => [d.file, d])).values()];
        return { resources: files.map((d) => ({ uri: `memory://doc/${encodeURIComponent(d.file)}`, name: d.file, description: d.title, mimeType: "text/markdown" })) };
      },
    }),
    { title: "Harvested doc", description: "A doc harvest wrote (Patterns.md, a post-mortem, an ADR)", mimeType: "text/markdown" },
    async (uri, vars) => {
      const ws = await warm.workspace();
      const path = decodeURIComponent(String(vars.path));
      const docs = (await readItems(ws)).filter((i) => i.source === "docs");
      if (!docs.some((d) => d.file === path)) throw new MemoryError("not-found", `no harvested doc at "${path}"`);
      const text = (await readTextIfExists(join(ws.root, path))) ?? "";
      return { contents: [{ uri: uri.href, mimeType: "text/markdown", text }] };
    },
  );

  server.registerPrompt(
    "briefing",
    {
      title: "Briefing",
      description: "The memory briefing for this persona (and a task), within a token budget",
      argsSchema: z.object({ task: z.string().optional(), budget: z.string().optional() }),
    },
    async (a) => {
      const n = a.budget ? Number(a.budget) : Number.NaN;
      const b = await briefing({ ...where, task: a.task, budget: Number.isInteger(n) && n > 0 ? n : undefined });
      return { messages: [{ role: "user" as const, content: { type: "text" as const, text: b.text } }] };
    },
  );

  return server;
}

/** Serves over stdio until the client closes it. Only protocol messages go to stdout. */
export async function serveStdio(options: McpOptions): Promise<void> {
  const { StdioServerTransport } = await import("@modelcontextprotocol/server/stdio");
  const server = createMemoryServer(options);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  await closed;
}
