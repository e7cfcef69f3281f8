/**
 * The crash harness's side of the local exchange: the faults every run injects, and restarts
 * paced to the venue's request-weight window.
 */
import type { FaultScript } from '../../src/local-exchange/index.ts';

/**
 * Faults on every run. Timeouts reset the socket (a hanging one costs the client's 10 s timeout;
 * the long run adds a few); 429s say Retry-After 1 s and never reach a ban.
 */
export function crashFaults(kills: number): FaultScript {
  const order = { path: '/fapi/v1/order' } as const;
  return {
    latency: 'lognormal:3,30',
    rest: [
      { ...order, method: 'POST', probability: 0.03, action: { type: 'timeout', process: true, reset: true } },
      { ...order, method: 'POST', probability: 0.03, action: { type: 'timeout', process: false, reset: true } },
      { ...order, method: 'POST', probability: 0.03, action: { type: 'status', status: 503, process: true } },
      { ...order, method: 'DELETE', probability: 0.03, action: { type: 'timeout', process: true, reset: true } },
      ...(kills >= 40 ? [{ ...order, method: 'POST' as const, probability: 0.01, limit: Math.floor(kills / 40), action: { type: 'timeout' as const, process: true } }] : []),
      { path: '/fapi/v1/*', probability: 0.01, action: { type: 'status', status: 502 } },
      { path: '/fapi/v1/*', method: 'GET', probability: 0.02, action: { type: 'status', status: 429, retryAfter: 1 } },
    ],
    ws: [
      { stream: 'market', probability: 0.0005 },
      { stream: 'user', probability: 0.003 },
    ],
    userStream: [
      { action: 'duplicate', events: 'fills', probability: 0.2 },
      { action: 'beforeAck', events: 'all', probability: 0.2 },
    ],
    // The exchange never refuses for weight itself (429s come from the rule above); the sessions
    // still count its used weight, shared by all of them: see paceToWeightWindow.
    rateLimit: { weightPerMinute: 1_000_000, banAfter429: 1_000_000 },
  };
}

/**
 * Request weight: a session allows itself 2400 x 0.8 a minute, and counts the venue's
 * X-MBX-USED-WEIGHT-1M, which every session of the minute shares (one IP). A start-up spends about
 * START_WEIGHT (reconciling: income alone weighs 30 per symbol and pass). Restarting faster than
 * the venue's window allows would stall the new session's reconciliation for up to a minute, as on
 * a real venue: the harness waits for the next minute instead (`pacedSeconds`).
 */
const CLIENT_WEIGHT_CAP = 1920;
const START_WEIGHT = 500;

/** Waits for the next wall-clock minute when a start-up would not fit in this one's weight; returns the weight used before and the wait. */
export async function paceToWeightWindow(url: string): Promise<{ used: number; waitedMs: number }> {
  const res = await fetch(`${url}/fapi/v1/time`);
  await res.arrayBuffer();
  const used = Number(res.headers.get('x-mbx-used-weight-1m') ?? 0);
  if (used + START_WEIGHT <= CLIENT_WEIGHT_CAP) return { used, waitedMs: 0 };
  const waitedMs = 60_000 - (Date.now() % 60_000) + 200;
  await new Promise((resolve) => setTimeout(resolve, waitedMs));
  return { used, waitedMs };
}
