import type { DeliveryError, DeliveryOutcome } from "./delivery.ts";

/** Independent AWS calls a sender has in flight at once, by default. */
export const DEFAULT_CONCURRENCY = 16;

export const DELIVERED: DeliveryOutcome = { ok: true };

export function failed(error: DeliveryError): DeliveryOutcome {
  return { ok: false, error };
}

/** Runs tasks with at most `limit` of them in flight; the others wait their turn, first come first served. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(limit: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    // Hand the slot straight to the next waiter, so a newcomer cannot slip in between.
    const next = waiting.shift();
    if (next === undefined) active--;
    else next();
  };
  return async (task) => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/**
 * Splits `items`, in order, into consecutive chunks of at most `maxCount` items and `maxBytes` bytes.
 * An item bigger than `maxBytes` gets a chunk of its own (the caller decides what to do with it).
 */
export function chunk<T>(
  items: readonly T[],
  maxCount: number,
  maxBytes: number,
  size: (item: T) => number,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length > 0 && (current.length >= maxCount || bytes + n > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The SDK's per-call options: only pass `abortSignal` when there is one (exactOptionalPropertyTypes). */
export function callOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal === undefined ? {} : { abortSignal: signal };
}
