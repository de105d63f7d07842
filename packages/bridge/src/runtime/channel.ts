import { CircuitOpenError } from "@junction/sdk";
import { type BreakerOptions, type BreakerState, CircuitBreaker } from "@junction/sdk/resilience";
import type { RoutePolicy } from "../routes/policy.ts";
import {
  DeliveryError,
  DeliveryErrorCode,
  type DeliveryOutcome,
  type TargetSender,
} from "../targets/delivery.ts";
import type { TargetRequest } from "../targets/types.ts";
import { type Batcher, createBatcher } from "./batcher.ts";
import type { BridgeMetrics } from "./metrics.ts";

/** The target's breaker is open: nothing was sent. Not an attempt: the message waits, it is not retried. */
export class TargetPausedError extends DeliveryError {
  readonly retryAfterMs: number;
  constructor(target: string, retryAfterMs: number) {
    super(DeliveryErrorCode.Unavailable, `circuit open for target ${target}`);
    this.retryAfterMs = retryAfterMs;
  }
}

/** One target of one route: its batcher, its circuit breaker and its metrics. */
export interface TargetChannel {
  /** `<service>#<index>` (`reply` for a reply target): the `target` label and DLQ header. */
  readonly label: string;
  readonly breaker: CircuitBreaker;
  readonly onConditionFailed: "drop" | "dlq";
  deliver(request: TargetRequest): Promise<DeliveryOutcome>;
  idle(): Promise<void>;
}

export interface ChannelOptions {
  readonly route: string;
  readonly label: string;
  readonly sender: TargetSender;
  readonly policy: RoutePolicy;
  readonly metrics: BridgeMetrics;
  readonly breaker?: Partial<BreakerOptions>;
  readonly onConditionFailed?: "drop" | "dlq";
}

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, "half-open": 1, open: 2 };

export function createTargetChannel(options: ChannelOptions): TargetChannel {
  const { route, label, sender, metrics } = options;
  const labels = { route, target: label };
  const breaker = new CircuitBreaker(
    `${route}/${label}`,
    options.breaker ?? { threshold: 5, resetMs: 2000 },
    {
      onStateChange: (state) => metrics.breakerState.set(labels, STATE_VALUE[state]),
    },
  );
  metrics.breakerState.set(labels, 0);

  const flush = async (requests: readonly TargetRequest[]): Promise<DeliveryOutcome[]> => {
    let permit: ReturnType<CircuitBreaker["acquire"]>;
    try {
      permit = breaker.acquire();
    } catch (err) {
      if (!(err instanceof CircuitOpenError)) throw err;
      const error = new TargetPausedError(label, err.retryAfterMs);
      return requests.map(() => ({ ok: false, error }));
    }
    metrics.batchSize.observe(labels, requests.length);
    const end = metrics.latency.startTimer(labels);
    try {
      const outcomes = await sender.send(requests);
      // The target is down when nothing got through for want of it; a refusal means it is up.
      const down = outcomes.length > 0 && outcomes.every((o) => !o.ok && isOutage(o.error));
      permit.settle(down ? "failure" : "success");
      return outcomes;
    } catch (err) {
      permit.settle(err instanceof DeliveryError && !isOutage(err) ? "ignore" : "failure");
      throw err;
    } finally {
      end();
    }
  };

  const batcher: Batcher = createBatcher(
    { count: options.policy.batchCount, bytes: options.policy.batchBytes, lingerMs: options.policy.lingerMs },
    flush,
  );
  return {
    label,
    breaker,
    onConditionFailed: options.onConditionFailed ?? "dlq",
    deliver: (request) => batcher.add(request),
    idle: () => batcher.idle(),
  };
}

function isOutage(error: DeliveryError): boolean {
  return error.code === DeliveryErrorCode.Unavailable;
}
