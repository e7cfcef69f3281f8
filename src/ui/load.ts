/**
 * Loads the TUI so that it draws every frame, wherever it runs.
 *
 * Ink decides once, when its module is first evaluated, whether it runs "in CI" (the `CI` or
 * `CONTINUOUS_INTEGRATION` variable set and not "0"/"false"): then it writes nothing until the app
 * exits, and only the last frame. A workstation on a terminal must draw all the time, also over an
 * SSH session that exports CI=1 or in a CI job that drives it in tmux. So Ink is first loaded with
 * those two variables hidden, then they are put back for everything else (child processes see them
 * as they were). A no-op if Ink is already loaded.
 */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function loadInteractiveInk(): Promise<void> {
  const saved = CI_VARIABLES.map((k) => [k, process.env[k]] as const);
  for (const [k] of saved) delete process.env[k];
  try {
    await import('ink');
  } finally {
    for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
  }
}

/** The TUI module, with Ink loaded for a terminal (see above). */
export async function loadUi(): Promise<typeof import('./index.ts')> {
  await loadInteractiveInk();
  return import('./index.ts');
}
