/** Architecture decision record file names: `ADR-004-caching-strategy.md`. Pure. */

const ADR_FILE = /^ADR-(\d+)(?:-.*)?\.md$/i;

export function adrNumber(fileName: string): number | undefined {
  const m = ADR_FILE.exec(fileName);
  return m ? Number(m[1]) : undefined;
}

/** Numbers used by more than one ADR file, each with its files in name order. */
export function duplicateAdrNumbers(fileNames: readonly string[]): Map<number, string[]> {
  const byNumber = new Map<number, string[]>();
  for (const name of [...fileNames].sort()) {
    const n = adrNumber(name);
    if (n === undefined) continue;
    byNumber.set(n, [...(byNumber.get(n) ?? []), name]);
  }
  return new Map([...byNumber].filter(([, files]) => files.length > 1));
}
