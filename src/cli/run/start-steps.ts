/**
 * The first steps of a session's start, and what every step shares: the clocks, the seeded
 * randomness, the redacting log, the listeners and the one way to halt; then the state directory
 * (step 1, the crash-only path), the venue connection (step 2) and the history to warm up on.
 * Each step registers how to undo itself, so a start that fails part-way leaves nothing open.
 */
import { createRng, HaltError, LiveClock, OffsetClock, type Bar, type Clock, type Kernel, type Rng, type Scheduler } from '../../engine/index.ts';
import { connect, LOCAL_DEMO_CREDENTIALS, redactRecord, resolveCredentials, venueFees, type CcxtConnection, type Credentials } from '../../exchanges/ccxt/index.ts';
import { localVenue } from '../../local-exchange/urls.ts';
import { crashpoint } from '../../persistence/crashpoints.ts';
import { openStateDir, type StateDir } from '../../persistence/state-dir.ts';
import type { RunSpec } from './spec.ts';
import type { Undo } from './undo.ts';
import { Listeners } from './wiring.ts';

export interface SessionIO {
  /** One structured log record (the CLI writes JSON lines). */
  log(record: Record<string, unknown>): void;
}

export interface SessionDeps {
  readonly scheduler: Scheduler;
  readonly wall?: Clock;
  readonly env: NodeJS.ProcessEnv;
  /** Per-request timeout towards the venue (default 10 s). */
  readonly requestTimeoutMs?: number;
}

function credentialsFor(spec: RunSpec, env: NodeJS.ProcessEnv): Credentials | undefined {
  const c = resolveCredentials(spec.keyFile, env);
  if (c !== undefined) return c;
  if (spec.exchange === 'local') return LOCAL_DEMO_CREDENTIALS;
  if (spec.mode === 'live') throw new HaltError('live mode needs API keys: set PARITY_API_KEY and PARITY_API_SECRET, or pass --key-file (mode 0600)');
  return undefined;
}

/** What every step of the start shares: clocks, randomness, the log, the listeners, and the halt. */
export interface Shell {
  readonly wall: Clock;
  /** The venue's clock as estimated here (the engine's time). */
  readonly clock: OffsetClock;
  readonly rng: Rng;
  readonly credentials: Credentials | undefined;
  readonly listeners: Listeners;
  log(r: Record<string, unknown>): void;
  /** Halts trading, once, with the reason (a log line when there is no kernel yet). */
  halt(message: string): void;
  kernel: Kernel | undefined;
}

export function shellFor(spec: RunSpec, io: SessionIO, deps: SessionDeps): Shell {
  const wall = deps.wall ?? new LiveClock();
  const credentials = credentialsFor(spec, deps.env);
  const listeners = new Listeners();
  const shell: Shell = {
    wall,
    clock: new OffsetClock(wall),
    rng: createRng(spec.seed),
    credentials,
    listeners,
    kernel: undefined,
    log(r) {
      const clean = redactRecord(r, credentials);
      io.log(clean);
      listeners.log(clean);
    },
    // One record per halt: the kernel's state change when there is one to make (it reaches the log,
    // the screen and the alerts), a log line otherwise (no kernel yet, or already halted).
    halt(message) {
      const k = shell.kernel;
      if (k !== undefined && k.tradingState !== 'halted') k.setTradingState('halted', message);
      else shell.log({ kind: 'halt', message });
    },
  };
  return shell;
}

/** Step 1, the crash-only path: the state directory first (nothing else starts if it cannot be read). */
export function openState(spec: RunSpec, shell: Shell, undo: Undo): { sd: StateDir; crashRecovery: string | undefined } {
  const sd = openStateDir(spec.stateDir, { fsync: spec.persistence.fsync, rebuildFromVenue: spec.rebuildFromVenue, onJournalRetry: (message) => shell.log({ kind: 'warning', message }) });
  undo.push(() => sd.close());
  for (const note of sd.recovered.notes) shell.log({ kind: 'recovery', message: note });
  const crashRecovery = sd.recovered.rebuilt
    ? 'the state directory could not be rebuilt (no usable snapshot, journal incomplete): it was set aside and the books were taken from the venue (--rebuild-from-venue)'
    : sd.recovered.crashed
      ? 'the previous session did not stop cleanly (killed or crashed): its state was rebuilt from the snapshot and journal, and is reconciled with the venue before trading'
      : undefined;
  if (crashRecovery !== undefined) shell.log({ kind: 'recovery', crash: true, message: crashRecovery });
  return { sd, crashRecovery };
}

/** Step 2: the venue, through ccxt (market data in every mode; orders too, live), and its clock. */
export async function openVenue(
  spec: RunSpec,
  shell: Shell,
  deps: SessionDeps,
  undo: Undo,
  hooks: { readonly onRequestOut?: (kind: 'submit' | 'cancel' | 'modify', id: string) => void } = {},
): Promise<CcxtConnection> {
  const conn = await connect({
    exchange: spec.exchange,
    ...(spec.exchangeUrl === undefined ? {} : { local: localVenue(spec.exchangeUrl) }),
    ...(shell.credentials === undefined ? {} : { credentials: shell.credentials }),
    symbols: spec.symbols,
    clock: shell.wall,
    venueClock: shell.clock,
    scheduler: deps.scheduler,
    rng: shell.rng.fork(),
    onHalt: (e: HaltError) => shell.halt(e.message),
    crashpoint,
    ...(hooks.onRequestOut === undefined ? {} : { onRequestOut: hooks.onRequestOut }),
    ...(deps.requestTimeoutMs === undefined ? {} : { timeoutMs: deps.requestTimeoutMs }),
  });
  undo.push(() => conn.close());
  await conn.timeSync.measureAtStart(); // some venues do not tell their time: the local clock stands in
  return conn;
}

/** The history the strategy warms up on, oldest first, before anything is journaled. */
export async function warmupBars(spec: RunSpec, conn: CcxtConnection): Promise<Bar[]> {
  const warmup: Bar[] = [];
  for (const inst of conn.instruments) warmup.push(...(await conn.marketData.history(inst.symbol, spec.barInterval, spec.warmupBars)));
  return warmup.sort((a, b) => a.tsInit - b.tsInit);
}

const FEES_FROM = { flag: '--fee-bps / --maker-fee-bps', config: "the config file's backtest.feeBps / makerFeeBps", model: 'the --model file' } as const;

/**
 * Step 2b: the fees paper and the shadow charge: the venue's (the account's tier where the venue
 * tells it, else the market's published rates) unless a flag, the config file or a model file set
 * them. Said in one `fees` log record either way. With several symbols the first one's rates
 * stand for all (the simulator has one fee model).
 */
export async function venueFeesStep(spec: RunSpec, conn: CcxtConnection, shell: Shell): Promise<RunSpec> {
  const bps = (r: number): string => `${Math.round(r * 1e6) / 100} bps`;
  const say = (source: string, fees: { maker: number; taker: number }, message: string): void =>
    shell.log({ kind: 'fees', source, maker: fees.maker, taker: fees.taker, msg: `fees: maker ${bps(fees.maker)}, taker ${bps(fees.taker)}: ${message}` });
  if (spec.feesFrom !== 'default') {
    say(spec.feesFrom, spec.models.fees, `from ${FEES_FROM[spec.feesFrom]}`);
    return spec;
  }
  const first = conn.instruments[0]?.symbol;
  const f = first === undefined ? undefined : await venueFees(conn, first, shell.credentials !== undefined);
  if (f === undefined) {
    say('default', spec.models.fees, `${spec.exchange} tells no fees for ${first ?? 'its markets'}: the defaults (set --fee-bps to choose)`);
    return spec;
  }
  const why =
    f.source === 'account' ? `the account's rates for ${first ?? ''}, from ${spec.exchange}` : `${first ?? ''}'s published rates on ${spec.exchange}${f.note === undefined ? '' : ` (${f.note})`}`;
  say(f.source, f, why);
  return { ...spec, models: { ...spec.models, fees: { maker: f.maker, taker: f.taker } } };
}
