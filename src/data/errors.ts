/**
 * DataError: a data file cannot be used. It names the file and lists the offending rows (the first
 * few, with a count of the rest), so the person fixing the file knows where to look.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
    summary?: string,
  ) {
    const head = `${file}: ${summary ?? `${problems.length} problem${problems.length === 1 ? '' : 's'}`}`;
    super(problems.length > 0 ? `${head}\n${listProblems(problems)}` : head);
  }
}

/** The first `max` problems, one per line, and how many more there are. */
export function listProblems(problems: readonly string[], max = 10): string {
  const shown = problems.slice(0, max).map((p) => `  - ${p}`);
  if (problems.length > max) shown.push(`  ... and ${problems.length - max} more`);
  return shown.join('\n');
}
