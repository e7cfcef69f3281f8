/**
 * Binance error replies: `{"code":-NNNN,"msg":"..."}` with the HTTP status Binance uses. Handlers
 * throw `BinanceError`; the HTTP layer turns it into the JSON body. Messages are Binance's own
 * wording (USD-M futures error-code list), so ccxt's message and code tables classify them as they
 * would classify the real venue's.
 */

export class BinanceError extends Error {
  override readonly name = 'BinanceError';
  constructor(
    readonly code: number,
    msg: string,
    readonly status = 400,
  ) {
    super(msg);
  }
  body(): { code: number; msg: string } {
    return { code: this.code, msg: this.message };
  }
}

/** Default messages by code (used by fault rejects and by the constructors below). */
export const MESSAGES: Readonly<Record<number, string>> = {
  [-1000]: 'An unknown error occured while processing the request.',
  [-1001]: 'Internal error; unable to process your request. Please try again.',
  [-1003]: 'Too many requests; current limit is 2400 request weight per 1 MINUTE. Please use the websocket for live updates to avoid polling the API.',
  [-1007]: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
  [-1008]: 'Server is currently overloaded with other requests. Please try again in a few minutes.',
  [-1015]: 'Too many new orders; current limit is 1200 orders per MINUTE.',
  [-1021]: 'Timestamp for this request is outside of the recvWindow.',
  [-1022]: 'Signature for this request is not valid.',
  [-1101]: 'Duplicate values for a parameter detected.',
  [-1111]: 'Precision is over the maximum defined for this asset.',
  [-1115]: 'Invalid timeInForce.',
  [-1116]: 'Invalid orderType.',
  [-1117]: 'Invalid side.',
  [-1120]: 'Invalid interval.',
  [-1121]: 'Invalid symbol.',
  [-1125]: 'This listenKey does not exist.',
  [-1131]: 'recvWindow must be less than 60000',
  [-2010]: 'New order rejected.',
  [-2011]: 'Unknown order sent.',
  [-2013]: 'Order does not exist.',
  [-2014]: 'API-key format invalid.',
  [-2015]: 'Invalid API-key, IP, or permissions for action.',
  [-2018]: 'Balance is insufficient.',
  [-2019]: 'Margin is insufficient.',
  [-2020]: 'Unable to fill.',
  [-2022]: 'ReduceOnly Order is rejected.',
  [-4001]: 'Price less than 0.',
  [-4002]: 'Price greater than max price.',
  [-4003]: 'Quantity less than or equal to zero.',
  [-4004]: 'Quantity less than min quantity.',
  [-4005]: 'Quantity greater than max quantity.',
  [-4013]: 'Price less than min price.',
  [-4014]: 'Price not increased by tick size.',
  [-4015]: 'Client order id is not valid.',
  [-4023]: 'Qty not increased by step size.',
  [-4046]: 'No need to change margin type.',
  [-4059]: 'No need to change position side.',
  [-4116]: 'ClientOrderId is duplicated.',
  [-5021]: 'Due to the order could not be filled immediately, the FOK order has been rejected. The order will not be recorded in the order history',
  [-5022]: 'Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history',
  [-5025]: 'Only limit order is supported.',
  [-5027]: 'No need to modify the order.',
};

const STATUS: Readonly<Record<number, number>> = { [-2015]: 401, [-2014]: 401, [-1000]: 500, [-1001]: 500 };

/** A BinanceError with Binance's message for `code` (or `msg` when given). */
export function err(code: number, msg?: string): BinanceError {
  return new BinanceError(code, msg ?? MESSAGES[code] ?? 'Request rejected.', STATUS[code] ?? 400);
}

export const mandatory = (name: string): BinanceError => new BinanceError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

export const illegal = (name: string): BinanceError => new BinanceError(-1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`);

export const notRequired = (name: string): BinanceError => new BinanceError(-1106, `Parameter '${name}' sent when not required.`);

export const invalidValue = (name: string): BinanceError => new BinanceError(-1130, `Data sent for parameter '${name}' is not valid.`);
