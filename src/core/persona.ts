/** Who is writing: `--persona` > `MEMORY_PERSONA` > `git config memory.persona` > `git config user.name`. */
export interface PersonaSources {
  flag?: string | undefined;
  env?: string | undefined;
  gitPersona?: string | undefined;
  gitUserName?: string | undefined;
}

export interface Persona {
  name: string;
  source: "flag" | "env" | "git config memory.persona" | "git config user.name";
}

export function resolvePersona(sources: PersonaSources): Persona | undefined {
  const candidates: Array<[string | undefined, Persona["source"]]> = [
    [sources.flag, "flag"],
    [sources.env, "env"],
    [sources.gitPersona, "git config memory.persona"],
    [sources.gitUserName, "git config user.name"],
  ];
  for (const [value, source] of candidates) {
    const name = value?.replace(/\s+/g, " ").trim();
    if (name) return { name, source };
  }
  return undefined;
}
