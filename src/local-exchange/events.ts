/**
 * Notable things the local exchange did, for its operator (the `parity exchange serve` log, tests):
 * orders accepted / filled / canceled / expired / amended, funding settled, liquidations, injected
 * faults, and a recording running out. Decimal fields are exact strings; times are the exchange's virtual time.
 */

export type LocalExchangeEvent =
  | {
      readonly type: 'order';
      readonly time: number;
      readonly status: 'NEW' | 'CANCELED' | 'EXPIRED' | 'AMENDED';
      readonly symbol: string;
      readonly orderId: number;
      readonly clientOrderId: string;
      readonly side: 'BUY' | 'SELL';
      readonly orderType: 'LIMIT' | 'MARKET';
      readonly qty: string;
      readonly price: string;
      readonly origin: 'api' | 'external' | 'liquidation';
    }
  | {
      readonly type: 'fill';
      readonly time: number;
      readonly symbol: string;
      readonly orderId: number;
      readonly clientOrderId: string;
      readonly side: 'BUY' | 'SELL';
      readonly qty: string;
      readonly price: string;
      readonly maker: boolean;
      readonly status: string;
    }
  | { readonly type: 'funding'; readonly time: number; readonly symbol: string; readonly rate: string; readonly mark: string; readonly amount: string }
  /** A position liquidated: closed at `price` by the exchange's own order, `fee` the clearance fee. */
  | {
      readonly type: 'liquidation';
      readonly time: number;
      readonly symbol: string;
      readonly side: 'BUY' | 'SELL';
      readonly qty: string;
      readonly price: string;
      readonly fee: string;
      readonly clientOrderId: string;
    }
  | { readonly type: 'fault'; readonly time: number; readonly kind: string; readonly detail: string }
  | { readonly type: 'market-end'; readonly time: number; readonly symbol: string };
