import { backoff } from "./backoff.ts";
import { type Deadline, throwIfAborted } from "./deadline.ts";
import { checkInteger, checkNumber } from "./errors.ts";
import { sleep as realSleep, type Sleep } from "./sleep.ts";

export interface RetryOptions {
  /** Attempts in all, the first one included. */
  readonly maxAttempts: number;
  /** Backoff ceiling after the first failure; it doubles after each further one. */
  readonly baseDelayMs: number;
  /** Upper bound of any one backoff. */
  readonly maxDelayMs: number;
}

export const defaultRetryOptions: RetryOptions = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 1000 };

export interface RetryPolicy extends RetryOptions {
  /** Backoff after failed attempt `attempt` (0-based). */
  delayMs(attempt: number): number;
}

/**
 * Exponential backoff with full jitter: delay = random(0, min(maxDelayMs, baseDelayMs · 2^attempt)).
 * Full jitter spreads a crowd of callers that failed together, so they do not retry in lockstep.
 */
export function retryPolicy(
  options: Partial<RetryOptions> = {},
  random: () => number = Math.random,
): RetryPolicy {
  const { maxAttempts, baseDelayMs, maxDelayMs } = { ...defaultRetryOptions, ...options };
  checkInteger("retry.maxAttempts", maxAttempts, 1);
  checkNumber("retry.baseDelayMs", baseDelayMs, 0);
  checkNumber("retry.maxDelayMs", maxDelayMs, 0);
  return {
    maxAttempts,
    baseDelayMs,
    maxDelayMs,
    delayMs: (attempt) =>
      backoff(attempt, { baseMs: baseDelayMs, maxMs: maxDelayMs, jitter: "full", random }),
  };
}

export interface RunWithRetryOptions {
  /** Absent: a single attempt. */
  readonly policy?: RetryPolicy | undefined;
  /** Shared by all attempts and backoffs. */
  readonly deadline: Deadline;
  /** May this failure be retried? Anything else is thrown as is. */
  readonly retryable: (error: unknown) => boolean;
  /** The error once the deadline is spent; gets the last attempt's error (if any) as its cause. */
  readonly onDeadline: (lastError: unknown) => Error;
  readonly signal?: AbortSignal | undefined;
  readonly sleep?: Sleep | undefined;
}

/**
 * Runs `attempt(n, remainingMs)` until it succeeds, fails in a way that is not retryable, runs out of
 * attempts, or the deadline passes. Backoff never sleeps past the deadline; an abort ends it at once with
 * `CancelledError`.
 */
export async function runWithRetry<T>(
  attempt: (n: number, remainingMs: number) => Promise<T>,
  options: RunWithRetryOptions,
): Promise<T> {
  const { policy, deadline, signal } = options;
  const sleep = options.sleep ?? realSleep;
  const maxAttempts = policy?.maxAttempts ?? 1;
  let lastError: unknown;
  for (let n = 0; ; n++) {
    throwIfAborted(signal);
    const remaining = deadline.remainingMs();
    if (remaining <= 0) throw options.onDeadline(lastError);
    try {
      return await attempt(n, remaining);
    } catch (error) {
      lastError = error;
      if (policy === undefined || n + 1 >= maxAttempts || !options.retryable(error)) throw error;
      await sleep(Math.min(policy.delayMs(n), deadline.remainingMs()), signal);
      throwIfAborted(signal);
    }
  }
}
