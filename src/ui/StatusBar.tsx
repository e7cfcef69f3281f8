/**
 * The two status lines at the top of every layout. Line 1: who is trading what and in which state
 * (mode, venue, strategy, RUNNING/PAUSED/REDUCE-ONLY/HALTED, "by engine" when the engine entered
 * it by itself (leaving it needs a confirmed resume), a strategy fault, and why; engine time on
 * the right). Line 2: the health of the connection (market data up/STALE/DOWN, user stream, clock
 * offset, rate budget) and the money (equity, daily PnL). When the width runs out the engine
 * clock and the venue go first, then the state reason shortens; a fault outranks the reason (the
 * reason goes, then the fault shortens). Guard holds in force (a loss limit, a STALE feed, venue drift)
 * follow the state as "GUARD <source> <action>", so a hold that does not change the state
 * (reduce-size, reduce-rate) shows too.
 */
import { Box } from 'ink';
import type { GuardRow, StatusView, StrategyFault, StrategyState } from '../workstation/model.ts';
import { fmtClock, fmtDuration, fmtMoney, fmtOffset, fmtSigned } from '../workstation/format.ts';
import { Line } from './Line.tsx';
import type { Segment } from './segments.ts';
import { signTone, type Tone } from './theme.ts';

const MODE_TONE: Record<StatusView['mode'], Tone> = { live: 'red', paper: 'yellow', backtest: 'blue' };

const STATE_TONE: Record<StrategyState, Tone> = {
  RUNNING: 'green',
  PAUSED: 'yellow',
  'REDUCE-ONLY': 'magenta',
  HALTED: 'red',
};

function link(label: string, v: 'up' | 'stale' | 'down' | 'n/a'): Segment {
  if (v === 'up') return { text: `${label} up`, tone: 'green', priority: 8 };
  if (v === 'stale') return { text: `${label} STALE`, tone: 'yellow', bold: true, priority: 9 };
  if (v === 'down') return { text: `${label} DOWN`, tone: 'red', bold: true, priority: 9 };
  return { text: `${label} n/a`, tone: 'gray', priority: 3 };
}

function clock(offsetMs: number): Segment {
  const a = Math.abs(offsetMs);
  const tone: Tone | undefined = a >= 1000 ? 'red' : a >= 250 ? 'yellow' : undefined;
  return { text: `clock ${fmtOffset(offsetMs)}`, tone, priority: a >= 250 ? 7 : 4 };
}

function rate(s: StatusView): Segment {
  const { remaining, limit, pausedUntil } = s.rateBudget;
  if (pausedUntil > s.now) {
    return { text: `rate PAUSED ${fmtDuration(pausedUntil - s.now)}`, tone: 'red', bold: true, priority: 9 };
  }
  const share = limit > 0 ? remaining / limit : 1;
  const tone: Tone | undefined = share < 0.1 ? 'red' : share < 0.3 ? 'yellow' : undefined;
  return { text: `rate ${remaining}/${limit}`, tone, priority: share < 0.3 ? 7 : 5 };
}

/** "FAULTED <strategy> (+N more): <handler> threw <message>": what matters first, so a cut keeps it. */
export function faultText(faults: readonly StrategyFault[]): string | undefined {
  const f = faults[0];
  if (f === undefined) return undefined;
  const more = faults.length > 1 ? ` (+${faults.length - 1} more)` : '';
  return `FAULTED ${f.strategy}${more}: ${f.handler} threw ${f.message}`;
}

/** "GUARD loss-limit:drawdown flatten, feed:stale:BTCUSDT reduce-only": every hold in force, first set first. */
export function guardText(guards: readonly GuardRow[] | undefined): string | undefined {
  if (guards === undefined || guards.length === 0) return undefined;
  return `GUARD ${guards.map((g) => `${g.source} ${g.action}`).join(', ')}`;
}

/** Segments of line 1 (exported for tests of the fitting). */
export function stateLine(s: StatusView): { left: Segment[]; right: Segment[] } {
  const reason = s.stateReason.trim();
  const fault = faultText(s.faults);
  const left: Segment[] = [
    { text: ` ${s.mode.toUpperCase()} `, tone: MODE_TONE[s.mode], inverse: true, bold: true, priority: 9 },
    { text: s.venue, priority: 4 },
    { text: s.strategy, tone: 'cyan', priority: 7 },
    { text: s.state, tone: STATE_TONE[s.state], bold: true, inverse: s.state === 'HALTED', priority: 10 },
  ];
  if (s.state !== 'RUNNING' && s.stateSetByEngine) left.push({ text: 'by engine', tone: STATE_TONE[s.state], bold: true, priority: 8 });
  const guard = guardText(s.guards);
  if (guard !== undefined) left.push({ text: guard, tone: s.guards?.some((g) => g.source.startsWith('loss-limit')) === true ? 'red' : 'yellow', bold: true, flex: true, minWidth: 14, priority: 7 });
  if (fault !== undefined) left.push({ text: fault, tone: 'red', bold: true, flex: true, minWidth: 16, priority: 6 });
  if (reason !== '') left.push({ text: reason, tone: STATE_TONE[s.state], flex: fault === undefined, minWidth: 12, priority: 5 });
  return { left, right: [{ text: `${fmtClock(s.now)} UTC`, tone: 'gray', priority: 2 }] };
}

/** Bad events the breaker dropped, when there are any ("bad data 3"). */
function badData(s: StatusView): Segment[] {
  const n = s.dataQuality?.dropped ?? 0;
  return n > 0 ? [{ text: `bad data ${n} dropped`, tone: 'yellow', bold: true, priority: 7 }] : [];
}

/** Segments of line 2. */
export function healthLine(s: StatusView): { left: Segment[]; right: Segment[] } {
  return {
    left: [link('md', s.marketData), ...badData(s), link('user', s.userStream), clock(s.clockOffsetMs), rate(s)],
    right: [
      { text: `equity ${fmtMoney(s.equity)} ${s.currency}`, bold: true, priority: 8 },
      { text: `day ${fmtSigned(s.dailyPnl)}`, tone: signTone(s.dailyPnl), bold: true, priority: 8 },
    ],
  };
}

export function StatusBar({ status, width }: { status: StatusView; width: number }) {
  const l1 = stateLine(status);
  const l2 = healthLine(status);
  return (
    <Box flexDirection="column" width={width} height={2}>
      <Line left={l1.left} right={l1.right} width={width} />
      <Line left={l2.left} right={l2.right} width={width} />
    </Box>
  );
}
