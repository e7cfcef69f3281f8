/** `parity report --json` through the real binary, and the shape the tests read of it. */
import { parityAsync } from './cli.ts';

export interface ReportJson {
  signals: { live: number; replay: number; matched: number; matchRate: number };
  fills: { live: number; replay: number; matched: number };
  pnl: { live: number; replay: number; gap: number; gross: number };
  attribution: Record<'data' | 'execution' | 'logic' | 'cost' | 'residual', number>;
  exact: Record<'gap' | 'data' | 'execution' | 'logic' | 'cost' | 'residual', string>;
  chain: Record<'venueData' | 'received' | 'executionHeld' | 'liveCosts' | 'allLiveFills' | 'live', number>;
  data: { compared: number; missed: number; late: number; different: number; extra: number; source: string };
  band: { low: number; high: number; percentile: number | null; within: boolean | null; trades: number };
  funding: {
    expected: number;
    charged: number;
    diff: number;
    payments: number;
    mismatches: number;
    mismatched: { symbol: string; time: number; rate: number; mark: number; position: number; expected: number; charged: number; diff: number; source: 'data' | 'venue' }[];
  };
  slippage: { liveBps: number | null; modelBps: number | null; p50: number | null; p95: number | null };
  latency: Record<'submitAck' | 'ackFill' | 'cancelAck' | 'feedLag', { n: number; p50: number | null; p90: number | null; p99: number | null }>;
  trades: { clientOrderId: string; live: { qty: number; price: number } | null; replay: { qty: number; price: number } | null; class: string }[];
}

export const runParity = async (...args: string[]) => {
  const r = await parityAsync(args);
  if (r.code !== 0) throw new Error(`parity ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
};

export const report = async (dir: string, ...flags: string[]): Promise<ReportJson> => JSON.parse((await runParity('report', dir, '--json', ...flags)).stdout) as ReportJson;
