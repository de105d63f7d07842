import { type BreakerOptions, type BreakerState, CircuitBreaker } from "./breaker.ts";
import type { Clock } from "./clock.ts";

export interface BreakerRegistryOptions {
  readonly clock?: Clock;
  /** Called on every state change of any breaker (telemetry). */
  readonly onStateChange?: (subject: string, state: BreakerState) => void;
  /** Bound on remembered subjects; default 10 000. */
  readonly maxBreakers?: number;
}

/**
 * One circuit breaker per subject, owned by a client. Request subjects can be high-cardinality
 * (`agent.<id>.cmd`), so the map is bounded: when full, breakers that hold no state (closed, no failures)
 * are forgotten first, then the oldest.
 */
export class BreakerRegistry {
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #options: BreakerRegistryOptions;
  readonly #max: number;

  constructor(options: BreakerRegistryOptions = {}) {
    this.#options = options;
    this.#max = options.maxBreakers ?? 10_000;
  }

  /** The breaker for `subject`, created on first use; `options` (if given) apply from now on. */
  get(subject: string, options?: Partial<BreakerOptions>): CircuitBreaker {
    let breaker = this.#breakers.get(subject);
    if (breaker === undefined) {
      if (this.#breakers.size >= this.#max) this.#evict();
      const { clock, onStateChange } = this.#options;
      breaker = new CircuitBreaker(subject, options, {
        ...(clock === undefined ? {} : { clock }),
        ...(onStateChange === undefined ? {} : { onStateChange: (s) => onStateChange(subject, s) }),
      });
      this.#breakers.set(subject, breaker);
    } else if (options !== undefined) {
      breaker.configure(options);
    }
    return breaker;
  }

  /** The breaker for `subject` if one exists. */
  peek(subject: string): CircuitBreaker | undefined {
    return this.#breakers.get(subject);
  }

  get size(): number {
    return this.#breakers.size;
  }

  #evict(): void {
    for (const [subject, b] of this.#breakers) {
      if (b.state === "closed" && b.failures === 0) this.#breakers.delete(subject);
    }
    if (this.#breakers.size < this.#max) return;
    const oldest = this.#breakers.keys().next();
    if (!oldest.done) this.#breakers.delete(oldest.value);
  }
}
