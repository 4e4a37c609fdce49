/**
 * A queue of keys by due time (a binary min-heap), for timers over many items: adding or
 * rescheduling a key is O(log n) and finding what is due costs only the due items, where a scan
 * would visit every item on every change. A key rescheduled or removed leaves its old entry
 * behind; entries carry the key's version and the stale ones are skipped when they surface.
 */

interface Entry {
  at: number;
  key: string;
  version: number;
}

/** Keys with the time (ms) each falls due; one live time per key. */
export class DueQueue {
  private readonly heap: Entry[] = [];
  private readonly versions = new Map<string, number>();
  private nextVersion = 1;

  /** Sets when `key` falls due (replacing any earlier time), or removes it with `null`. */
  set(key: string, at: number | null): void {
    if (at === null) {
      this.versions.delete(key);
      return;
    }
    const version = this.nextVersion++;
    this.versions.set(key, version);
    this.heap.push({ at, key, version });
    this.up(this.heap.length - 1);
  }

  /** The earliest live due time, or null when no key is queued. */
  peekAt(): number | null {
    this.dropStale();
    return this.heap[0]?.at ?? null;
  }

  /** Removes and returns every key due at or before `now`, earliest first. */
  takeDue(now: number): string[] {
    const due: string[] = [];
    for (;;) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.at > now) return due;
      this.pop();
      this.versions.delete(top.key);
      due.push(top.key);
    }
  }

  /** Live keys queued. */
  get size(): number {
    return this.versions.size;
  }

  private dropStale(): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || this.versions.get(top.key) === top.version) return;
      this.pop();
    }
  }

  private pop(): void {
    const last = this.heap.pop();
    if (last === undefined || this.heap.length === 0) return;
    this.heap[0] = last;
    this.down(0);
  }

  private up(index: number): void {
    const { heap } = this;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as Entry).at <= (heap[i] as Entry).at) return;
      [heap[parent], heap[i]] = [heap[i] as Entry, heap[parent] as Entry];
      i = parent;
    }
  }

  private down(index: number): void {
    const { heap } = this;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && (heap[left] as Entry).at < (heap[smallest] as Entry).at) smallest = left;
      if (right < heap.length && (heap[right] as Entry).at < (heap[smallest] as Entry).at) smallest = right;
      if (smallest === i) return;
      [heap[smallest], heap[i]] = [heap[i] as Entry, heap[smallest] as Entry];
      i = smallest;
    }
  }
}
