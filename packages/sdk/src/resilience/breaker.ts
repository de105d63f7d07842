import { CircuitOpenError } from "../errors/index.ts";
import { type Clock, systemClock } from "./clock.ts";
import { checkInteger, checkNumber } from "./errors.ts";

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly threshold: number;
  /** How long the circuit stays open before one trial call may go through. */
  readonly resetMs: number;
}

export const defaultBreakerOptions: BreakerOptions = { threshold: 5, resetMs: 5000 };

/** How a call went, as far as the responder's health is concerned. */
export type BreakerOutcome = "success" | "failure" | "ignore";

/** Permission for one call; report its outcome exactly once (later reports are ignored). */
export interface BreakerPermit {
  settle(outcome: BreakerOutcome): void;
}

export interface CircuitBreakerDeps {
  readonly clock?: Clock;
  readonly onStateChange?: (state: BreakerState) => void;
}

/**
 * closed → open after `threshold` consecutive failures; open → half-open once `resetMs` has passed
 * (checked lazily on the next call, so an idle breaker needs no timer); half-open lets exactly one trial
 * call through: its success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  readonly subject: string;
  #options: BreakerOptions;
  readonly #clock: Clock;
  readonly #onStateChange: ((state: BreakerState) => void) | undefined;
  #state: BreakerState = "closed";
  #failures = 0;
  #openedAt = 0;
  #trialInFlight = false;
  /** Bumped on every transition, so a call that started under an older state cannot move this one. */
  #generation = 0;

  constructor(subject: string, options: Partial<BreakerOptions> = {}, deps: CircuitBreakerDeps = {}) {
    this.subject = subject;
    this.#options = checkedOptions(options);
    this.#clock = deps.clock ?? systemClock;
    this.#onStateChange = deps.onStateChange;
  }

  /** The current state; an open circuit whose reset time has passed reads as half-open. */
  get state(): BreakerState {
    return this.#state === "open" && this.#resetDue() ? "half-open" : this.#state;
  }

  /** Consecutive failures counted while closed. */
  get failures(): number {
    return this.#failures;
  }

  /** Changes threshold and reset time from now on. */
  configure(options: Partial<BreakerOptions>): void {
    this.#options = checkedOptions(options);
  }

  /** A permit for one call, or `CircuitOpenError` when the call must not be sent. */
  acquire(): BreakerPermit {
    if (this.#state === "open") {
      if (!this.#resetDue()) {
        const retryAfter = Math.max(0, this.#openedAt + this.#options.resetMs - this.#clock.now());
        throw new CircuitOpenError(this.subject, Math.ceil(retryAfter));
      }
      this.#transition("half-open");
    }
    if (this.#state === "half-open") {
      // One trial at a time: the others fail fast until it has told us whether the responder is back.
      if (this.#trialInFlight) throw new CircuitOpenError(this.subject, 0);
      this.#trialInFlight = true;
      return this.#permit(true);
    }
    return this.#permit(false);
  }

  #permit(trial: boolean): BreakerPermit {
    const generation = this.#generation;
    let settled = false;
    return {
      settle: (outcome) => {
        if (settled) return;
        settled = true;
        if (generation !== this.#generation) return;
        if (trial) this.#trialInFlight = false;
        if (outcome === "success") this.#success();
        else if (outcome === "failure") this.#failure();
      },
    };
  }

  #success(): void {
    this.#failures = 0;
    if (this.#state === "half-open") this.#transition("closed");
  }

  #failure(): void {
    if (this.#state === "half-open" || ++this.#failures >= this.#options.threshold) this.#open();
  }

  #open(): void {
    this.#openedAt = this.#clock.now();
    this.#failures = 0;
    this.#transition("open");
  }

  #resetDue(): boolean {
    return this.#clock.now() - this.#openedAt >= this.#options.resetMs;
  }

  #transition(state: BreakerState): void {
    this.#state = state;
    this.#generation++;
    this.#trialInFlight = false;
    this.#onStateChange?.(state);
  }
}

function checkedOptions(options: Partial<BreakerOptions>): BreakerOptions {
  const merged = { ...defaultBreakerOptions, ...options };
  checkInteger("breaker.threshold", merged.threshold, 1);
  checkNumber("breaker.resetMs", merged.resetMs, 0);
  return merged;
}
