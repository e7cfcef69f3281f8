/**
 * `parity ctl <action>`: controls a running headless Parity (`parity run --no-ui`) through the
 * control socket in its state directory. Prints the answer (for `status`, a short summary), or the
 * raw response with --json. Exit codes: 0 done, 1 refused or no Parity reachable, 2 usage.
 * A reason is required for resume, flatten and halt (it goes to the audit journal); pause has a
 * default one, so a quick `parity ctl pause` works in an emergency.
 */
import { Argument, type Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { CTL_COMMANDS, CtlError, sendControl, type CtlRequest, type CtlResponse } from '../../workstation/control-socket.ts';
import { fmtMoney as money, fmtPrice as price, fmtSigned as signed } from '../../ui/format.ts';
import type { WorkstationSnapshot } from '../../workstation/model.ts';
import { UserError } from '../errors.ts';

type Action = (typeof CTL_COMMANDS)[number];

const DEFAULT_PAUSE_REASON = 'operator pause via ctl';
/** How many of the newest reconciliation diffs `status` shows. */
const DIFFS_SHOWN = 5;

interface Flags {
  readonly stateDir?: string;
  readonly reason?: string;
  readonly json?: boolean;
  readonly config?: string;
}

export function addCtlCommand(program: Command): void {
  program
    .command('ctl')
    .description('control a running headless Parity (parity run --no-ui) through its control socket')
    .addArgument(new Argument('<action>', 'what to do').choices(CTL_COMMANDS))
    .option('--state-dir <dir>', 'state directory of the running Parity (default: stateDir from the config, else ./state)')
    .option('--reason <text>', 'why, for the audit journal: required for resume, flatten and halt (pause defaults to "operator pause via ctl")')
    .option('--json', 'print the raw response as one JSON line')
    .option('-c, --config <file>', 'config file (default ./parity.config.json if present)')
    .action(async (action: Action, flags: Flags) => {
      const stateDir = flags.stateDir ?? loadConfig(flags.config).stateDir ?? 'state';
      const req = requestFor(action, flags.reason);
      let res: CtlResponse;
      try {
        res = await sendControl(stateDir, req);
      } catch (err) {
        if (err instanceof CtlError) throw new UserError(err.message, 1);
        throw err;
      }
      if (flags.json === true) process.stdout.write(`${JSON.stringify(res)}\n`);
      if (!res.ok) throw new UserError(res.message, 1);
      if (flags.json === true) return;
      const lines = [res.message];
      if (res.status !== undefined) lines.push(...formatStatus(res.status));
      process.stdout.write(`${lines.filter((l) => l !== '').join('\n')}\n`);
    });
}

function requestFor(action: Action, reasonFlag: string | undefined): CtlRequest {
  if (action === 'status' || action === 'reconcile') return { cmd: action };
  const given = reasonFlag?.trim();
  if (given !== undefined && given !== '') return { cmd: action, reason: given };
  if (action === 'pause' && reasonFlag === undefined) return { cmd: action, reason: DEFAULT_PAUSE_REASON };
  throw new UserError(`parity ctl ${action} needs a reason for the audit journal: pass --reason "<why>", e.g. parity ctl ${action} --reason "funding spike"`, 2);
}

const time = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/** The human summary of a snapshot: a few lines, no colour (it may go to a log or a pipe). */
function formatStatus(s: WorkstationSnapshot): string[] {
  const st = s.status;
  const out: string[] = [];
  out.push(`${st.mode} ${st.venue}  strategy ${st.strategy}  at ${time(st.now)} UTC`);
  out.push(`state: ${st.state}${st.stateReason !== '' ? ` (${st.stateReason})` : ''}`);
  out.push(`equity ${money(st.equity)} ${st.currency}  daily PnL ${signed(st.dailyPnl)} ${st.currency}`);
  out.push(`market data ${st.marketData}, user stream ${st.userStream}, clock offset ${st.clockOffsetMs} ms`);
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
  const diffs = [...s.diffs].sort((a, b) => b.ts - a.ts).slice(0, DIFFS_SHOWN);
  if (diffs.length === 0) out.push('reconciliation diffs: none');
  else {
    out.push(`latest reconciliation diffs (${diffs.length} of ${s.diffs.length}):`);
    for (const d of diffs) {
      out.push(`  ${time(d.ts)} ${d.severity} ${d.kind}${d.symbol !== undefined ? ` ${d.symbol}` : ''}: ${d.message} -> ${d.resolution}`);
    }
  }
  return out;
}
