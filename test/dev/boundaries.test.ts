/**
 * The house rules check themselves: each import rule (.dependency-cruiser.cjs) and each engine
 * lint rule (eslint.config.js) must fail on a deliberate violation, and pass on the tree as it is.
 * A rule that cannot fail protects nothing.
 *
 * The import rules run the real dependency-cruiser on a scratch tree laid out like the project
 * (src/engine/model/..., src/cli/...), with this project's config, tsconfig and node_modules.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../kit/cli.ts';

const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

/** Runs dependency-cruiser with the project's rules over a scratch tree of `files`; returns its exit code and report. */
function cruise(files: Record<string, string>): { code: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'parity-rules-'));
  copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  copyFileSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const r = spawnSync(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** A minimal engine the violations are added to. */
const ENGINE: Record<string, string> = {
  'src/engine/model/ids.ts': 'export type Id = string;\n',
  'src/engine/kernel/kernel.ts': "import type { Id } from '../model/ids.ts';\nexport const kernel = (id: Id): Id => id;\n",
  'src/engine/index.ts': "export { kernel } from './kernel/kernel.ts';\nexport type { Id } from './model/ids.ts';\n",
};

const VIOLATIONS: readonly { rule: string; files: Record<string, string> }[] = [
  { rule: 'model-is-the-bottom', files: { 'src/engine/model/bad.ts': "import { kernel } from '../kernel/kernel.ts';\nexport const x = kernel;\n" } },
  {
    rule: 'no-cycles',
    files: { 'src/engine/model/a.ts': "import type { B } from './b.ts';\nexport type A = B;\n", 'src/engine/model/b.ts': "import type { A } from './a.ts';\nexport type B = A | 1;\n" },
  },
  { rule: 'engine-no-io', files: { 'src/engine/kernel/io.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n" } },
  { rule: 'engine-is-self-contained', files: { 'src/engine/kernel/shell.ts': "import { x } from '../../cli/x.ts';\nexport const y = x;\n", 'src/cli/x.ts': 'export const x = 1;\n' } },
  { rule: 'adapters-see-the-barrel', files: { 'src/paper/venue.ts': "import { kernel } from '../engine/kernel/kernel.ts';\nexport const v = kernel;\n" } },
  { rule: 'only-exchanges-touch-ccxt', files: { 'src/workstation/direct.ts': "import ccxt from 'ccxt';\nexport const c = ccxt;\n" } },
  { rule: 'nothing-imports-the-ui', files: { 'src/workstation/screen.ts': "import { App } from '../ui/App.ts';\nexport const a = App;\n", 'src/ui/App.ts': 'export const App = 1;\n' } },
  {
    rule: 'adapters-no-persistence',
    files: { 'src/exchanges/ccxt/venue.ts': "import { crash } from '../../persistence/crashpoints.ts';\nexport const c = crash;\n", 'src/persistence/crashpoints.ts': 'export const crash = 1;\n' },
  },
  {
    rule: 'local-exchange-is-a-product',
    files: { 'src/exchanges/ccxt/client.ts': "import { urls } from '../../local-exchange/urls.ts';\nexport const u = urls;\n", 'src/local-exchange/urls.ts': 'export const urls = 1;\n' },
  },
];

describe('import rules', () => {
  it('the project as it is breaks none', () => {
    const r = spawnSync(DEPCRUISE, ['src', 'strategies', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: ROOT, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toMatch(/no dependency violations found/);
    expect(r.status).toBe(0);
  });

  it('a clean scratch engine passes (so each failure below is the violation, not the set-up)', () => {
    expect(cruise(ENGINE)).toMatchObject({ code: 0 });
  });

  it.each(VIOLATIONS)('$rule fails on a violation', ({ rule, files }) => {
    const r = cruise({ ...ENGINE, ...files });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(`error ${rule}:`);
  });
});

describe('engine lint rules', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const problems = async (code: string, filePath: string): Promise<string[]> =>
    (await eslint.lintText(code, { filePath: join(ROOT, filePath) })).flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => m.message));

  it.each([
    ['Date.now()', /injected Clock/],
    ['new Date()', /reads the wall clock/],
    ['Math.random()', /seeded Rng/],
    ['setTimeout(() => undefined, 1)', /injected/],
    ['process.hrtime()', /injected/],
  ])('%s in the engine, the simulator or a strategy is refused', async (code, message) => {
    for (const file of ['src/engine/kernel/x.ts', 'src/paper/x.ts', 'strategies/x.ts']) {
      expect(await problems(`export const t = ${code};\n`, file)).toEqual([expect.stringMatching(message)]);
    }
  });

  it('formatting a given time, and the shell reading the clock, are fine', async () => {
    expect(await problems('export const t = (ts: number): string => new Date(ts).toISOString();\n', 'src/engine/model/x.ts')).toEqual([]);
    expect(await problems('export const t = Date.now();\n', 'src/cli/x.ts')).toEqual([]);
  });
});
