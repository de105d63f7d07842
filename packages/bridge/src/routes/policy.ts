import type { RouteConfig } from "./schema.ts";

/** A route's runtime policy: its batch, retry and concurrency settings (the schema gives the defaults). */
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

export function routePolicy(route: RouteConfig): RoutePolicy {
  return {
    batchCount: route.batch.count,
    batchBytes: route.batch.bytes,
    lingerMs: route.batch.lingerMs,
    maxDeliver: route.retry.maxDeliver,
    backoffMs: route.retry.backoffMs,
    ackWaitMs: route.retry.ackWaitMs,
    concurrency: route.concurrency,
    fetchBatch: Math.min(route.concurrency, 256),
  };
}
