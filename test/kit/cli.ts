/** Runs the real `parity` binary and captures what it prints. */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = `${ROOT}bin/parity.js`;

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface NodeOptions {
  /** Bound by file modes even when the tests run as root (see `nodeCommand`). */
  readonly noPermissionBypass?: boolean;
}

/**
 * The command line that runs node with `args`. Root writes anywhere, so with `noPermissionBypass`
 * a root test process starts the child still as uid 0 but without CAP_DAC_OVERRIDE and
 * CAP_DAC_READ_SEARCH (setpriv, from util-linux): a 0500 directory is then read-only to it, as to
 * any user. (Running it as another uid instead needs the checkout readable by that user, which a
 * clone under /root or a mktemp directory is not.)
 */
export function nodeCommand(args: readonly string[], opts: NodeOptions = {}): [string, string[]] {
  if (opts.noPermissionBypass === true && process.getuid?.() === 0) {
    return ['setpriv', ['--bounding-set', '-dac_override,-dac_read_search', '--', process.execPath, ...args]];
  }
  return [process.execPath, [...args]];
}

export function parity(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    input: opts.input,
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface AsyncRun extends Promise<RunResult> {
  readonly pid: number | undefined;
}

/**
 * Runs the binary without blocking this process (needed when this process serves it, e.g. a local
 * exchange). With `timeoutMs`, a run still going then is killed and resolves with code -1 and what
 * it printed, so a hang fails its test with the child's own account instead of a bare timeout.
 */
export function parityAsync(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } & NodeOptions = {}): AsyncRun {
  const [cmd, argv] = nodeCommand([BIN, ...args], opts);
  const child = spawn(cmd, argv, { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env } });
  const run = new Promise<RunResult>((resolve) => {
    let stdout = '';
    let stderr = '';
    let killed = false;
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => ((killed = true), child.kill('SIGKILL')), opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: killed ? -1 : (code ?? -1), stdout, stderr: killed ? `${stderr}\n[test kit: killed, still running after ${opts.timeoutMs} ms: parity ${args.join(' ')}]` : stderr });
    });
  });
  return Object.assign(run, { pid: child.pid });
}

/** One clear message: a non-zero exit, stderr matching `pattern`, no "unexpected error" and no stack frames. */
export function expectClearFailure(r: RunResult, pattern: RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/unexpected error|\n\s+at .*:\d+:\d+/);
}

/** The flags that point a command at the local exchange's XRPUSDT 5m market (run, data fetch). */
export const localXrp5m = (url: string): string[] => ['--exchange', 'local', '--exchange-url', url, '--symbol', 'XRPUSDT', '--timeframe', '5m'];
