import type { RouteConfig } from "./schema.ts";

/** A route's runtime policy with every default filled in (the schema leaves them optional). */
export interface RoutePolicy {
  readonly batchCount: number;
  readonly batchBytes: number;
  readonly lingerMs: number;
  readonly maxDeliver: number;
  readonly backoffMs: readonly number[];
  readonly ackWaitMs: number;
  /** Most messages of the route in flight (fetched, not yet acked / nak'd). */
  readonly concurrency: number;
  /** Messages per pull request. */
  readonly fetchBatch: number;
}

export const DEFAULT_BACKOFF_MS = [1000, 2000, 4000, 8000, 16_000] as const;

export function routePolicy(route: RouteConfig | undefined): RoutePolicy {
  const concurrency = route?.concurrency ?? 512;
  return {
    batchCount: route?.batch?.count ?? 10,
    batchBytes: route?.batch?.bytes ?? 1024 * 1024,
    lingerMs: route?.batch?.lingerMs ?? 5,
    maxDeliver: route?.retry?.maxDeliver ?? 5,
    backoffMs: route?.retry?.backoffMs ?? DEFAULT_BACKOFF_MS,
    ackWaitMs: route?.retry?.ackWaitMs ?? 30_000,
    concurrency,
    fetchBatch: Math.min(concurrency, 256),
  };
}
