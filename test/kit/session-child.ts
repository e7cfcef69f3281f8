/**
 * A headless session as its own process (`parity run --no-ui`, the real binary), for the crash
 * harness and the soak test: its JSON log records as they arrive, the tail of its stderr, how it
 * ended (exit code or signal), and waits that wake on events (a log line, an exit, a `nudge` from
 * whoever watches the exchange) instead of sleeping. Also what a watcher samples from outside:
 * `parity ctl status --json` and the process's resident memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { WorkstationSnapshot } from '../../src/workstation/model.ts';
import { BIN, ROOT, parityAsync } from './cli.ts';

export type LogRecord = Record<string, unknown>;

/** How a child ended: `signal` is set when a signal killed it (`code` is then null). */
export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunArgs {
  readonly url: string;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly strategy: string;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly warmup: number;
  /** `bars`, `bars,trades,quotes`, ... */
  readonly feed: string;
  readonly stateDir: string;
  readonly config: string;
  readonly leverage: number;
}

/** The `parity run` command line of a live session on the local exchange at `url`. */
export function liveRunArgs(a: RunArgs): string[] {
  const params = Object.entries(a.params ?? {}).flatMap(([k, v]) => ['--param', `${k}=${v}`]);
  return [
    'run',
    '--no-ui',
    '--mode',
    'live',
    '--exchange',
    'local',
    '--exchange-url',
    a.url,
    '--symbol',
    a.symbols.join(','),
    '--timeframe',
    a.timeframe,
    '--strategy',
    a.strategy,
    ...params,
    '--warmup',
    String(a.warmup),
    '--feed',
    a.feed,
    '--state-dir',
    a.stateDir,
    '--config',
    a.config,
    '--leverage',
    String(a.leverage),
  ];
}

export interface SessionChildOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Modules node loads before the binary (`node --import`), e.g. a probe. */
  readonly preload?: readonly string[];
  /** Records to keep in `records` (default all); every record still reaches `onRecord`. */
  readonly keep?: (r: LogRecord) => boolean;
  readonly onRecord?: (r: LogRecord) => void;
  /** A file every stdout line is appended to, as it came (for the post-mortem of a failure). */
  readonly tee?: string;
}

export class SessionChild {
  readonly proc: ChildProcess;
  readonly records: LogRecord[] = [];
  /** Resolves once the process has exited. */
  readonly exited: Promise<ExitInfo>;
  private ended: ExitInfo | undefined;
  private stderr = '';
  private readonly waiters = new Set<() => void>();

  constructor(args: readonly string[], o: SessionChildOptions = {}) {
    const node = [...(o.preload ?? []).flatMap((p) => ['--import', p]), BIN, ...args];
    this.proc = spawn(process.execPath, node, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tee = o.tee === undefined ? undefined : createWriteStream(o.tee, { flags: 'a' });
    const lines = createInterface({ input: this.proc.stdout as NodeJS.ReadableStream });
    lines.once('close', () => tee?.end());
    lines.on('line', (l) => {
      tee?.write(`${l}\n`);
      let r: LogRecord;
      try {
        r = JSON.parse(l) as LogRecord;
      } catch {
        return; // not a log line
      }
      if (o.keep?.(r) ?? true) this.records.push(r);
      o.onRecord?.(r);
      this.nudge();
    });
    this.proc.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.exited = new Promise((resolve) =>
      this.proc.once('exit', (code, signal) => {
        this.ended = { code, signal };
        resolve(this.ended);
        this.nudge();
      }),
    );
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** How it ended, once it has. */
  get exit(): ExitInfo | undefined {
    return this.ended;
  }

  stderrTail(chars = 800): string {
    return this.stderr.trim().slice(-chars);
  }

  /** Wakes the waits (call when something they look at changed outside this process's log). */
  nudge(): void {
    for (const w of [...this.waiters]) w();
  }

  /**
   * Resolves true as soon as `pred` holds (checked now, at every log line, nudge and the exit,
   * and every `pollMs` for a condition nothing announces), false after `ms` or once the process
   * has exited without it holding.
   */
  until(pred: () => boolean, ms: number, pollMs?: number): Promise<boolean> {
    if (pred()) return Promise.resolve(true);
    if (this.ended !== undefined) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (v: boolean): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(check);
        resolve(v);
      };
      const check = (): void => {
        if (pred()) done(true);
        else if (this.ended !== undefined) done(false);
      };
      const timer = setTimeout(() => done(false), ms);
      const poll = pollMs === undefined ? undefined : setInterval(check, pollMs);
      this.waiters.add(check);
    });
  }

  /** The first record of `kind`, waiting up to `ms` for it (undefined if none came). */
  async record(kind: string, ms: number): Promise<LogRecord | undefined> {
    const find = (): LogRecord | undefined => this.records.find((r) => r['kind'] === kind);
    await this.until(() => find() !== undefined, ms);
    return find();
  }

  /**
   * SIGKILL, and how it ended. `alive` is false when the process had already exited on its own
   * before the signal was sent (a failure for a harness that meant to kill it).
   */
  async kill9(): Promise<{ alive: boolean; exit: ExitInfo }> {
    const alive = this.ended === undefined && this.proc.exitCode === null && this.proc.signalCode === null;
    if (alive) this.proc.kill('SIGKILL');
    return { alive, exit: await this.exited };
  }

  /** SIGTERM and up to `ms` for a clean exit; SIGKILL after that (the result is then undefined). */
  async terminate(ms: number): Promise<ExitInfo | undefined> {
    if (this.ended === undefined) this.proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([this.exited, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
    clearTimeout(timer);
    if (exit === undefined) await this.kill9();
    return exit;
  }
}

/** How an exit reads in a failure message. */
export function describeExit(e: ExitInfo): string {
  return e.signal !== null ? `signal ${e.signal}` : `exit code ${String(e.code)}`;
}

/** Resident memory of a process (VmRSS in /proc/<pid>/status), MB; undefined once it is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Number(m[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** `parity ctl status --json` against the session using `stateDir`: its snapshot, or why there is none. */
export async function ctlStatus(stateDir: string): Promise<{ ok: true; status: WorkstationSnapshot } | { ok: false; message: string }> {
  const r = await parityAsync(['ctl', 'status', '--json', '--state-dir', stateDir]);
  try {
    const res = JSON.parse(r.stdout) as { ok: boolean; message: string; status?: WorkstationSnapshot };
    if (res.ok && res.status !== undefined) return { ok: true, status: res.status };
    return { ok: false, message: res.message };
  } catch {
    return { ok: false, message: `parity ctl status exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-300)}` };
  }
}
