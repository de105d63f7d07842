/**
 * How a delay is randomised so that callers failed together do not come back together: `full` draws
 * from [0, delay], `equal` from [delay/2, delay], `none` keeps it.
 */
export type Jitter = "none" | "full" | "equal";

export interface BackoffOptions {
  /** The delay before the first retry; it doubles after each further failure. */
  readonly baseMs: number;
  /** Upper bound of any one delay (before jitter); default none. */
  readonly maxMs?: number | undefined;
  /** Default `none`. */
  readonly jitter?: Jitter | undefined;
  readonly random?: (() => number) | undefined;
}

/** `ms` with `jitter` applied. */
export function withJitter(ms: number, jitter: Jitter = "none", random: () => number = Math.random): number {
  if (jitter === "full") return random() * ms;
  if (jitter === "equal") return ms / 2 + random() * (ms / 2);
  return ms;
}

/**
 * Exponential backoff, the one formula of Junction: the delay before retry `attempt` (0 = the first
 * retry) is min(maxMs, baseMs · 2^attempt), with `jitter`.
 */
export function backoff(attempt: number, options: BackoffOptions): number {
  // 2^attempt overflows to Infinity for large attempts; min() keeps that harmless.
  const ms = Math.min(options.maxMs ?? Number.POSITIVE_INFINITY, options.baseMs * 2 ** Math.max(0, attempt));
  return withJitter(ms, options.jitter, options.random);
}
