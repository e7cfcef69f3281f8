/**
 * The compiled copy bin/parity.js runs (bin/compile.js): built when absent, rebuilt when any
 * source changed (never a stale copy), one complete build however many invocations race for it,
 * and the TypeScript sources through tsx when it cannot be built. Each case works on its own copy
 * of the project, so its builds do not touch the repository's dist/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../kit/cli.ts';

/** A copy of what bin/parity.js needs, with the repository's node_modules and data linked in. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parity-compiled-'));
  for (const p of ['bin', 'src', 'strategies']) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(dir, f));
  for (const l of ['node_modules', 'data']) symlinkSync(join(ROOT, l), join(dir, l));
  return dir;
}

function parity(dir: string, args: readonly string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(dir, 'bin/parity.js'), ...args], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const builds = (dir: string): string[] => (existsSync(join(dir, 'dist')) ? readdirSync(join(dir, 'dist')).sort() : []);
const complete = (dir: string, build: string): number => statSync(join(dir, 'dist', build, '.complete')).mtimeMs;

describe('the compiled copy', () => {
  it('is built on the first run, reused while the sources stay the same, and rebuilt when one changes, with the change in effect', () => {
    const dir = project();
    expect(builds(dir)).toEqual([]);
    const first = parity(dir, ['--help']);
    expect(first.code).toBe(0);
    const [build, ...others] = builds(dir);
    expect(others).toEqual([]);
    expect(existsSync(join(dir, 'dist', build as string, 'src/cli/main.js'))).toBe(true);
    const at = complete(dir, build as string);

    expect(parity(dir, ['--help']).stdout).toBe(first.stdout);
    expect(builds(dir)).toEqual([build]);
    expect(complete(dir, build as string)).toBe(at); // not rebuilt

    const main = join(dir, 'src/cli/main.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace('Parity: one strategy core', 'Parity (edited): one strategy core'));
    const edited = parity(dir, ['--help']);
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain('Parity (edited): one strategy core');
    expect(builds(dir)).toHaveLength(2);
  });

  it('races: four first runs at once all succeed alike, leaving one complete build and no half-built directory', async () => {
    const dir = project();
    const runs = await Promise.all(
      [0, 1, 2, 3].map(
        () =>
          new Promise<{ code: number | null; stdout: string }>((resolve) => {
            const c = spawn(process.execPath, [join(dir, 'bin/parity.js'), 'backtest', '--help'], { cwd: dir });
            let stdout = '';
            c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
            c.on('close', (code) => resolve({ code, stdout }));
          }),
      ),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
    expect(runs[0]?.stdout).toContain('--strategy');
    const left = builds(dir);
    expect(left).toHaveLength(1);
    expect(existsSync(join(dir, 'dist', left[0] as string, '.complete'))).toBe(true);
  });

  it('when a source does not compile, runs the sources through tsx instead: the command still works and nothing half-built is left', () => {
    const dir = project();
    writeFileSync(join(dir, 'src/cli/unused-broken.ts'), 'export const x = ;\n');
    const r = parity(dir, ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('0.1.0');
    expect(builds(dir)).toEqual([]);
  });

  it('PARITY_COMPILED=0 runs the sources through tsx and builds nothing, with the same output', () => {
    const dir = project();
    const r = parity(dir, ['backtest', '--help'], { PARITY_COMPILED: '0' });
    expect(r.code).toBe(0);
    expect(builds(dir)).toEqual([]);
    expect(parity(dir, ['backtest', '--help']).stdout).toBe(r.stdout);
  });
});
