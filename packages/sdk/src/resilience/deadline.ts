import { CancelledError } from "../errors/index.ts";
import { type Clock, systemClock } from "./clock.ts";

/** One overall time budget, shared by every attempt of an operation. */
export interface Deadline {
  /** The budget it was created with. */
  readonly timeoutMs: number;
  /** Time left, never negative. */
  remainingMs(): number;
  expired(): boolean;
}

export function deadline(timeoutMs: number, clock: Clock = systemClock): Deadline {
  const end = clock.now() + timeoutMs;
  const remainingMs = () => Math.max(0, end - clock.now());
  return { timeoutMs, remainingMs, expired: () => remainingMs() <= 0 };
}

/** The `CancelledError` for an aborted signal, keeping its reason as `cause`. */
export function cancelled(signal: AbortSignal): CancelledError {
  return new CancelledError("cancelled", { cause: signal.reason });
}

/** Throws `CancelledError` if `signal` has already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled(signal);
}
