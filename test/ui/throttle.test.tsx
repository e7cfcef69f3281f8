/**
 * A fast feed must never starve the engine: notifications cost nothing (no snapshot read, no
 * render inside the engine's notify call), and the app re-reads and re-renders at most `fps`
 * times per second, coalescing everything in between.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeWorkstation } from '../kit/fake-workstation.ts';
import { mount, tick, UiClock, type Mounted } from './render-app.tsx';

let m: Mounted | undefined;
afterEach(() => {
  m?.unmount();
  m = undefined;
});

const bump = (ws: FakeWorkstation, equity: number) => ws.setStatus({ equity });

describe('render throttle', () => {
  it('10,000 synchronous notifications cause no read during the burst and one render after it', async () => {
    const clock = new UiClock();
    const ws = new FakeWorkstation();
    m = await mount({ ws, noColor: true, scheduler: clock });
    const reads = ws.snapshotCalls;
    const frames = m.frameCount();
    for (let i = 1; i <= 10_000; i++) bump(ws, 10_000 + i);
    expect(ws.snapshotCalls).toBe(reads);
    expect(clock.pending).toBe(1);
    clock.advance(0);
    await m.settle();
    expect(ws.snapshotCalls).toBe(reads + 1);
    expect(m.frameCount() - frames).toBe(1);
    expect(m.frame()).toContain('equity 20,000.00 USDT');
  });

  it('a sustained feed is read at most fps times per second (fps 4)', async () => {
    const clock = new UiClock();
    const ws = new FakeWorkstation();
    m = await mount({ ws, noColor: true, scheduler: clock, fps: 4 });
    const reads = ws.snapshotCalls;
    const frames = m.frameCount();
    // Two seconds of engine time, five updates every millisecond.
    let n = 0;
    for (let t = 0; t < 2000; t++) {
      for (let k = 0; k < 5; k++) bump(ws, 10_000 + ++n);
      clock.advance(1);
    }
    clock.advance(250);
    await m.settle();
    const r = ws.snapshotCalls - reads;
    expect(r).toBeGreaterThanOrEqual(8);
    expect(r).toBeLessThanOrEqual(9);
    expect(m.frameCount() - frames).toBeLessThanOrEqual(r);
    expect(m.frame()).toContain('equity 20,000.00 USDT');
  });

  it('honours another fps', async () => {
    const clock = new UiClock();
    const ws = new FakeWorkstation();
    m = await mount({ ws, noColor: true, scheduler: clock, fps: 10 });
    const reads = ws.snapshotCalls;
    for (let t = 0; t < 1000; t++) {
      bump(ws, t);
      clock.advance(1);
    }
    // t = 0, 100, ..., 1000 ms: ten per second plus the first.
    expect(ws.snapshotCalls - reads).toBeLessThanOrEqual(11);
  });

  it('with real timers: a 10,000-update burst returns quickly and renders a few times at most', async () => {
    const ws = new FakeWorkstation();
    m = await mount({ ws, noColor: true });
    const frames = m.frameCount();
    const reads = ws.snapshotCalls;
    const t0 = performance.now();
    for (let i = 1; i <= 10_000; i++) bump(ws, 10_000 + i);
    const burstMs = performance.now() - t0;
    await tick(600);
    expect(ws.snapshotCalls - reads).toBeLessThanOrEqual(2);
    expect(m.frameCount() - frames).toBeLessThanOrEqual(3);
    expect(m.frame()).toContain('equity 20,000.00 USDT');
    // Generous: the burst does no UI work (it is ~10 ms on a laptop).
    expect(burstMs).toBeLessThan(1000);
  });

  it('with real timers: a second of continuous updates renders about fps times', async () => {
    const ws = new FakeWorkstation();
    m = await mount({ ws, noColor: true, fps: 4 });
    const frames = m.frameCount();
    let n = 0;
    const feed = setInterval(() => {
      for (let k = 0; k < 200; k++) bump(ws, ++n);
    }, 1);
    await tick(1000);
    clearInterval(feed);
    await tick(300);
    // 4 per second, plus one for the trailing read after the feed stops, plus slack for timers.
    expect(m.frameCount() - frames).toBeLessThanOrEqual(7);
  });

  it('stops listening when unmounted', async () => {
    const clock = new UiClock();
    const ws = new FakeWorkstation();
    m = await mount({ ws, noColor: true, scheduler: clock });
    bump(ws, 1);
    expect(clock.pending).toBe(1);
    m.unmount();
    m = undefined;
    expect(ws.subscribers).toBe(0);
    expect(clock.pending).toBe(0);
  });
});
