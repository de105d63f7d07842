import { OverloadedError } from "../errors.ts";

/** A count of work in flight with a hard cap: no queue, so excess is refused at once. */
export interface Limiter {
  readonly inFlight: number;
  readonly max: number;
  /** Takes a slot or throws `OverloadedError`. Every successful acquire needs one `release()`. */
  acquire(): void;
  release(): void;
}

export function createLimiter(max: number, scope: OverloadedError["limit"]): Limiter {
  let inFlight = 0;
  return {
    get inFlight() {
      return inFlight;
    },
    max,
    acquire() {
      if (inFlight >= max) throw new OverloadedError(scope, max);
      inFlight++;
    },
    release() {
      inFlight--;
    },
  };
}

/** Takes a route slot, then a gateway slot; gives the route slot back if the gateway is full. */
export function acquireBoth(route: Limiter, gateway: Limiter): void {
  route.acquire();
  try {
    gateway.acquire();
  } catch (err) {
    route.release();
    throw err;
  }
}

export function releaseBoth(route: Limiter, gateway: Limiter): void {
  gateway.release();
  route.release();
}
