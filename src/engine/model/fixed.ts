/**
 * Exact decimal arithmetic for the ledger.
 *
 * Money and ledger quantities are `bigint` scaled by 10^18 ("fixed-18"). Prices and quantities
 * travel through messages as JS numbers that lie on the instrument's grid (tick / lot); such a
 * number has at most 15 significant digits, so its shortest round-trip string *is* the exact
 * grid decimal, and `fromNumber` recovers it without error. Products of a price and a quantity
 * (and of a notional and a rate with at most 10 decimals) are exact in fixed-18 as long as the
 * decimals involved add up to at most 18, which holds for every listed crypto market we know of.
 * Division (average entry price) is the one place that rounds, half-even, at 1e-18.
 */

/** Number of decimals of every fixed-18 value. */
export const FIXED_DECIMALS = 18;
export const ONE = 10n ** 18n;

/** A fixed-18 amount: money in the account currency, or a quantity in base units. */
export type Fixed = bigint;

const POW10: bigint[] = [];
for (let i = 0; i <= 36; i++) POW10.push(10n ** BigInt(i));
function pow10(n: number): bigint {
  const p = POW10[n];
  if (p === undefined) throw new RangeError(`10^${n} is outside the supported range`);
  return p;
}

const DECIMAL_RE = /^([+-])?(\d+)?(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a decimal string ("96123.45", "-0.0004", "1e-7") into fixed-18.
 * Throws a RangeError when the value has more than 18 significant decimals (it would round).
 */
export function parseFixed(text: string): Fixed {
  // Fastest path: a short plain decimal (every fee and price string we see) read digit by digit
  // into an exact double, then one bigint conversion and one product: no regex, no string slices.
  if (text.length <= 16) {
    const v = parseShort(text);
    if (v !== undefined) return v;
  }
  // Fast path for the common "-123.456" form (no exponent, at most 18 decimals).
  if (PLAIN_RE.test(text)) {
    const dot = text.indexOf('.');
    if (dot < 0) return BigInt(text) * ONE;
    const frac = text.length - dot - 1;
    if (frac <= FIXED_DECIMALS) return BigInt(text.slice(0, dot) + text.slice(dot + 1)) * pow10(FIXED_DECIMALS - frac);
  }
  return parseGeneral(text);
}

const PLAIN_RE = /^-?\d+(?:\.\d+)?$/;

/** `-?digits(.digits)?` of at most 16 characters whose digits fit a double exactly, as fixed-18; undefined for anything else. */
function parseShort(text: string): Fixed | undefined {
  const len = text.length;
  const neg = text.charCodeAt(0) === 45; // '-'
  const first = neg ? 1 : 0;
  if (len === first) return undefined;
  let n = 0;
  let frac = -1; // digits after the dot; -1 before a dot is seen
  for (let i = first; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      // '.': one, with digits on both sides
      if (frac >= 0 || i === first || i === len - 1) return undefined;
      frac = 0;
      continue;
    }
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
    if (frac >= 0) frac++;
  }
  if (n > Number.MAX_SAFE_INTEGER) return undefined; // a step may have rounded
  const v = BigInt(neg ? -n : n);
  return frac <= 0 ? v * ONE : v * (POW10[FIXED_DECIMALS - frac] as bigint);
}

function parseGeneral(text: string): Fixed {
  const m = DECIMAL_RE.exec(text.trim());
  if (m === null || (m[2] === undefined && (m[3] === undefined || m[3] === ''))) {
    throw new RangeError(`not a decimal number: "${text}"`);
  }
  const sign = m[1] === '-' ? -1n : 1n;
  const intPart = m[2] ?? '0';
  const frac = m[3] ?? '';
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  let digits = intPart + frac;
  let scale = frac.length - exp; // value = digits * 10^-scale
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  if (scale > FIXED_DECIMALS) {
    const extra = scale - FIXED_DECIMALS;
    const dropped = digits.slice(Math.max(0, digits.length - extra));
    if (/[1-9]/.test(dropped)) throw new RangeError(`"${text}" has more than ${FIXED_DECIMALS} decimals`);
    digits = digits.slice(0, Math.max(0, digits.length - extra)) || '0';
    scale = FIXED_DECIMALS;
  }
  return sign * BigInt(digits || '0') * pow10(FIXED_DECIMALS - scale);
}

/** Exact fixed-18 value of a number that lies on a decimal grid (a price, a quantity, a rate). */
export function fromNumber(x: number): Fixed {
  // Fast path: x is the nearest double of a decimal with at most 8 decimals, which round-trips
  // through x * 1e8 exactly (every price, size and rate we see). Only below 2^26, where doubles are
  // closer together than 1e-8: above it two 8-decimal values can share a double (78941897.4137836
  // and 78941897.41378359 do), and x * 1e8 may round to the one that is not x's shortest decimal.
  if (Math.abs(x) < FAST_BELOW) {
    const scaled = Math.round(x * 1e8);
    if (scaled / 1e8 === x) return BigInt(scaled) * E10;
  }
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  return parseFixed(String(x));
}

const E10 = 10n ** 10n;
const FAST_BELOW = 2 ** 26;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Fixed-18 to its shortest exact decimal string ("0.3844938", "-12", "0"). */
export function formatFixed(v: Fixed): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const int = abs / ONE;
  let frac = (abs % ONE).toString().padStart(FIXED_DECIMALS, '0');
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  const body = frac === '' ? int.toString() : `${int}.${frac}`;
  return neg && abs !== 0n ? `-${body}` : body;
}

/**
 * Decimal string of the integer n scaled by 10^-decimals (n = 3844938, decimals = 7 -> "0.3844938").
 * n must be a safe integer; used where an exact product fits in a double (the venue's fee path).
 */
export function formatScaled(n: number, decimals: number): string {
  if (decimals === 0) return String(n);
  const neg = n < 0;
  const a = neg ? -n : n;
  const p = pow10Number(decimals);
  const int = Math.floor(a / p);
  let frac = a - int * p; // exact: a and int * p are integers below 2^53
  if (frac === 0) return neg && int !== 0 ? `-${int}` : String(int);
  let d = decimals;
  while (frac % 10 === 0) {
    frac /= 10;
    d--;
  }
  const fs = String(frac);
  const body = `${int}.${fs.length < d ? '0'.repeat(d - fs.length) + fs : fs}`;
  return neg ? `-${body}` : body;
}

const POW10_NUM = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** 10^n as a number, from a table for 0..22 (every one exact; the grid helpers ask on every order), else by `**`. */
export function pow10Number(n: number): number {
  return POW10_NUM[n] ?? 10 ** n;
}

/** Correctly rounded JS number of a fixed-18 value (for statistics and display only). */
export function toNumber(v: Fixed): number {
  // Both fast paths divide an exactly represented integer by an exact power of ten: one
  // correctly rounded operation, so the result equals Number(formatFixed(v)).
  if (v <= MAX_SAFE && v >= -MAX_SAFE) return Number(v) / 1e18;
  const q = v / E10;
  if (q * E10 === v && q <= MAX_SAFE && q >= -MAX_SAFE) return Number(q) / 1e8;
  return Number(formatFixed(v));
}

/**
 * Exact fixed-18 product of grid numbers (price x qty, or price x qty x rate). Fast path: each factor
 * has at most 8 decimals, so it is an exact integer once scaled by 1e8, and one bigint product
 * followed by an exact division gives the result without any string work.
 */
export function product(a: number, b: number, c?: number): Fixed {
  const ai = Math.round(a * 1e8);
  const bi = Math.round(b * 1e8);
  if (ai / 1e8 === a && bi / 1e8 === b && Math.abs(ai) <= Number.MAX_SAFE_INTEGER && Math.abs(bi) <= Number.MAX_SAFE_INTEGER) {
    if (c === undefined) return BigInt(ai) * BigInt(bi) * 100n; // 1e-16 -> 1e-18
    const ci = Math.round(c * 1e8);
    if (ci / 1e8 === c && Math.abs(ci) <= Number.MAX_SAFE_INTEGER) return divRound(BigInt(ai) * BigInt(bi) * BigInt(ci), E6);
  }
  const ab = mul(fromNumber(a), fromNumber(b));
  return c === undefined ? ab : mul(ab, fromNumber(c));
}

const E6 = 10n ** 6n;

/**
 * Fast float of a fixed-18 amount, within one ulp of the correctly rounded value. For the float
 * mirrors of money (balances, costs) that feed statistics and risk checks; quantities and anything
 * reported use `toNumber`.
 */
export function toFloat(v: Fixed): number {
  if (v <= MAX_SAFE && v >= -MAX_SAFE) return Number(v) / 1e18;
  const int = v / ONE;
  return Number(int) + Number(v - int * ONE) / 1e18;
}

/** Product of two fixed-18 values, rounded half-even at 1e-18 (exact when decimals allow). */
export function mul(a: Fixed, b: Fixed): Fixed {
  return divRound(a * b, ONE);
}

/** a / b in fixed-18, rounded half-even. Throws on division by zero. */
export function div(a: Fixed, b: Fixed): Fixed {
  return divRound(a * ONE, b);
}

/** Integer division of bigints rounded half-even. */
export function divRound(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  let q = n / d;
  const r = n - q * d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice > d || (twice === d && (q & 1n) !== 0n)) q += r < 0n ? -1n : 1n;
  return q;
}

export function abs(a: Fixed): Fixed {
  return a < 0n ? -a : a;
}

export function sign(a: Fixed): -1 | 0 | 1 {
  return a > 0n ? 1 : a < 0n ? -1 : 0;
}

/**
 * The grid step of `decimals` places as the exact grid number: 0 -> 1, 2 -> 0.01, 8 -> 1e-8, for
 * 0..18 decimals. Read from the decimal string "1e-<decimals>", so it is the double nearest
 * 10^-decimals, whose shortest string is that decimal and which `fromNumber` takes exactly; a float
 * power is not (`10 ** -4` is 0.00009999999999999999, off the grid). Throws a RangeError otherwise.
 */
export function stepOfDecimals(decimals: number): number {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > FIXED_DECIMALS) {
    throw new RangeError(`a grid step has 0 to ${FIXED_DECIMALS} decimals (got ${decimals})`);
  }
  return Number(`1e-${decimals}`);
}

/** Number of decimals a grid step needs: 0.01 -> 2, 0.5 -> 1, 5 -> 0, 1e-8 -> 8. */
export function decimalsOf(step: number): number {
  const s = formatFixed(fromNumber(step));
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}
