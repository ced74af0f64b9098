/**
 * A min-heap of (dueAt, id): the dispatcher's index of what to attempt next. The store stays the source
 * of truth; an entry whose due time no longer matches (rescheduled, cancelled) is skipped when popped.
 */
export class DueQueue {
  private heap: { dueAt: number; seq: number; id: string }[] = [];
  private current = new Map<string, number>();
  private seq = 0;

  get size(): number {
    return this.current.size;
  }

  has(id: string): boolean {
    return this.current.has(id);
  }

  /** Schedules `id` at `dueAt`, replacing any earlier schedule of it. */
  push(id: string, dueAt: number): void {
    this.current.set(id, dueAt);
    this.heap.push({ dueAt, seq: this.seq++, id });
    this.up(this.heap.length - 1);
  }

  delete(id: string): void {
    this.current.delete(id);
  }

  /** The earliest live entry, without removing it. */
  peek(): { id: string; dueAt: number } | undefined {
    this.dropStale();
    const top = this.heap[0];
    return top && { id: top.id, dueAt: top.dueAt };
  }

  pop(): { id: string; dueAt: number } | undefined {
    const top = this.peek();
    if (!top) return undefined;
    this.removeTop();
    this.current.delete(top.id);
    return top;
  }

  private dropStale(): void {
    while (this.heap.length > 0) {
      const top = this.heap[0];
      if (this.current.get(top.id) === top.dueAt) return;
      this.removeTop();
    }
  }

  private removeTop(): void {
    const last = this.heap.pop();
    if (last && this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    return x.dueAt < y.dueAt || (x.dueAt === y.dueAt && x.seq < y.seq);
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      [this.heap[i], this.heap[p]] = [this.heap[p], this.heap[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      [this.heap[i], this.heap[m]] = [this.heap[m], this.heap[i]];
      i = m;
    }
  }
}
