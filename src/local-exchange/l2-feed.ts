/**
 * Replays an hftbacktest-style recording (`<recv_ts_ns> <raw JSON>` lines, gzip): a REST depth
 * snapshot and combined-stream `depthUpdate` / `trade` / `bookTicker` messages. The book starts as
 * the snapshot plus the first diff that straddles it (U <= lastUpdateId <= u), which opens the
 * replay at the exchange's start time; every later message is re-emitted verbatim except `E`/`T`,
 * shifted. Lines are parsed lazily (the file is 28 MB of JSON). 1m bars are built from the
 * recorded trades as they replay; there is no history before the start.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { BarRow, BarSource } from './bars.ts';
import { Book, type Level } from './book.ts';
import { parseFixed, toNumber, type Fixed } from './decimal.ts';
import type { Feed, FeedEvent } from './feed.ts';
import { isRecord } from './json.ts';

type Json = Record<string, unknown>;

function levels(x: unknown): Level[] {
  if (!Array.isArray(x)) return [];
  const out: Level[] = [];
  for (const l of x) if (Array.isArray(l) && typeof l[0] === 'string' && typeof l[1] === 'string') out.push([parseFixed(l[0]), parseFixed(l[1])]);
  return out;
}

const BAR_MS = 60_000;

export class L2Feed implements Feed {
  readonly book = new Book();
  readonly bars: BarSource;
  readonly shift: number;
  private readonly text: string;
  private pos = 0;
  private pending: { ts: number; data: Json } | undefined;
  private clock: number;
  private last: Fixed;
  private readonly done: BarRow[] = [];
  private cur: BarRow | undefined;

  constructor(
    readonly symbol: string,
    file: string,
    start: number,
  ) {
    const raw = readFileSync(file);
    this.text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    let snapshot: Json | undefined;
    const early: { data: Json; end: number }[] = [];
    let straddle: { data: Json; end: number } | undefined;
    while (straddle === undefined) {
      const line = this.nextLine();
      if (line === undefined) throw new Error(`${file}: no depth snapshot followed by a diff that straddles it`);
      if (!isRecord(line.json)) continue;
      if (line.json['lastUpdateId'] !== undefined && snapshot === undefined) {
        snapshot = line.json;
        const id = Number(snapshot['lastUpdateId']);
        straddle = early.find((d) => Number(d.data['u']) >= id);
        continue;
      }
      const data = line.json['data'];
      if (!isRecord(data) || data['e'] !== 'depthUpdate' || data['s'] !== symbol) continue;
      if (snapshot === undefined) early.push({ data, end: this.pos });
      else if (Number(data['u']) >= Number(snapshot['lastUpdateId'])) straddle = { data, end: this.pos };
    }
    const snap = snapshot as Json;
    const d = straddle.data;
    if (Number(d['U']) > Number(snap['lastUpdateId'])) throw new Error(`${file}: the first diff after the snapshot does not straddle it (U > lastUpdateId)`);
    this.shift = start - Number(d['E']);
    this.clock = start;
    this.book.reset(levels(snap['bids']), levels(snap['asks']), Number(snap['lastUpdateId']), start);
    this.book.applyDiff(levels(d['b']), levels(d['a']), Number(d['u']), start);
    this.pos = straddle.end;
    this.last = this.book.best('bids')?.[0] ?? 0n;
    const self = this;
    this.bars = {
      interval: BAR_MS,
      count: () => self.done.length,
      bar: (i: number) => self.done[i] as BarRow,
      partial: () => self.cur,
    };
  }

  private nextLine(): { json: unknown } | undefined {
    while (this.pos < this.text.length) {
      let end = this.text.indexOf('\n', this.pos);
      if (end < 0) end = this.text.length;
      const line = this.text.slice(this.pos, end);
      this.pos = end + 1;
      const sp = line.indexOf(' ');
      if (sp < 0) continue;
      try {
        return { json: JSON.parse(line.slice(sp + 1)) };
      } catch {
        continue; // a torn line in a recording is skipped, not fatal
      }
    }
    return undefined;
  }

  lastPrice(): Fixed {
    return this.last;
  }

  private peek(): { ts: number; data: Json } | undefined {
    while (this.pending === undefined) {
      const line = this.nextLine();
      if (line === undefined) return undefined;
      if (!isRecord(line.json)) continue;
      const data = line.json['data'];
      if (!isRecord(data) || data['s'] !== this.symbol) continue;
      const e = data['e'];
      if (e !== 'depthUpdate' && e !== 'trade' && e !== 'bookTicker') continue;
      const ts = Math.max(this.clock, Number(data['E']) + this.shift);
      this.pending = { ts, data };
    }
    return this.pending;
  }

  nextTime(): number | undefined {
    return this.peek()?.ts;
  }

  /** The recorded message with its times moved to the replay clock (T never after E). */
  private shifted(data: Json, ts: number): Json {
    const out: Json = { ...data };
    if (typeof out['E'] === 'number') out['E'] = ts;
    if (typeof out['T'] === 'number') out['T'] = Math.min(ts, out['T'] + this.shift);
    return out;
  }

  step(): FeedEvent[] {
    const next = this.peek();
    if (next === undefined) return [];
    this.pending = undefined;
    const { ts, data } = next;
    this.clock = ts;
    const raw = this.shifted(data, ts);
    const e = data['e'];
    if (e === 'depthUpdate') {
      const bids = levels(data['b']);
      const asks = levels(data['a']);
      const u = Number(data['u']);
      this.book.applyDiff(bids, asks, u, ts);
      return [{ kind: 'depth', ts, U: Number(data['U']), u, pu: Number(data['pu']), bids, asks, raw }];
    }
    if (e === 'bookTicker') return [{ kind: 'bookTicker', ts, raw }];
    const price = parseFixed(String(data['p']));
    const qty = parseFixed(String(data['q']));
    const id = Number(data['t']);
    const buyerMaker = data['m'] === true;
    this.last = price;
    const events: FeedEvent[] = [];
    const bucket = Math.floor(ts / BAR_MS) * BAR_MS;
    if (this.cur !== undefined && this.cur.t < bucket) {
      this.done.push(this.cur);
      events.push({ kind: 'bar', ts, barTime: this.cur.t, closed: true });
      this.cur = undefined;
    }
    const quote = toNumber(price) * toNumber(qty);
    const c = this.cur;
    this.cur =
      c === undefined
        ? { t: bucket, o: price, h: price, l: price, c: price, v: qty, q: quote, n: 1, tbv: buyerMaker ? 0n : qty, tbq: buyerMaker ? 0 : quote, f: id, L: id }
        : {
            t: c.t,
            o: c.o,
            h: price > c.h ? price : c.h,
            l: price < c.l ? price : c.l,
            c: price,
            v: c.v + qty,
            q: c.q + quote,
            n: c.n + 1,
            tbv: c.tbv + (buyerMaker ? 0n : qty),
            tbq: c.tbq + (buyerMaker ? 0 : quote),
            f: c.f,
            L: id,
          };
    events.push({ kind: 'trade', ts, id, price, qty, buyerMaker, raw });
    events.push({ kind: 'bar', ts, barTime: bucket, closed: false });
    return events;
  }
}
