/**
 * The highest revision up to which every entry received has been dealt with: entries arrive in
 * revision order but finish in any order (keys run in parallel), and the checkpoint must never pass one
 * still in flight — a restart replays from it, so anything after it may be written again, nothing
 * before it is skipped.
 */
export interface Progress {
  begin(revision: number): void;
  finish(revision: number): void;
  /** Every entry up to here is done (the checkpoint it is safe to save). */
  readonly mark: number;
  /** The highest revision received. */
  readonly received: number;
  readonly inflight: number;
}

export function createProgress(start: number): Progress {
  const pending: number[] = [];
  let head = 0;
  const done = new Set<number>();
  let mark = start;
  let received = start;
  return {
    begin(revision) {
      pending.push(revision);
      received = revision;
    },
    finish(revision) {
      done.add(revision);
      while (head < pending.length && done.has(pending[head] as number)) {
        mark = pending[head] as number;
        done.delete(mark);
        head++;
      }
      // Drop the consumed prefix now and then, not on every call.
      if (head > 1024 && head * 2 > pending.length) {
        pending.splice(0, head);
        head = 0;
      }
    },
    get mark() {
      return mark;
    },
    get received() {
      return received;
    },
    get inflight() {
      return pending.length - head;
    },
  };
}
