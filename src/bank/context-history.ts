/** Where this persona's own copy of activeContext went, when another persona's newer copy replaced it. */
import { readStamp, withoutStamp } from "../core/context.js";
import { readBlobs } from "../git/repo.js";
import { commitsTouching } from "../git/history.js";
import { readTextIfExists } from "../infra/fs.js";

export interface ContextChange {
  by: string | null;
  updated: string | null;
  /** A command that prints the text this clone had before. */
  previous: string;
}

/**
 * activeContext is another persona's now and differs from what it was when this clone last looked (`since`):
 * say whose it is, and where this persona's own last copy is (a commit of ours that a merge replaced, found
 * among the commits since then), else the copy seen last. Null when nothing of ours was replaced.
 */
export async function replacedContext(root: string, rel: string, abs: string, since: string, persona: string): Promise<ContextChange | null> {
  const current = (await readTextIfExists(abs)) ?? "";
  const stamp = readStamp(current);
  if (stamp.by === persona) return null;
  const seen = (await readBlobs(root, [`${since}:${rel}`])).get(`${since}:${rel}`) ?? null;
  if (seen !== null && withoutStamp(seen) === withoutStamp(current)) return null;
  const commits = await commitsTouching(root, `${since}..HEAD`, rel);
  const copies = await readBlobs(root, commits.map((c) => `${c}:${rel}`));
  copies.set(`${since}:${rel}`, seen);
  const copy = (c: string) => copies.get(`${c}:${rel}`) ?? null;
  const differs = (c: string) => {
    const text = copy(c);
    return text !== null && withoutStamp(text) !== withoutStamp(current);
  };
  const mine = commits.find((c) => differs(c) && readStamp(copy(c)!).by === persona) ?? (differs(since) ? since : undefined);
  if (!mine) return null;
  return { by: stamp.by ?? null, updated: stamp.updated ?? null, previous: `git show ${mine.slice(0, 12)}:${rel}` };
}
