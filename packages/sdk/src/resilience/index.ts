export { type BackoffOptions, backoff, type Jitter, withJitter } from "./backoff.ts";
export {
  type BreakerOptions,
  type BreakerOutcome,
  type BreakerPermit,
  type BreakerState,
  CircuitBreaker,
  type CircuitBreakerDeps,
  defaultBreakerOptions,
} from "./breaker.ts";
export { type Clock, systemClock } from "./clock.ts";
export { type Deadline, deadline } from "./deadline.ts";
export { InvalidOptionError } from "./errors.ts";
export { BreakerRegistry, type BreakerRegistryOptions } from "./registry.ts";
export {
  defaultRetryOptions,
  type RetryOptions,
  type RetryPolicy,
  type RunWithRetryOptions,
  retryPolicy,
  runWithRetry,
} from "./retry.ts";
export { type Sleep, sleep } from "./sleep.ts";
