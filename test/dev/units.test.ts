/**
 * The number vocabulary holds at compile time (`npm run typecheck`): each `@ts-expect-error` below
 * must be an error, or the type check fails on an unused directive. Plain numbers still fit.
 */
import { describe, expect, it } from 'vitest';
import type { Decimal, Money, Price, Qty } from '../../src/engine/index.ts';

describe('units', () => {
  it('keep prices, quantities, money and decimal text apart, while a plain value fits each', () => {
    const price: Price = 97_345.13;
    const qty: Qty = 0.05;
    const money: Money = 5n;
    const text: Decimal = '-0.00512';
    // @ts-expect-error a quantity is not a price
    const wrongPrice: Price = qty;
    // @ts-expect-error a price is not a quantity
    const wrongQty: Qty = price;
    // @ts-expect-error money is exact fixed-point, not a number
    const wrongMoney: Money = price;
    // @ts-expect-error decimal text is not money
    const wrongText: Money = text;
    const notional: number = price * qty; // arithmetic leaves the unit to the reader
    expect([wrongPrice, wrongQty, wrongMoney, wrongText, notional, money]).toHaveLength(6);
  });
});
