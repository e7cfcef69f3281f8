/**
 * Start-up loads only what the command needs: every command module defines its options with
 * commander and the option parsers, and its action loads the implementation (src/cli/main.ts).
 * Checked on the real binary, with a loader hook that lists every module it loads: a static
 * import of ccxt (1 s to load), ink (1 s) or the sweep's queue client in the wrong place fails here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../kit/cli.ts';

const HOOK = new URL('../kit/load-trace.mjs', import.meta.url).href;
const XRP_5M = join(ROOT, 'data/binance-xrpusdt-perp-2021-11/XRPUSDT-5m-2021-11.csv');
/** What no command but its own may load: the exchange client, the screen, the sweep's pool and queue, the journal's store, the local exchange's socket server. */
const HEAVY = ['ccxt', 'ink', 'react', 'bullmq', 'ioredis', 'piscina', 'lowdb', 'ws'];

/** The packages `parity <args>` loads, our TypeScript sources it loads (rather than their compiled twins), and its exit code. */
function packagesLoaded(args: readonly string[], env: Record<string, string> = {}): { code: number; packages: string[]; sources: string[]; urls: string[] } {
  const trace = join(mkdtempSync(join(tmpdir(), 'parity-startup-')), 'loaded.txt');
  const register = `data:text/javascript,import { register } from 'node:module'; register(${JSON.stringify(HOOK)});`;
  const r = spawnSync(process.execPath, ['--import', register, BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env, PARITY_LOAD_TRACE: trace }, encoding: 'utf8', timeout: 120_000 });
  const urls = readFileSync(trace, 'utf8').split('\n');
  const packages = new Set(urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((p) => p !== undefined));
  const sources = urls.filter((u) => u.startsWith(pathToFileURL(ROOT).href) && /\/(src|strategies)\/.*\.tsx?(\?|$)/.test(u));
  return { code: r.status ?? -1, packages: [...packages].sort(), sources, urls };
}

describe('start-up', () => {
  it('parity --version loads commander and nothing else: the compiled copy needs no tsx, and defining the flags needs no engine, simulator or data loader', () => {
    const r = packagesLoaded(['--version']);
    expect(r.code).toBe(0);
    expect(r.packages).toEqual(['commander']);
    expect(r.sources).toEqual([]);
    expect(r.urls.filter((u) => /\/src\/(engine|paper|exchanges)\/|\/src\/data\/(?!time\.js$)/.test(u))).toEqual([]);
  });

  it('run from the TypeScript sources (PARITY_COMPILED=0), parity --version loads commander and tsx, nothing of the implementation', () => {
    const r = packagesLoaded(['--version'], { PARITY_COMPILED: '0' });
    expect(r.code).toBe(0);
    expect(r.packages.filter((p) => !['commander', 'tsx', 'esbuild'].includes(p))).toEqual([]);
    expect(r.sources.length).toBeGreaterThan(0);
  });

  it('a user strategy in TypeScript that imports our engine sources gets their compiled twins: one engine in the process, none of it through tsx', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parity-startup-'));
    // An ES module (a .ts file outside any ESM package loads as CommonJS through tsx's own loader,
    // as it did before there was a compiled copy).
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const file = join(dir, 'mine.ts');
    const engine = JSON.stringify(join(ROOT, 'src/engine/index.ts'));
    writeFileSync(
      file,
      `import { defineStrategy, Sma, type Bar } from ${engine};\nexport default defineStrategy({ name: 'mine', description: 'an SMA, no orders', params: { n: 3 }, create(ctx) { const s = new Sma(ctx.params.n); return { onBar(b: Bar) { s.update(b.close); } }; } });\n`,
    );
    const r = packagesLoaded(['backtest', '--json', '--data', XRP_5M, '--strategy', file]);
    expect(r.code).toBe(0);
    expect(r.packages).toContain('tsx'); // the user's file needs it
    expect(r.sources).toEqual([]);
  });

  it('parity backtest loads the backtest, and none of ccxt, ink, the sweep pool or queue, lowdb or ws; without a config file, not zod either', () => {
    const r = packagesLoaded(['backtest', '--json', '--data', XRP_5M]);
    expect(r.code).toBe(0);
    expect(r.packages.filter((p) => HEAVY.includes(p) || p === 'zod')).toEqual([]);
  });

  it('a config file is read through its schema: zod is loaded then, and a bad file is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parity-startup-'));
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    writeFileSync(good, JSON.stringify({ backtest: { cash: 5000 } }));
    writeFileSync(bad, JSON.stringify({ backtest: { cash: -1 } }));
    const r = packagesLoaded(['backtest', '--json', '--data', XRP_5M, '--config', good]);
    expect(r.code).toBe(0);
    expect(r.packages).toContain('zod');
    expect(packagesLoaded(['backtest', '--json', '--data', XRP_5M, '--config', bad]).code).toBe(2);
  });

  it('parity ctl with no Parity running fails without loading any of them', () => {
    const r = packagesLoaded(['ctl', 'pause', '--state-dir', mkdtempSync(join(tmpdir(), 'parity-startup-'))]);
    expect(r.code).toBe(1);
    expect(r.packages.filter((p) => HEAVY.includes(p) || p === 'zod')).toEqual([]);
  });
});
