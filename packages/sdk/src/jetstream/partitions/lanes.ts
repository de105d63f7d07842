/**
 * Ordering lanes: tasks with the same key run one after another, in the order they were submitted
 * (a later task starts only once the earlier one has settled, retries included); tasks with
 * different keys, or no key, run in parallel. One promise chain per busy key; idle keys cost nothing.
 */
export interface Lanes {
  run<T>(key: string | undefined, task: () => Promise<T>): Promise<T>;
  /** Keys with a task queued or running. */
  readonly size: number;
}

export function createLanes(): Lanes {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string | undefined, task: () => Promise<T>): Promise<T> {
      if (key === undefined) return task();
      const previous = tails.get(key) ?? Promise.resolve();
      // A failed predecessor does not stop its successors: its failure is its own caller's business.
      const next = previous.then(task, task);
      const tail = next.then(
        () => {},
        () => {},
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return next;
    },
    get size() {
      return tails.size;
    },
  };
}
