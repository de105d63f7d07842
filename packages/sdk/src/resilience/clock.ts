/** Milliseconds on a monotonic clock. Injected so unit tests can move time by hand. */
export interface Clock {
  now(): number;
}

/** `performance.now()`: monotonic, so a wall-clock jump cannot stretch or cut a deadline. */
export const systemClock: Clock = { now: () => performance.now() };
