/** What SQS answered to the first send of a deduplication id (minus the per-request MD5s). */
export interface FirstSend {
  readonly MessageId: string;
  readonly SequenceNumber?: string;
}

interface Entry {
  readonly until: number;
  readonly first: Promise<FirstSend>;
}

/**
 * FIFO deduplication for SQS's whole 5-minute interval, however many ids pass: the bundled emulator
 * remembers only its last 10,000 ids. Entries are kept in send order, so the expired ones are always
 * at the front of each queue's map and pruning stops at the first live one.
 */
export class DedupWindow {
  readonly #queues = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly windowMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The first send of `key` to `queue` within the window, still pending or done; undefined if none. */
  find(queue: string, key: string): Promise<FirstSend> | undefined {
    const entry = this.#queues.get(queue)?.get(key);
    return entry !== undefined && entry.until > this.now() ? entry.first : undefined;
  }

  /** Records a first send; if it fails, the id is forgotten (nothing was sent). */
  remember(queue: string, key: string, first: Promise<FirstSend>): void {
    const entries = this.#queues.get(queue) ?? new Map<string, Entry>();
    this.#queues.set(queue, entries);
    const now = this.now();
    for (const [old, entry] of entries) {
      if (entry.until > now) break;
      entries.delete(old);
    }
    entries.delete(key); // re-inserted at the end, in send order
    const entry: Entry = { until: now + this.windowMs, first };
    entries.set(key, entry);
    first.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
  }

  /** A deleted queue's ids go with it. */
  forget(queue: string): void {
    this.#queues.delete(queue);
  }

  /** Ids currently remembered for `queue` (expired ones may linger until the next send prunes them). */
  size(queue: string): number {
    return this.#queues.get(queue)?.size ?? 0;
  }
}
