import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalsOf, divRound, formatFixed, formatScaled, fromNumber, makeInstrument, parseFixed, product, stepOfDecimals, symbol, toFloat, toNumber, mul } from '../../src/engine/index.ts';

describe('fixed-18 decimals', () => {
  it('parses and formats decimal strings exactly', () => {
    expect(formatFixed(parseFixed('96123.45'))).toBe('96123.45');
    expect(formatFixed(parseFixed('-0.0004'))).toBe('-0.0004');
    expect(formatFixed(parseFixed('1e-7'))).toBe('0.0000001');
    expect(formatFixed(parseFixed('12'))).toBe('12');
    expect(formatFixed(parseFixed('0.000000000000000001'))).toBe('0.000000000000000001');
    expect(() => parseFixed('0.0000000000000000001')).toThrow(/more than 18 decimals/);
    expect(() => parseFixed('abc')).toThrow(/not a decimal/);
  });

  it('a short decimal string parses to the same value as its digits read as one integer (the fast path agrees with bigint parsing)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), fc.integer({ min: 0, max: 18 }), (digits, decimals) => {
        const abs = (digits < 0n ? -digits : digits).toString().padStart(decimals + 1, '0');
        const text = `${digits < 0n ? '-' : ''}${decimals === 0 ? abs : `${abs.slice(0, abs.length - decimals)}.${abs.slice(abs.length - decimals)}`}`;
        // Exact by construction: digits x 10^(18 - decimals), whatever the length (16 characters or fewer takes the fast path).
        expect(parseFixed(text)).toBe(digits * 10n ** BigInt(18 - decimals));
      }),
    );
    for (const bad of ['-', '.', '1.2.3', '1e', '--1', '１']) expect(() => parseFixed(bad)).toThrow(/not a decimal/);
    // Forms the fast path leaves to the general parser, which reads them.
    expect([parseFixed('1.'), parseFixed('.5'), parseFixed('+1')]).toEqual([10n ** 18n, 5n * 10n ** 17n, 10n ** 18n]);
    expect(parseFixed('-0')).toBe(0n);
    expect(parseFixed('9007199254740993')).toBe(9007199254740993n * 10n ** 18n); // above 2^53: not exact as a double, read as bigint
  });

  it('recovers the grid decimal of a float: 0.1 + 0.2 is not 0.3, but 0.3 is', () => {
    expect(formatFixed(fromNumber(0.3))).toBe('0.3');
    expect(formatFixed(fromNumber(0.1 + 0.2))).toBe('0.30000000000000004');
  });

  it('toNumber is correctly rounded and agrees with its slow path', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (v) => {
        expect(toNumber(v)).toBe(Number(formatFixed(v)));
        expect(Math.abs(toFloat(v) - toNumber(v))).toBeLessThanOrEqual(Math.abs(toNumber(v)) * 2.3e-16);
      }),
    );
  });

  it("fromNumber is the number's shortest decimal, at every magnitude (fast path or not)", () => {
    const shortest = (x: number): bigint | undefined => {
      try {
        return parseFixed(String(x));
      } catch {
        return undefined; // more than 18 decimals: fromNumber refuses it too
      }
    };
    const numbers = fc.oneof(
      fc.tuple(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.integer({ min: 0, max: 12 })).map(([n, d]) => n / 10 ** d),
      fc.double({ min: -1e15, max: 1e15, noNaN: true }),
    );
    fc.assert(
      fc.property(numbers, (x) => {
        const want = shortest(x);
        if (want === undefined) expect(() => fromNumber(x)).toThrow(RangeError);
        else expect(fromNumber(x)).toBe(want);
      }),
      { numRuns: 20_000, examples: [[78941897.4137836], [68233000.1842969], [67108864.00000001], [-123456789.12345679]] },
    );
    expect(formatFixed(fromNumber(78941897.4137836))).toBe('78941897.4137836'); // the fast path gave 78941897.41378359
  });

  it('grid numbers round-trip through fromNumber and toNumber', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 8 }), (n, d) => {
        const x = n / 10 ** d;
        expect(toNumber(fromNumber(x))).toBe(x);
      }),
    );
  });

  it('the grid step of 0..18 decimals is exact: it round-trips through fromNumber and formatFixed', () => {
    const every = Array.from({ length: 19 }, (_, d): [number] => [d]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 18 }), (d) => {
        const step = stepOfDecimals(d);
        const decimal = d === 0 ? '1' : `0.${'0'.repeat(d - 1)}1`;
        expect(formatFixed(fromNumber(step))).toBe(decimal);
        expect(fromNumber(step)).toBe(parseFixed(decimal));
        expect(decimalsOf(step)).toBe(d);
        const inst = makeInstrument({ symbol: symbol('XRPUSDT'), tickSize: step, lotSize: step });
        expect([inst.priceDecimals, inst.qtyDecimals]).toEqual([d, d]);
      }),
      { examples: every },
    );
    for (const bad of [-1, 19, 2.5, Number.NaN]) expect(() => stepOfDecimals(bad)).toThrow(/a grid step has 0 to 18 decimals/);
  });

  it('product of grid numbers is exact (price x qty x rate)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2e7 }), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 0, max: 100 }), (p, q, r) => {
        const price = p / 100;
        const qty = q / 1e5;
        const rate = r / 1e4;
        const exact = (BigInt(p) * BigInt(q) * BigInt(r) * 10n ** 18n) / 10n ** 11n;
        expect(product(price, qty, rate)).toBe(exact);
        expect(formatScaled(p * q * r, 11)).toBe(formatFixed(exact));
        expect(product(price, qty)).toBe(mul(fromNumber(price), fromNumber(qty)));
      }),
    );
  });

  it('divRound rounds half to even', () => {
    expect(divRound(5n, 2n)).toBe(2n);
    expect(divRound(7n, 2n)).toBe(4n);
    expect(divRound(-5n, 2n)).toBe(-2n);
    expect(divRound(-7n, 2n)).toBe(-4n);
    expect(divRound(10n, 3n)).toBe(3n);
    expect(divRound(11n, -3n)).toBe(-4n);
  });

  it('formatScaled writes scaled integers', () => {
    expect(formatScaled(3844938, 7)).toBe('0.3844938');
    expect(formatScaled(-5, 3)).toBe('-0.005');
    expect(formatScaled(1200, 2)).toBe('12');
    expect(formatScaled(0, 4)).toBe('0');
    expect(formatScaled(42, 0)).toBe('42');
  });
});
