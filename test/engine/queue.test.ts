import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MessageQueue } from '../../src/engine/kernel/queue.ts';

describe('MessageQueue', () => {
  it('property: any mix of pushes and shifts gives the messages back in the order they came, across growth', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant<'shift'>('shift')), { maxLength: 400 }), (ops) => {
        const q = new MessageQueue<number>();
        const model: number[] = [];
        for (const op of ops) {
          if (op === 'shift') expect(q.shift()).toBe(model.shift());
          else {
            q.push(op);
            model.push(op);
          }
          expect(q.size).toBe(model.length);
        }
        while (model.length > 0) expect(q.shift()).toBe(model.shift());
        expect(q.shift()).toBeUndefined();
        expect(q.size).toBe(0);
      }),
    );
  });

  it('holds no message it has handed out (a drained slot is cleared)', () => {
    const q = new MessageQueue<{ n: number }>();
    for (let i = 0; i < 40; i++) q.push({ n: i });
    for (let i = 0; i < 40; i++) q.shift();
    const slots = (q as unknown as { items: unknown[] }).items;
    expect(slots.every((x) => x === undefined)).toBe(true);
  });
});
