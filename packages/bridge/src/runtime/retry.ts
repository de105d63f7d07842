import { withJitter } from "@junction/sdk/resilience";

/**
 * Delay before retry number `attempt` (1 = the first retry): the schedule's entry for it (the last
 * one repeats), with "equal jitter" (between half and all of it) so that messages failed together do
 * not come back together.
 */
export function retryDelay(
  backoffMs: readonly number[],
  attempt: number,
  random: () => number = Math.random,
): number {
  const index = Math.min(Math.max(1, attempt), backoffMs.length) - 1;
  return Math.round(withJitter(backoffMs[index] ?? 0, "equal", random));
}
