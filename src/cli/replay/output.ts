/** What `parity replay` prints: the backtest's summary or --json object, with the replay's own lines or member. */
import type { SessionRecording } from '../../persistence/recording.ts';
import { runJson, runText } from '../backtest/output.ts';
import type { ReplayOutcome } from './replay.ts';

function sessionJson(s: SessionRecording): object {
  const h = s.header;
  return { mode: h.mode, venue: h.venue, startedAt: h.at, stopped: s.end ?? null, dataPoints: s.data.length, warmupBars: h.warmup.length };
}

/** `parity backtest --json`'s object, plus `replay`. */
export function replayJson(o: ReplayOutcome, s: SessionRecording): object {
  return { ...runJson(o.view), replay: { execution: o.execution, session: sessionJson(s), decisions: o.decisions } };
}

export function replayText(o: ReplayOutcome, s: SessionRecording, t: { color: boolean; width: number; chart: boolean }): string {
  const h = s.header;
  const d = o.decisions;
  const head = [
    `replay of the ${h.mode} session on ${h.venue} started ${new Date(h.at).toISOString().slice(0, 19).replace('T', ' ')} UTC (${s.end === undefined ? 'did not stop cleanly' : `stopped: ${s.end}`}); ${o.dataPoints} data points`,
    `execution: ${o.execution === 'live' ? 'the live fills, at their live times' : 'the simulated venue'}; decisions: ${d.matched} of ${d.live} live matched (${d.replay} in the replay)`,
  ];
  for (const m of d.mismatches.slice(0, 3)) head.push(`  differs at decision ${m.at}: live ${JSON.stringify(m.live)}, replay ${JSON.stringify(m.replay)}`);
  return `${head.join('\n')}\n\n${runText(o.view, t)}`;
}
