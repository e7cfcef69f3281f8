/**
 * Funding on the XRPUSDT perpetual replay: the real 8h rates settle at their (shifted) times, pay
 * qty x mark x rate exactly, show up in fetchFundingHistory / fetchFundingRateHistory (with the
 * mark paid at), and reach watchBalance as an ACCOUNT_UPDATE; the wrong-charge fault scales a payment.
 */
import { describe, expect, it } from 'vitest';
import { loadCandles, loadFunding } from '../../src/data/index.ts';
import { formatFixed, product, symbol } from '../../src/engine/index.ts';
import { BUNDLED, type LocalExchange } from '../../src/local-exchange/index.ts';
import { type Client, until, within, withLocalExchange, XRP } from './kit.ts';

const xrp = loadCandles(BUNDLED.xrpusdt5m, symbol('XRPUSDT')).series;
const rows = loadFunding(BUNDLED.xrpusdtFunding, symbol('XRPUSDT'));
const START_REAL = Date.UTC(2021, 10, 19, 23); // one hour before the 0.00013046 settlement
const WARMUP = xrp.ts.indexOf(START_REAL);
const H = 3_600_000;
let lx: LocalExchange;
let ex: Client;
/** The exchange's start (virtual): where START_REAL lands. */
let start = 0;

withLocalExchange({ mode: 'manual', markets: [{ kind: 'candles', symbol: 'XRPUSDT', file: BUNDLED.xrpusdt5m, fundingFile: BUNDLED.xrpusdtFunding }], warmupBars: WARMUP }, (a, b) => {
  lx = a;
  ex = b;
  start = a.serverTime();
});

describe('funding', () => {
  it('shows the real rate in force and the settled history, shifted to virtual time', async () => {
    const shift = lx.serverTime() - START_REAL;
    const next = rows.find((r) => r.tsEvent > START_REAL);
    const fr = await ex.fetchFundingRate(XRP);
    expect(fr.fundingRate).toBe(next?.rate);
    expect(fr.fundingTimestamp).toBe((next?.tsEvent as number) + shift);
    const hist = await ex.fetchFundingRateHistory(XRP);
    expect(hist.map((h) => h.fundingRate)).toEqual(rows.filter((r) => r.tsEvent <= START_REAL).map((r) => r.rate));
    expect(hist.every((h) => (h.timestamp as number) <= lx.serverTime())).toBe(true);
  });

  it('settles every position at the real funding times: income, wallet and ACCOUNT_UPDATE', async () => {
    const shift = lx.serverTime() - START_REAL;
    await ex.createOrder(XRP, 'market', 'buy', 100);
    const balance = ex.watchBalance();
    await until(() => lx.state().connections.user > 0 && (lx.state().counters.requests['/fapi/v3/positionRisk'] ?? 0) > 0, 3000, 'user stream');
    const walletBefore = Number(lx.state().balances[0]?.walletBalance);
    lx.advance(H + 1000);
    const bal = await within(balance, 3000, 'funding balance update');
    const settled = rows.find((r) => r.tsEvent > START_REAL);
    const mark = xrp.open[WARMUP + 12] as number; // the price at the settlement: the 00:00 bar has opened
    const paid = -100 * mark * (settled?.rate as number);
    const hist = await ex.fetchFundingHistory(XRP);
    expect(hist).toHaveLength(1);
    expect(hist[0]?.amount).toBeCloseTo(paid, 12);
    expect(hist[0]?.timestamp).toBe((settled?.tsEvent as number) + shift);
    expect(hist[0]?.code).toBe('USDT');
    expect(bal['USDT']?.total).toBeCloseTo(walletBefore + paid, 10);
    const income = lx.state().income.filter((r) => r.incomeType === 'FUNDING_FEE');
    expect(income.map((r) => r.income)).toEqual([formatFixed(-product(100, mark, settled?.rate as number))]); // exact, not a float
    // The funding history states the mark each settlement was paid at (Binance's markPrice); rows from before the start have none.
    const rated = await ex.fetchFundingRateHistory(XRP, (settled?.tsEvent as number) + shift);
    expect(rated.map((r) => [r.timestamp, (r.info as Record<string, unknown>)['markPrice']])).toEqual([[(settled?.tsEvent as number) + shift, mark.toFixed(8)]]);
    const older = (await ex.fetchFundingRateHistory(XRP)).filter((r) => (r.timestamp as number) < (settled?.tsEvent as number) + shift);
    expect(older.length).toBeGreaterThan(0);
    expect(older.every((r) => (r.info as Record<string, unknown>)['markPrice'] === undefined)).toBe(true);
    lx.advance(8 * H);
    expect(await ex.fetchFundingHistory(XRP)).toHaveLength(2);
    expect(lx.state().counters.internalErrors).toEqual([]);
  });

  it('a wrong-charge fault books factor x the amount due, and says so', async () => {
    lx.setFaults({ funding: { factor: 1.5, nth: [1] } });
    lx.advance(8 * H);
    const due = rows.filter((r) => r.tsEvent > START_REAL)[2] as { tsEvent: number; rate: number };
    const shift = start - START_REAL;
    const stated = (await ex.fetchFundingRateHistory(XRP, due.tsEvent + shift)).map((r) => Number((r.info as Record<string, unknown>)['markPrice']));
    expect(stated).toHaveLength(1);
    const income = lx.state().income.filter((r) => r.incomeType === 'FUNDING_FEE');
    expect(income).toHaveLength(3);
    expect(income[2]?.income).toBe(formatFixed((-product(100, stated[0] as number, due.rate) * 3n) / 2n));
    expect(lx.state().counters.faults['funding-wrong']).toBe(1);
    // nth: [1]: the next payment is due again.
    lx.advance(8 * H);
    const next = lx.state().income.filter((r) => r.incomeType === 'FUNDING_FEE');
    expect(next).toHaveLength(4);
    expect(lx.state().counters.faults['funding-wrong']).toBe(1);
  });
});
