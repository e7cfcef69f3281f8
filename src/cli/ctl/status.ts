/**
 * What `parity ctl status` prints: a few plain lines (no colour: they may go to a log or a pipe).
 * What needs the operator comes first: the state and who set it (and what resuming needs), the
 * strategy faults, then the diffs waiting for a choice with the exact commands to run; the money,
 * the connection, positions, orders and the other diffs follow.
 */
import { fmtDataQuality, fmtMoney as money, fmtPrice as price, fmtSigned as signed } from '../../workstation/format.ts';
import { waitingDiffs, waits } from '../../workstation/diff-order.ts';
import type { DiffChoice, DiffRow, StatusView, WorkstationSnapshot } from '../../workstation/model.ts';

/** How many of the newest other reconciliation diffs `status` shows. */
const DIFFS_SHOWN = 5;

/** How this `parity ctl` found the running Parity, so the commands it prints reach the same one. */
export interface CtlAddress {
  readonly stateDir?: string;
  readonly config?: string;
}

const time = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/** A word for a POSIX shell: as is when safe, else single-quoted. */
function shellWord(s: string): string {
  return /^[\w./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `parity ctl <args>` addressed like this one (its --state-dir or -c); "<why>" placeholders stay double-quoted. */
export function ctlCommand(args: readonly string[], at: CtlAddress): string {
  const where = at.stateDir !== undefined ? ['--state-dir', at.stateDir] : at.config !== undefined ? ['-c', at.config] : [];
  const words = args.map((a, i) => (args[i - 1] === '--reason' ? `"${a.replace(/(["\\$`])/g, '\\$1')}"` : shellWord(a)));
  return ['parity ctl', ...words, ...where.map(shellWord)].join(' ');
}

function stateLines(st: StatusView, at: CtlAddress): string[] {
  const reason = st.stateReason.trim();
  const why = st.stateSetByEngine && st.state !== 'RUNNING' ? `set by the engine${reason !== '' ? `: ${reason}` : ''}` : reason;
  const out = [`state: ${st.state}${why !== '' ? ` (${why})` : ''}`];
  if (st.state === 'HALTED' || (st.state !== 'RUNNING' && st.stateSetByEngine)) {
    out.push(`  to resume after checking: ${ctlCommand(['resume', '--reason', '<why>', '--confirm'], at)}`);
  }
  out.push(...guardLines(st, at));
  if (st.faults.length === 0) out.push('faults: none');
  else {
    out.push(`faults (${st.faults.length}): stopped, orders canceled, positions kept`);
    for (const f of st.faults) out.push(`  ${f.strategy}: ${f.handler} threw ${f.message} (at ${time(f.ts)} UTC)`);
  }
  return out;
}

/** The guard holds in force: what each does and why, and how a loss-limit hold is lifted. */
function guardLines(st: StatusView, at: CtlAddress): string[] {
  const guards = st.guards ?? [];
  if (guards.length === 0) return ['guards: none'];
  const out = [`guards (${guards.length}):`];
  for (const g of guards) out.push(`  ${g.source}: ${g.action} since ${time(g.since)} UTC: ${g.reason}`);
  if (guards.some((g) => g.source.startsWith('loss-limit'))) out.push(`  a loss limit stays until you lift it after checking: ${ctlCommand(['resume', '--reason', '<why>', '--confirm'], at)}`);
  if (guards.some((g) => !g.source.startsWith('loss-limit'))) out.push('  stale-feed and drift holds lift by themselves when data flows again or the venue is back within bounds');
  return out;
}

const CHOICE_TEXT: Record<DiffChoice, (d: DiffRow) => string> = {
  adopt: () => "take the venue's truth:",
  flatten: (d) => `close ${d.symbol ?? 'its symbol'} out:`,
};

function diffLine(d: DiffRow): string {
  return `${d.severity} ${d.kind}${d.symbol !== undefined ? ` ${d.symbol}` : ''}: ${d.message}`;
}

function waitingLines(waiting: readonly DiffRow[], at: CtlAddress): string[] {
  if (waiting.length === 0) return [];
  const out = [`waiting for your choice (${waiting.length}): the engine paused trading for ${waiting.length === 1 ? 'it' : 'them'}`];
  for (const d of waiting) {
    out.push(`  ${d.id} ${diffLine(d)}`);
    const labels = d.choices.map((c) => CHOICE_TEXT[c](d));
    const w = Math.max(...labels.map((l) => l.length));
    d.choices.forEach((c, i) => out.push(`    ${(labels[i] ?? '').padEnd(w)} ${ctlCommand(['resolve', d.id, `--${c}`, '--reason', '<why>'], at)}`));
  }
  return out;
}

/** The human summary of a snapshot. */
export function formatStatus(s: WorkstationSnapshot, at: CtlAddress): string[] {
  const st = s.status;
  // In the order of the TUI's Diffs pane: critical first, then newest.
  const waiting = waitingDiffs(s.diffs);
  const out: string[] = [`${st.mode} ${st.venue}  strategy ${st.strategy}  at ${time(st.now)} UTC`, ...stateLines(st, at), ...waitingLines(waiting, at)];
  out.push(`equity ${money(st.equity)} ${st.currency}  daily PnL ${signed(st.dailyPnl)} ${st.currency}`);
  const md = st.marketData === 'stale' ? 'STALE (connected, nothing arrived for too long)' : st.marketData;
  out.push(`market data ${md}, user stream ${st.userStream}, clock offset ${st.clockOffsetMs} ms`);
  if (st.dataQuality !== undefined) out.push(`data: ${fmtDataQuality(st.dataQuality)}`);
  const paused = st.rateBudget.pausedUntil > st.now ? `, requests paused until ${time(st.rateBudget.pausedUntil)} UTC` : '';
  out.push(`rate budget ${st.rateBudget.remaining}/${st.rateBudget.limit}${paused}`);
  if (s.positions.length === 0) out.push('positions: none');
  else {
    out.push('positions:');
    for (const p of s.positions) {
      out.push(`  ${p.symbol} ${p.qty > 0 ? '+' : ''}${p.qty} @ ${price(p.entry)}  mark ${price(p.mark)}  unrealized ${signed(p.unrealized)}  realized ${signed(p.realized)}`);
    }
  }
  out.push(`open orders: ${s.orders.length}`);
  const others = s.diffs.filter((d) => !waits(d));
  const diffs = [...others].sort((a, b) => b.ts - a.ts).slice(0, DIFFS_SHOWN);
  if (s.diffs.length === 0) out.push('reconciliation diffs: none');
  else if (diffs.length > 0) {
    out.push(`${waiting.length > 0 ? 'other' : 'latest'} reconciliation diffs (${diffs.length} of ${others.length}):`);
    for (const d of diffs) out.push(`  ${time(d.ts)} ${d.id} ${diffLine(d)} -> ${d.resolution}`);
  }
  return out;
}
