export interface PollOptions {
  deadline: number;
  intervalMs: number;
  /** Called before every attempt; throw from it to stop polling early. */
  guard?: () => void;
}

/** Calls `attempt` until it returns a value other than `undefined`; `undefined` after the deadline. */
export async function poll<T>(
  attempt: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<T | undefined> {
  for (;;) {
    options.guard?.();
    const value = await attempt();
    if (value !== undefined) return value;
    const remaining = options.deadline - Date.now();
    if (remaining <= 0) return undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs, remaining)));
  }
}
