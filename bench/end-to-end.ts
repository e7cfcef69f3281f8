/**
 * End to end: bars / wall time of the whole `parity backtest --json` process (start, load, run,
 * summary, output) on 2M 1m bars (bench/big-data.ts: the real BTCUSDT month tiled), cold (no
 * candle cache: the CSV is parsed and the cache written) and warm (the cache is read), beside
 * backtrader's end-to-end rate for the same strategy on the same machine in the same run, the
 * CSV scanner's rate, and the engine and bare-loop rates (bench/backtest-throughput.ts). The warm
 * run and `parity --version` are also timed running the sources through tsx (PARITY_COMPILED=0),
 * which is what bin/parity.js did before it ran the compiled copy. The binary is run as a user runs
 * `parity` (bin/parity.js executed, so its first line applies: glibc's malloc asks for transparent
 * huge pages for the big buffers); the warm run is timed as `node bin/parity.js` too, which skips
 * that line. The last row says what this machine charges for memory touched the first time
 * (newMemoryMs), which those runs pay for ~300 MB.
 *
 * backtrader: the reference runner test/fixtures/reference/backtrader_sma_cross.py over the
 * bundled month (41,761 bars; 2M bars would take backtrader minutes), with the backtrader source
 * from $BACKTRADER_SRC or out/backtrader (`git archive` of github.com/mementum/backtrader; PyPI is
 * not reachable offline). Without it, its figures are reported as missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { symbol } from '../src/engine/index.ts';
import { loadCandles } from '../src/data/index.ts';
import { scanCandles } from '../src/data/candle-scan.ts';
import { bareRun, engineRun } from './backtest-throughput.ts';
import { bigCandleFile, BIG_BARS } from './big-data.ts';
import { BTC_1M } from './kit.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The binary, executed as `parity` is (its first line runs node; see its comment). */
const BIN = join(root, 'bin', 'parity.js');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Wall seconds of one command, which must succeed. */
function wall(cmd: string, args: string[], env: Record<string, string> = {}): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${String(r.stderr).slice(0, 500)}`);
  return s;
}

/**
 * Milliseconds a fresh process takes to touch 100 MiB of new memory, one write per 4 KiB page: what
 * the machine charges for memory used the first time. The end-to-end runs touch ~300 MB, so on a
 * machine where this is high (a virtual machine that backs guest memory lazily: ~300-450 ms here)
 * they are slower than their CPU time says, and ratios against a smaller process move with it.
 */
function newMemoryMs(): number {
  const code = 'const t=performance.now();const a=new Uint8Array(100*2**20);for(let i=0;i<a.length;i+=4096)a[i]=1;process.stdout.write(String(performance.now()-t))';
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the memory probe failed: ${r.stderr}`);
  return Number(r.stdout);
}

function backtraderSeconds(): number | undefined {
  const src = process.env['BACKTRADER_SRC'] ?? join(root, 'out', 'backtrader');
  if (!existsSync(join(src, 'backtrader', '__init__.py'))) return undefined;
  return wall('python3', ['test/fixtures/reference/backtrader_sma_cross.py', '--bt-path', src, '--csv', BTC_1M, '--out', join(root, 'out', 'bench', 'backtrader-run.json')]);
}

export function benchEndToEnd(reps = 3): Record<string, number | string> {
  const big = bigCandleFile();
  const parity = ['backtest', '--strategy', 'sma-cross', '--data', big, '--json'];
  const cache = join(dirname(big), '.parity-cache');
  // The CSV scanner alone, in process (the file is in the page cache by now).
  const bytes = readFileSync(big);
  const parse: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const f = scanCandles(bytes, 'big.csv', symbol('BTCUSDT'));
    parse.push((performance.now() - t0) / 1000);
    if (f?.series.length !== BIG_BARS) throw new Error('the scanner did not read the tiled file');
  }
  const cold: number[] = [];
  const warm: number[] = [];
  const warmTsx: number[] = [];
  const warmNode: number[] = [];
  const version: number[] = [];
  const versionTsx: number[] = [];
  const bt: number[] = [];
  const memory: number[] = [];
  const tsx = { PARITY_COMPILED: '0' }; // the sources through tsx, as before the compiled copy (bin/compile.js)
  wall(BIN, ['--version']); // builds the compiled copy if the sources changed
  for (let i = 0; i < reps; i++) {
    rmSync(cache, { recursive: true, force: true });
    cold.push(wall(BIN, parity));
    warm.push(wall(BIN, parity));
    warmNode.push(wall(process.execPath, [BIN, ...parity]));
    warmTsx.push(wall(BIN, parity, tsx));
    version.push(wall(BIN, ['--version']));
    versionTsx.push(wall(BIN, ['--version'], tsx));
    memory.push(newMemoryMs());
    const b = backtraderSeconds();
    if (b !== undefined) bt.push(b);
  }
  const series = loadCandles(BTC_1M, symbol('BTCUSDT')).series;
  for (let i = 0; i < 3; i++) (engineRun(series), bareRun(series));
  const te: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < 3 * reps; i++) {
    let t0 = performance.now();
    engineRun(series);
    te.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    bareRun(series);
    tb.push((performance.now() - t0) / 1000);
  }
  const coldBps = BIG_BARS / median(cold);
  const warmBps = BIG_BARS / median(warm);
  const btBps = bt.length > 0 ? series.length / median(bt) : NaN;
  const engineBps = series.length / median(te);
  const bareBps = series.length / median(tb);
  const ratio = (x: number): number | string => (Number.isNaN(btBps) ? 'no backtrader' : Number((x / btBps).toFixed(1)));
  return {
    'bars (end to end)': BIG_BARS,
    'csv scan rows/s': Math.round(BIG_BARS / median(parse)),
    'cold e2e bars/s (no cache)': Math.round(coldBps),
    'warm e2e bars/s (cache)': Math.round(warmBps),
    'cold e2e s': Number(median(cold).toFixed(2)),
    'warm e2e s': Number(median(warm).toFixed(2)),
    'warm e2e s, `node bin/parity.js` (no huge-page malloc)': Number(median(warmNode).toFixed(2)),
    'warm e2e s, sources through tsx': Number(median(warmTsx).toFixed(2)),
    'parity --version s': Number(median(version).toFixed(3)),
    'parity --version s, sources through tsx': Number(median(versionTsx).toFixed(3)),
    'backtrader e2e bars/s (41,761 bars)': Number.isNaN(btBps) ? 'not installed: set BACKTRADER_SRC' : Math.round(btBps),
    'cold / backtrader': ratio(coldBps),
    'warm / backtrader': ratio(warmBps),
    'engine bars/s (in process)': Math.round(engineBps),
    'bare loop bars/s': Math.round(bareBps),
    'bare / engine': Number((bareBps / engineBps).toFixed(2)),
    'engine / backtrader': ratio(engineBps),
    'new memory, ms per 100 MiB (this machine)': Number(median(memory).toFixed(0)),
  };
}
