/**
 * One vocabulary for numbers. Prices and quantities are plain numbers on the market's grid (tick
 * and lot: see instrument.ts for how a number is snapped onto it); money in the books is exact
 * fixed-point (fixed.ts); decimal strings appear only at the edges (venue reports, the journal,
 * files). The brands keep the units apart: a Qty passed where a Price is expected, or a Price added
 * to the books as Money, is a type error, while a plain number (a literal, a computed value) still
 * fits either: arithmetic leaves the unit to the reader, as it should.
 */
declare const unit: unique symbol;

/** A price in the quote currency, on the instrument's tick grid. */
export type Price = number & { readonly [unit]?: 'price' };

/** A quantity in base units, on the instrument's lot grid (signed where a position is meant). */
export type Qty = number & { readonly [unit]?: 'qty' };

/** Money in the books: exact fixed-point with 18 decimals (see fixed.ts), in the account currency. */
export type Money = bigint & { readonly [unit]?: 'money' };

/** An exact decimal amount as text, as venues report and the journal keeps it ("-0.00512"). */
export type Decimal = string & { readonly [unit]?: 'decimal' };
