import { TestkitTimeoutError } from "./errors.ts";

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `check` until it returns true. `check` may instead return a string describing what is still
 * missing; the last one ends up in the timeout error.
 */
export async function waitFor(
  what: string,
  check: () => Promise<true | string>,
  { timeoutMs = 10_000, intervalMs = 50 }: WaitForOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result === true) return;
    if (Date.now() >= deadline)
      throw new TestkitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}: ${result}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
