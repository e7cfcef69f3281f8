/**
 * `parity exchange serve`: the URL is the first line of stdout, then one line per event; bad
 * options fail with a message naming the option; SIGINT shuts it down cleanly.
 */
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addExchangeCommand } from '../../src/cli/exchange/command.ts';
import { BUNDLED } from '../../src/local-exchange/index.ts';
import { raw, until } from './kit.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function program(): { p: Command; out: string[]; err: string[]; stop: () => void } {
  const out: string[] = [];
  const err: string[] = [];
  let stop = (): void => undefined;
  const p = new Command('parity').exitOverride().configureOutput({ writeErr: (s) => err.push(s), writeOut: (s) => out.push(s) });
  addExchangeCommand(p, { out: (l) => out.push(l), err: (l) => err.push(l), waitForStop: () => new Promise<void>((res) => (stop = res)) });
  return { p, out, err, stop: () => stop() };
}

describe('parity exchange serve', () => {
  it('prints the URL first, then one line per order event, and stops on request', async () => {
    const t = program();
    const run = t.p.parseAsync(['node', 'parity', 'exchange', 'serve', '--speed', '60', '--market', `BTCUSDT=${BUNDLED.btcusdt1m}`, '--balance', '5000']);
    await until(() => t.out.length > 0, 5000, 'the URL line');
    const url = t.out[0] as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const lx = { url, port: Number(url.split(':')[2]) } as Parameters<typeof raw>[0];
    const acct = (await raw(lx, 'GET', '/fapi/v3/account', {}, { signed: true })).json as { totalWalletBalance: string };
    expect(Number(acct.totalWalletBalance)).toBe(5000);
    await raw(lx, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001', newClientOrderId: 'cli-1' }, { signed: true });
    await until(() => t.out.some((l) => l.includes('FILL')), 3000, 'fill line');
    expect(t.out.find((l) => l.includes(' NEW '))).toMatch(/NEW +BTCUSDT BUY MARKET 0\.001 #\d+ cli-1$/);
    t.stop();
    await run;
    expect(t.err.join('\n')).toMatch(/stopped/);
  });

  it.each([
    [['--market', 'BTCUSDT'], /--market expects SYMBOL=file/],
    [['--market', 'BTCUSDT=/nope.csv'], /--market BTCUSDT: no such file/],
    [['--l2', `DOGEUSDT=${BUNDLED.btcusdtL2}`], /--market\/--l2: no exchange filters for DOGEUSDT/],
    [['--funding', `XRPUSDT=${BUNDLED.xrpusdtFunding}`], /--funding XRPUSDT: no --market XRPUSDT/],
    [['--faults', '/nope.json'], /--faults \/nope\.json: cannot read it/],
  ])('%j fails naming the option', async (args, msg) => {
    const t = program();
    await expect(t.p.parseAsync(['node', 'parity', 'exchange', 'serve', ...args])).rejects.toThrow(msg);
  });

  it('rejects bad numbers and bad fault scripts with the option in the message', async () => {
    const t = program();
    await expect(t.p.parseAsync(['node', 'parity', 'exchange', 'serve', '--speed', 'fast'])).rejects.toThrow();
    expect(t.err.join('')).toMatch(/--speed/);
    const dir = mkdtempSync(join(tmpdir(), 'lx-'));
    writeFileSync(join(dir, 'f.json'), JSON.stringify({ rest: [{ action: { type: 'explode' } }] }));
    await expect(program().p.parseAsync(['node', 'parity', 'exchange', 'serve', '--faults', join(dir, 'f.json')])).rejects.toThrow(
      /--faults .*f\.json: invalid fault script:\n {2}faults\.rest\[0\]\.action/,
    );
  });

  it('--faults takes marketData rules: a silence is logged as a FAULT line; a symbol not served is refused naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lx-'));
    writeFileSync(join(dir, 'silence.json'), JSON.stringify({ marketData: [{ action: 'silence', afterSec: 0, forSec: 30, streams: ['kline'] }] }));
    const t = program();
    const run = t.p.parseAsync(['node', 'parity', 'exchange', 'serve', '--market', `BTCUSDT=${BUNDLED.btcusdt1m}`, '--faults', join(dir, 'silence.json')]);
    await until(() => t.out.some((l) => l.includes('FAULT')), 5000, 'the silence line');
    expect(t.out[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/); // the URL stays the first line, before any fault
    expect(t.out.find((l) => l.includes('FAULT'))).toMatch(/FAULT +market-silence every symbol, kline: nothing sent from \S+ for 30 s \(connections stay open\)$/);
    t.stop();
    await run;
    writeFileSync(join(dir, 'doge.json'), JSON.stringify({ marketData: [{ action: 'spike', pct: 10, symbols: ['DOGEUSDT'] }] }));
    await expect(program().p.parseAsync(['node', 'parity', 'exchange', 'serve', '--market', `BTCUSDT=${BUNDLED.btcusdt1m}`, '--faults', join(dir, 'doge.json')])).rejects.toThrow(
      /faults\.marketData\[0\]\.symbols\[0\]: DOGEUSDT is not a market of this exchange \(it lists BTCUSDT\)/,
    );
  });

  it('runs as a process and shuts down cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/local-exchange/serve-main.ts', 'exchange', 'serve', '--speed', '10'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    await until(() => stdout.includes('\n'), 15_000, 'the URL line');
    const url = stdout.split('\n')[0] as string;
    const time = (await (await fetch(`${url}/fapi/v1/time`)).json()) as { serverTime: number };
    expect(time.serverTime).toBeGreaterThan(0);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/stopped/);
  });
});
