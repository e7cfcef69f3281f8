import { describe, expect, it } from 'vitest';
import type { LoggedMessage } from '../../src/engine/index.ts';
import { describeMessage } from '../../src/workstation/describe.ts';

describe('describeMessage', () => {
  it('a denial names the gate rule that refused it (events pane, JSON log, ctl status --json), and says nothing extra without one', () => {
    const denied = { type: 'OrderDenied', clientOrderId: 'P-s-3', symbol: 'XRPUSDT', reason: 'gross exposure would be 22000.00 USDT', rule: 'gross-exposure', tsEvent: 0, tsInit: 0 } as LoggedMessage;
    expect(describeMessage(denied)).toEqual({ level: 'warn', text: 'denied P-s-3 (gross-exposure): gross exposure would be 22000.00 USDT' });
    const modify = { type: 'OrderModifyDenied', clientOrderId: 'P-s-1', symbol: 'XRPUSDT', reason: 'limit price 2 is 8000 bps above', rule: 'price-band', tsEvent: 0, tsInit: 0 } as LoggedMessage;
    expect(describeMessage(modify).text).toBe('modify of P-s-1 denied (price-band): limit price 2 is 8000 bps above');
    const plain = { type: 'OrderDenied', clientOrderId: 'P-s-4', symbol: 'XRPUSDT', reason: 'reduce-only order would not reduce the position', tsEvent: 0, tsInit: 0 } as LoggedMessage;
    expect(describeMessage(plain).text).toBe('denied P-s-4: reduce-only order would not reduce the position');
  });
});
