/**
 * `parity replay <state-dir>`: the backtest over exactly what the last session in a state directory
 * recorded (see replay.ts and docs/recording.md). Prints the backtest's summary, or with `--json`
 * the object `parity backtest --json` prints plus a `replay` member: the session, the execution
 * used and the decisions compared with the live ones. Reads only: nothing in the directory changes.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { VenueModels } from '../../paper/index.ts';
import { hasRecording, readRecording, RecordingError, type SessionRecording } from '../../persistence/recording.ts';
import { UserError } from '../errors.ts';

interface Flags {
  readonly json?: boolean;
  readonly model?: string;
  readonly liveFills?: boolean;
  readonly chart?: boolean;
}

export function addReplayCommand(program: Command): void {
  program
    .command('replay <state-dir>')
    .description('re-run the last session in a state directory as a backtest over exactly the data it received, from its starting books, with the same strategy and parameters')
    .option('--json', 'print one JSON object (the shape of `parity backtest --json`, plus a "replay" member)')
    .option('--model <file.json>', "the simulated venue's models from a JSON file, over the session's (fees, spread, slippage, latency, fills)")
    .option('--live-fills', "hold execution equal: the live session's own fills and order events at their live times instead of the simulator's; the decisions must then equal the live ones")
    .option('--no-chart', 'leave the equity chart out of the summary')
    .action(async (stateDir: string, flags: Flags) => {
      const session = lastSession(stateDir);
      if (flags.liveFills === true && flags.model !== undefined) throw new UserError('--live-fills replays the live fills: a --model has nothing to simulate. Pass one or the other.');
      const [{ DEFAULT_MODELS }, { loadModelFile }, { replaySession }, { replayJson, replayText }] = await Promise.all([
        import('../../paper/index.ts'),
        import('./model-file.ts'),
        import('./replay.ts'),
        import('./output.ts'),
      ]);
      const base = (session.header.models ?? DEFAULT_MODELS) as VenueModels;
      const models = flags.model === undefined ? base : loadModelFile(flags.model, base);
      const outcome = await replaySession(session, { execution: flags.liveFills === true ? 'live' : 'simulated', models });
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify(replayJson(outcome, session))}\n`);
        return;
      }
      const color = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;
      process.stdout.write(`${replayText(outcome, session, { color, width: process.stdout.columns ?? 100, chart: flags.chart !== false })}\n`);
    });
}

/** The session to replay (or report on): the last one recorded; one clear message for each way there is none. */
export function lastSession(stateDir: string): SessionRecording {
  if (!existsSync(stateDir) || !statSync(stateDir).isDirectory()) throw new UserError(`${stateDir} is not a directory. Pass the --state-dir a session ran with.`);
  const names = readdirSync(stateDir);
  const isState = names.some((f) => /^(journal-\d+\.jsonl|snapshot\.json|ids\.json)$/.test(f) || f === 'recording');
  if (!isState) throw new UserError(`${stateDir} is not a Parity state directory (no journal, snapshot or recording in it). Nothing was changed. Pass the --state-dir a session ran with.`);
  if (!hasRecording(stateDir)) {
    throw new UserError(
      `${stateDir} holds no recording: its sessions ran on a Parity that did not record them (before recordings existed). Nothing was changed. Run a session with this version to have one to replay.`,
    );
  }
  let read;
  try {
    read = readRecording(stateDir);
  } catch (err) {
    if (err instanceof RecordingError) throw new UserError(err.message, 1);
    throw err;
  }
  for (const n of read.notes) process.stderr.write(`parity: note: ${n}\n`);
  const s = read.sessions.at(-1);
  if (s === undefined) throw new UserError(`the recording in ${stateDir} holds no complete session start (its header is missing or torn). Nothing was changed.`, 1);
  return s;
}
