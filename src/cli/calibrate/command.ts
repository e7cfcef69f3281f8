/**
 * `parity calibrate <state-dir> --out model.json`: fits the simulated venue's models from the last
 * recorded session (fit.ts; docs/calibration.md) and writes them as a model file that every
 * `--model` reads (replay, backtest, run). Then checks the fit: replays the session with the
 * session's own models and with the fitted ones and prints how far each lands from live (gap.ts).
 *
 * Reads the state directory only. The output is checked before anything is computed (its folder
 * must exist) and written atomically: a failed run leaves no file, half or whole.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { VenueModels } from '../../paper/index.ts';
import type { SessionRecording } from '../../persistence/recording.ts';
import { UserError } from '../errors.ts';
import type { Calibration, Fitted } from './fit.ts';
import type { Gap } from './gap.ts';

interface Flags {
  readonly out?: string;
  readonly json?: boolean;
  readonly check?: boolean;
}

export function addCalibrateCommand(program: Command): void {
  program
    .command('calibrate <state-dir>')
    .description("fit the simulated venue's models (latency, fees, slippage and impact) from the last recorded session and write them as a --model file")
    .requiredOption('--out <file.json>', 'where to write the model file (its folder must exist; an existing file is replaced)')
    .option('--json', 'print one JSON object: what was fitted, the models, and the check')
    .option('--no-check', 'skip the check (two replays of the session: with its own models, then with the fitted ones)')
    .action(async (stateDir: string, flags: Flags) => {
      const out = resolve(flags.out as string);
      const folder = dirname(out);
      if (!existsSync(folder) || !statSync(folder).isDirectory())
        throw new UserError(`--out ${flags.out}: the folder ${folder} does not exist. Nothing was read or written; create it or pass another --out.`);
      if (existsSync(out) && statSync(out).isDirectory()) throw new UserError(`--out ${flags.out} is a directory. Nothing was written; pass a file name such as ${out}/model.json.`);
      const [{ lastSession }, { DEFAULT_MODELS }, { writeFileAtomic }, { loadModelFile }, { calibrate }] = await Promise.all([
        import('../replay/command.ts'),
        import('../../paper/index.ts'),
        import('../../persistence/durable-file.ts'),
        import('../replay/model-file.ts'),
        import('./fit.ts'),
      ]);
      const session = lastSession(stateDir);
      const base = (session.header.models ?? DEFAULT_MODELS) as VenueModels;
      const fitted = calibrate(session, base);
      const file = {
        ...fitted.models,
        calibration: { ...fitted.calibration, session: { venue: session.header.venue, mode: session.header.mode, startedAt: session.header.at, dataPoints: session.data.length } },
      };
      const check = flags.check === false ? null : { session: await gap(session, base), fitted: await gap(session, fitted.models) };
      writeFileAtomic(out, `${JSON.stringify(file, null, 2)}\n`);
      // What was written must be what --model reads: a file it would refuse is a bug here, said at once.
      loadModelFile(out, base);
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify({ out, calibration: fitted.calibration, notes: fitted.notes, models: fitted.models, check })}\n`);
        return;
      }
      process.stdout.write(`${calibrationText(session, fitted, check, out)}\n`);
    });
}

async function gap(s: SessionRecording, models: VenueModels): Promise<Gap> {
  const [{ replaySession }, { bookOf, gapOf }] = await Promise.all([import('../replay/replay.ts'), import('./gap.ts')]);
  const replay = await replaySession(s, { execution: 'simulated', models });
  const data = s.data.map((p) => p.d);
  return gapOf(bookOf(s.messages, data), bookOf(replay.messages, data));
}

const f = (v: number | null | undefined, d = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(d));
const bps = (rate: number): string => `${f(rate * 10_000)} bps`;

function fittedLines(c: Calibration, m: VenueModels): string[] {
  const out: string[] = [];
  const l = c.latency;
  out.push(
    l === null
      ? `  latency     left as the session's (${m.latency.kind})`
      : `  latency     empirical, ${l.kept} of ${l.n} request-to-answer samples (p50 ${l.p50Ms} ms, p90 ${l.p90Ms} ms, p99 ${l.p99Ms} ms)`,
  );
  out.push(`  fees        maker ${bps(m.fees.maker)} (${c.fees.makerFills} fills), taker ${bps(m.fees.taker)} (${c.fees.takerFills} fills): the rates charged`);
  const s = c.slippage;
  out.push(
    s === null
      ? "  slippage    left as the session's (no live taker fill)"
      : `  slippage    fixed ${f(m.slippage.fixedBps)} bps + impact Y ${f(m.slippage.impact, 4)}, spread 0, least squares over ${s.n} taker orders (mean ${f(s.meanBps)} bps, p95 ${f(s.p95Bps)} bps, r2 ${f(s.r2)})`,
  );
  const p = c.partialFills;
  out.push(`  partial     ${p.inPieces} of ${p.orders} taker orders in pieces (${f(p.share * 100, 0)}%), ${f(p.piecesWhenSplit)} pieces each when split: fills.takerPieces`);
  return out;
}

const gapLine = (label: string, g: Gap): string =>
  `  ${label}  PnL ${f(g.replayPnl, 4)} vs live ${f(g.livePnl, 4)}: gap ${f(g.pnlGap, 4)}; fill prices ${f(g.priceGapBps)} bps apart (${g.matchedOrders} orders on both sides, ${g.unmatchedOrders} on one)`;

function calibrationText(s: SessionRecording, fit: Fitted, check: { session: Gap; fitted: Gap } | null, out: string): string {
  const h = s.header;
  const lines = [
    `calibrated from the ${h.mode} session on ${h.venue} started ${new Date(h.at).toISOString().slice(0, 19).replace('T', ' ')} UTC (${s.data.length} data points)`,
    ...fittedLines(fit.calibration, fit.models),
  ];
  for (const n of fit.notes) lines.push(`  note: ${n}`);
  if (check !== null) {
    lines.push('check: the session replayed on the simulated venue');
    lines.push(gapLine("with the session's models", check.session));
    lines.push(gapLine('with the fitted models   ', check.fitted));
  }
  lines.push(`wrote ${out}: pass --model ${out} to parity replay, backtest or run`);
  return lines.join('\n');
}
