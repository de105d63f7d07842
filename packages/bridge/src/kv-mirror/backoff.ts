import { backoff, sleep } from "@junction/sdk/resilience";

export interface RetryTiming {
  /** First retry delay; it doubles up to `maxMs` (with jitter). */
  readonly baseMs: number;
  readonly maxMs: number;
}

/** stop() ended a retry wait: the work was not confirmed, and is done again after a restart. */
export class MirrorStopped extends Error {}

/** Waits before retry number `attempt` (1 = the first): doubling from `baseMs`, capped, jittered. */
export function waitToRetry(retry: RetryTiming, attempt: number, signal: AbortSignal): Promise<void> {
  return sleep(
    Math.round(backoff(attempt - 1, { baseMs: retry.baseMs, maxMs: retry.maxMs, jitter: "equal" })),
    signal,
  );
}
