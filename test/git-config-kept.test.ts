// git's config is kept between commands (`.git/memory/git-config.json`) while no file it comes from changes.
// These runs leave the user's and the system's config files to git's defaults (no GIT_CONFIG_GLOBAL or
// GIT_CONFIG_NOSYSTEM as the other tests set), with HOME in the sandbox, and count git's processes with
// GIT_TRACE2_EVENT.
import { describe, expect, it } from "vitest";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gitStarts, type Sandbox } from "./helpers.js";
import { ok, solo } from "./fixtures.js";

const USER_CONFIG = "[user]\n\tname = Test User\n\temail = test@example.invalid\n";

function statusOf(sb: Sandbox, cwd: string, extra: NodeJS.ProcessEnv = {}): { persona: string | null; gits: number } {
  const trace = join(sb.dir, "trace.json");
  rmSync(trace, { force: true });
  const env = { GIT_CONFIG_GLOBAL: undefined, GIT_CONFIG_NOSYSTEM: undefined, GIT_TRACE2_EVENT: trace, ...extra };
  const run = ok(sb.memoryCli(cwd, ["status", "--json"], { env }));
  return { persona: (JSON.parse(run.stdout) as { persona: string | null }).persona, gits: gitStarts(trace).length };
}

describe("git's config, kept between commands", () => {
  it("is read without git while its files are unchanged, and read again once any of them changes or appears", async () => {
    const { sb, dev } = await solo();
    writeFileSync(join(sb.home, ".gitconfig"), USER_CONFIG);
    expect(statusOf(sb, dev)).toEqual({ persona: "dev", gits: 1 });
    expect(statusOf(sb, dev)).toEqual({ persona: "dev", gits: 0 });

    // The clone's own config, as `git config` writes it.
    sb.git(dev, "config", "memory.persona", "qa");
    expect(statusOf(sb, dev)).toEqual({ persona: "qa", gits: 1 });
    expect(statusOf(sb, dev).gits).toBe(0);

    // The user's config, edited in place.
    sb.git(dev, "config", "--unset", "memory.persona");
    writeFileSync(join(sb.home, ".gitconfig"), `${USER_CONFIG}[memory]\n\tpersona = architect\n`);
    expect(statusOf(sb, dev).persona).toBe("architect");
    expect(statusOf(sb, dev).gits).toBe(0);

    // A config file that did not exist when the answer was kept.
    writeFileSync(join(sb.home, ".gitconfig"), USER_CONFIG);
    expect(statusOf(sb, dev).persona).not.toBe("architect");
    mkdirSync(join(sb.home, ".config", "git"), { recursive: true });
    writeFileSync(join(sb.home, ".config", "git", "config"), "[memory]\n\tpersona = lead\n");
    expect(statusOf(sb, dev).persona).toBe("lead");

    // Another user (HOME) is another set of files.
    const other = join(sb.dir, "other-home");
    mkdirSync(other);
    writeFileSync(join(other, ".gitconfig"), `${USER_CONFIG}[memory]\n\tpersona = ops\n`);
    expect(statusOf(sb, dev, { HOME: other })).toEqual({ persona: "ops", gits: 1 });
    expect(statusOf(sb, dev).persona).toBe("lead");
  });

  it("is asked of git every time when an include or a GIT_CONFIG variable is in play", async () => {
    const { sb, dev } = await solo();
    writeFileSync(join(sb.home, ".gitconfig"), USER_CONFIG);
    sb.git(dev, "config", "--unset", "memory.persona");
    const included = join(sb.dir, "included.gitconfig");
    writeFileSync(included, "[memory]\n\tpersona = aa\n");
    sb.git(dev, "config", "include.path", included);
    expect(statusOf(sb, dev)).toEqual({ persona: "aa", gits: 1 });
    // Same size, written in place: only git reading the include again can see it.
    writeFileSync(included, "[memory]\n\tpersona = bb\n");
    expect(statusOf(sb, dev)).toEqual({ persona: "bb", gits: 1 });

    sb.git(dev, "config", "--unset", "include.path");
    sb.git(dev, "config", "memory.persona", "dev");
    statusOf(sb, dev);
    expect(statusOf(sb, dev).gits).toBe(0);
    const env = { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "memory.persona", GIT_CONFIG_VALUE_0: "from-env" };
    expect(statusOf(sb, dev, env)).toEqual({ persona: "from-env", gits: 1 });
    expect(statusOf(sb, dev).persona).toBe("dev");
  });

  it("follows GIT_CONFIG_GLOBAL and GIT_CONFIG_NOSYSTEM: another choice of files is another answer", async () => {
    const { sb, dev } = await solo();
    writeFileSync(join(sb.home, ".gitconfig"), USER_CONFIG);
    sb.git(dev, "config", "--unset", "memory.persona");
    const mine = join(sb.dir, "mine.gitconfig");
    writeFileSync(mine, `${USER_CONFIG}[memory]\n\tpersona = mine\n`);
    const chosen = { GIT_CONFIG_GLOBAL: mine, GIT_CONFIG_NOSYSTEM: "1" };
    expect(statusOf(sb, dev, chosen)).toEqual({ persona: "mine", gits: 1 });
    expect(statusOf(sb, dev, chosen)).toEqual({ persona: "mine", gits: 0 });
    expect(statusOf(sb, dev).persona).not.toBe("mine"); // the user's own ~/.gitconfig again
    writeFileSync(mine, `${USER_CONFIG}[memory]\n\tpersona = changed\n`);
    expect(statusOf(sb, dev, chosen)).toEqual({ persona: "changed", gits: 1 });
  });
});
