/**
 * A FIFO message queue for run-to-completion processing. IO callbacks and handlers only enqueue;
 * one drain loop processes messages one at a time on one logical thread. A ring buffer that only
 * ever grows (doubling): after warm-up no push or shift allocates, and a drained slot is cleared so
 * the queue holds no message it has handed out.
 */
export class MessageQueue<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(16).fill(undefined);
  private mask = 15;
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count > this.mask) this.grow();
    this.items[(this.head + this.count) & this.mask] = item;
    this.count++;
  }

  /** Next message, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return item;
  }

  private grow(): void {
    const old = this.items;
    const n = old.length;
    const next = new Array<T | undefined>(n * 2).fill(undefined);
    for (let k = 0; k < this.count; k++) next[k] = old[(this.head + k) & this.mask];
    this.items = next;
    this.mask = n * 2 - 1;
    this.head = 0;
  }
}

/**
 * Timers ordered by (time, insertion). A binary heap; `popDue(now)` returns the next timer due at or
 * before `now`, so equal times fire in the order they were set (deterministic).
 */
export interface Timer<T> {
  readonly at: number;
  readonly seq: number;
  readonly payload: T;
}

export class TimerHeap<T> {
  private heap: Timer<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Time of the earliest timer, or Infinity. */
  peekTime(): number {
    return this.heap.length === 0 ? Infinity : (this.heap[0] as Timer<T>).at;
  }

  add(at: number, payload: T): void {
    const h = this.heap;
    h.push({ at, seq: this.seq++, payload });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  popDue(now: number): T | undefined {
    const h = this.heap;
    if (h.length === 0 || (h[0] as Timer<T>).at > now) return undefined;
    const top = h[0] as Timer<T>;
    const last = h.pop() as Timer<T>;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top.payload;
  }

  /** Removes every timer whose payload matches. */
  remove(match: (payload: T) => boolean): void {
    const kept = this.heap.filter((t) => !match(t.payload));
    this.heap = [];
    for (const t of kept.sort((a, b) => a.at - b.at || a.seq - b.seq)) this.heap.push(t);
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i] as Timer<T>;
    const b = this.heap[j] as Timer<T>;
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    const t = h[i] as Timer<T>;
    h[i] = h[j] as Timer<T>;
    h[j] = t;
  }
}
