/**
 * A fake Workstation for UI tests: holds a mutable snapshot a test can replace (and then notify
 * subscribers), counts snapshot reads, and records every command sent. `sampleSnapshot()` is a
 * realistic live session: BTCUSDT around 96,000 and XRPUSDT around 1.14 on binanceusdm, open
 * orders, a critical reconciliation diff, funding, latency samples, a divergence report, an equity
 * curve and an event log with audit entries. Deterministic: no clock, no randomness.
 */
import type { CommandResult, OperatorCommand, StatusView, Workstation, WorkstationSnapshot } from '../../src/workstation/model.ts';

/** Engine time of the sample: 2024-12-12 13:41:07 UTC. */
export const SAMPLE_NOW = Date.UTC(2024, 11, 12, 13, 41, 7);
const NEXT_FUNDING = Date.UTC(2024, 11, 12, 16, 0, 0);

/** A deterministic wobble for sample series (no Math.random in fixtures). */
function wave(i: number, base: number, amp: number): number {
  return base + amp * Math.sin(i / 3) + (amp / 2) * Math.sin(i / 1.7) + ((i * 7) % 5) * (amp / 10);
}

function series(n: number, base: number, amp: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.max(0.1, Number(wave(i, base, amp).toFixed(2))));
}

export function sampleSnapshot(): WorkstationSnapshot {
  const equityTimes = Array.from({ length: 120 }, (_, i) => SAMPLE_NOW - (119 - i) * 60_000);
  const equityValues = equityTimes.map((_, i) => Number((10_000 + (234.56 * i) / 119 + 25 * Math.sin((i * 3 * Math.PI) / 119)).toFixed(2)));
  return {
    status: {
      mode: 'live',
      venue: 'binanceusdm',
      strategy: 'sma-cross',
      state: 'RUNNING',
      stateReason: '',
      stateSetByEngine: false,
      faults: [],
      marketData: 'up',
      userStream: 'up',
      clockOffsetMs: 12,
      rateBudget: { remaining: 2280, limit: 2400, pausedUntil: 0 },
      equity: 10_234.56,
      dailyPnl: 123.45,
      currency: 'USDT',
      now: SAMPLE_NOW,
    },
    positions: [
      { symbol: 'BTCUSDT', qty: 0.25, entry: 95_812.4, mark: 96_120.5, unrealized: 77.03, realized: 41.2, funding: -3.87 },
      { symbol: 'XRPUSDT', qty: -1500, entry: 1.1532, mark: 1.1418, unrealized: 17.1, realized: -8.4, funding: 1.12 },
    ],
    orders: [
      { id: 'P-sma-cross-000141', symbol: 'BTCUSDT', side: 'sell', type: 'limit', qty: 0.25, filled: 0, price: 97_500, status: 'open', ageMs: 754_000 },
      { id: 'P-sma-cross-000142', symbol: 'BTCUSDT', side: 'buy', type: 'limit', qty: 0.1, filled: 0.04, price: 95_000, status: 'partially_filled', ageMs: 125_000 },
      { id: 'P-mean-rev-000077', symbol: 'XRPUSDT', side: 'buy', type: 'limit', qty: 1500, filled: 0, price: 1.1305, status: 'open', ageMs: 3_000 },
      { id: 'P-mean-rev-000078', symbol: 'XRPUSDT', side: 'sell', type: 'market', qty: 500, filled: 0, price: undefined, status: 'submitted', ageMs: 400 },
    ],
    diffs: [
      { id: 'd1', kind: 'unknown-order', severity: 'warn', symbol: 'BTCUSDT', message: 'venue order 8389765 is not in the local books', resolution: 'adopted', ts: SAMPLE_NOW - 300_000, choices: [] },
      {
        id: 'd2',
        kind: 'position-mismatch',
        severity: 'critical',
        symbol: 'XRPUSDT',
        message: 'venue shows -2,000 XRPUSDT, local books -1,500',
        resolution: 'pausing',
        ts: SAMPLE_NOW - 60_000,
        choices: ['adopt', 'flatten'],
      },
      { id: 'd3', kind: 'fee-drift', severity: 'info', symbol: undefined, message: 'taker fee 0.0500% vs configured 0.0400%', resolution: 'noted', ts: SAMPLE_NOW - 900_000, choices: [] },
    ],
    funding: [
      { symbol: 'BTCUSDT', total: -3.87, nextTime: NEXT_FUNDING, nextRate: 0.0001 },
      { symbol: 'XRPUSDT', total: 1.12, nextTime: NEXT_FUNDING, nextRate: 0.000087 },
    ],
    latency: {
      submitToAck: { p50: 24.1, p90: 48.7, p99: 121.3, count: 412, recent: series(40, 26, 12) },
      ackToFill: { p50: 180, p90: 950, p99: 4200, count: 96, recent: series(30, 400, 300) },
      cancelToAck: { p50: 22, p90: 41, p99: 98, count: 57, recent: series(20, 24, 8) },
      feedLag: { p50: 3.2, p90: 8.9, p99: 31.5, count: 120_000, recent: series(60, 4, 3) },
    },
    divergence: {
      available: true,
      liveFills: 14,
      backtestFills: 15,
      livePnl: 118.23,
      backtestPnl: 131.9,
      slippageVsModelBps: 1.8,
      fundingLive: -2.75,
      note: 'one backtest fill at 09:12 has no live counterpart (queue position)',
      signals: { live: 20, shadow: 21, matched: 19, matchRate: 19 / 22 },
      guards: [],
    },
    equity: { times: equityTimes, values: equityValues },
    events: [
      { ts: SAMPLE_NOW - 3_600_000, level: 'info', text: 'connected to binanceusdm user stream' },
      { ts: SAMPLE_NOW - 3_000_000, level: 'audit', text: 'operator pause: CPI print at 13:30' },
      { ts: SAMPLE_NOW - 2_400_000, level: 'audit', text: 'operator resume: operator resume' },
      { ts: SAMPLE_NOW - 1_200_000, level: 'info', text: 'BUY 0.1 BTCUSDT limit 95,000.0 submitted (P-sma-cross-000142)' },
      { ts: SAMPLE_NOW - 900_000, level: 'warn', text: 'rate budget below 30% for 12s' },
      { ts: SAMPLE_NOW - 600_000, level: 'error', text: 'order P-mean-rev-000075 rejected: -2019 margin is insufficient' },
      { ts: SAMPLE_NOW - 120_000, level: 'info', text: 'SELL 500 XRPUSDT market submitted (P-mean-rev-000078)' },
      { ts: SAMPLE_NOW - 60_000, level: 'warn', text: 'reconcile: 1 critical diff (XRPUSDT position)' },
    ],
  };
}

export type Reply = (cmd: OperatorCommand) => CommandResult | Promise<CommandResult>;

export class FakeWorkstation implements Workstation {
  current: WorkstationSnapshot;
  /** Every command sent, in order. */
  readonly sent: OperatorCommand[] = [];
  /** How many times the UI read the snapshot. */
  snapshotCalls = 0;
  /** What `send` answers; by default ok with "<type> accepted". */
  reply: Reply = (cmd) => ({ ok: true, message: `${cmd.type} accepted` });
  private readonly listeners = new Set<() => void>();

  constructor(snapshot: WorkstationSnapshot = sampleSnapshot()) {
    this.current = snapshot;
  }

  snapshot(): WorkstationSnapshot {
    this.snapshotCalls++;
    return this.current;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  send(cmd: OperatorCommand): Promise<CommandResult> {
    this.sent.push(cmd);
    return Promise.resolve(this.reply(cmd));
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Replaces the snapshot (a patch or a function of the old one) and notifies. */
  update(change: Partial<WorkstationSnapshot> | ((s: WorkstationSnapshot) => WorkstationSnapshot)): void {
    this.current = typeof change === 'function' ? change(this.current) : { ...this.current, ...change };
    this.notify();
  }

  /** Patches the status view and notifies. */
  setStatus(patch: Partial<StatusView>): void {
    this.update((s) => ({ ...s, status: { ...s.status, ...patch } }));
  }

  notify(): void {
    for (const l of this.listeners) l();
  }
}
