/** Where this persona's text of activeContext went, when a newer copy from another clone replaced it. */
import { parseContext, sectionBody, withoutStamp, type ContextDoc } from "../core/context.js";
import { readBlobs } from "../git/repo.js";
import { commitsTouching, commitsTouchingLine } from "../git/history.js";
import type { ObjectSession } from "../git/run.js";
import { readTextIfExists } from "../infra/fs.js";

export interface SectionChange {
  /** Whose section was replaced, or null for a context without sections (the whole file). */
  section: string | null;
  /** Who wrote the copy that replaced it. */
  by: string | null;
  updated: string | null;
  /** A command that prints the file as this clone had it, replaced text included. */
  previous: string;
}

export interface ContextChange extends SectionChange {
  /** Every replaced section; the fields above are the first one's. */
  sections: SectionChange[];
}

/** The parts of a context that merge on their own: its persona sections, or the whole file when it has none. */
interface Part {
  text: string;
  by: string | undefined;
  updated: string | undefined;
}

function parts(text: string | null): Map<string, Part> {
  const found = new Map<string, Part>();
  if (text === null) return found;
  let doc: ContextDoc;
  try {
    doc = parseContext(text);
  } catch {
    return found;
  }
  if (doc.sections.length === 0) found.set("", { text: withoutStamp(text), by: doc.stamp.by, updated: doc.stamp.updated });
  for (const s of doc.sections) found.set(s.persona, { text: sectionBody(s), by: s.by ?? s.persona, updated: s.updated });
  return found;
}

/**
 * For each part of activeContext last written by someone else: a copy of it that this persona wrote (in a
 * commit since `since`, the commit this clone last looked at) and that differs from the part now. Failing
 * that, the copy at `since`, if it was this persona's section (or, for a file without sections, the file)
 * and differs now. Each found part is reported with the command that prints the text this clone had.
 */
export async function replacedContext(root: string, rel: string, abs: string, since: string, persona: string, head = "HEAD", objects?: ObjectSession): Promise<ContextChange | null> {
  const current = parts(await readTextIfExists(abs));
  // (Through the command's object store session, when the range is a line of single commits: no log.)
  const walked = objects ? await objects.get().then((o) => commitsTouchingLine(o, since, head, rel)).catch(() => null) : null;
  const commits = walked ?? (await commitsTouching(root, `${since}..${head}`, rel));
  // No commit since touched it: it is as this clone last saw it, so nothing of it was replaced. (Asked right
  // after a sync, with the bank committed first: the work tree holds the branch's copy.)
  if (commits.length === 0) return null;
  const blobs = await readBlobs(root, [since, ...commits].map((c) => `${c}:${rel}`));
  const copies = new Map([since, ...commits].map((c) => [c, parts(blobs.get(`${c}:${rel}`) ?? null)]));

  const changes: SectionChange[] = [];
  for (const [key, now] of current) {
    if (now.by === persona) continue;
    const differs = (c: string) => {
      const copy = copies.get(c)!.get(key);
      return copy !== undefined && copy.text !== now.text ? copy : undefined;
    };
    const seen = differs(since);
    const mine =
      commits.find((c) => differs(c)?.by === persona) ??
      (seen && (key === "" || key === persona || seen.by === persona) ? since : undefined);
    if (!mine) continue;
    changes.push({ section: key === "" ? null : key, by: now.by ?? null, updated: now.updated ?? null, previous: `git show ${mine.slice(0, 12)}:${rel}` });
  }
  if (changes.length === 0) return null;
  return { ...changes[0]!, sections: changes };
}
