/**
 * Rebuilding the engine's state at start, from the state directory: the newest usable snapshot
 * plus the journal after it, replayed; order ids continue above everything that may have been
 * used before a crash. A fresh directory gives no state (the session starts from the venue's).
 */
import { formatFixed, initialState, replay, type EngineState, type Fixed, type Instrument } from '../../engine/index.ts';
import type { Recovered } from '../../persistence/state-dir.ts';

export function restoredState(rec: Recovered, instruments: readonly Instrument[], currency: string, startingCash: Fixed): EngineState | undefined {
  if (rec.snapshot === null && rec.messages.length === 0) return undefined;
  const qtyDecimals = (s: string): number => instruments.find((i) => i.symbol === s)?.qtyDecimals ?? 8;
  // Without a snapshot the journal runs from the directory's first session, which recorded its starting cash.
  const base = rec.snapshot?.state ?? initialState(currency, rec.startingCash ?? formatFixed(startingCash));
  const state = replay(base, rec.messages, qtyDecimals);
  // Ids up to a reservation may have been sent just before a crash without reaching the journal.
  const seqs: Record<string, number> = { ...state.seqs };
  for (const [s, upTo] of Object.entries(rec.reserved)) seqs[s] = Math.max(seqs[s] ?? 0, upTo);
  return { ...state, seqs };
}
