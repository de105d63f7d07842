import type { EventInvokeConfig } from "./event-invoke-config.ts";
import type { Completion, Job } from "./function-runner.ts";

/** AWS waits about a minute before the second attempt of a failed asynchronous invocation, two before the third. */
const RETRY_DELAYS_MS = [60_000, 120_000] as const;
/** AWS's defaults when no event invoke config says otherwise. */
const DEFAULT_RETRIES = 2;
const DEFAULT_MAX_AGE_SECONDS = 21_600;

/** What Lambda sends to an asynchronous invocation's destination (AWS's "invocation record"). */
export interface InvocationRecord {
  readonly version: "1.0";
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: "Success" | "RetriesExhausted" | "EventAgeExceeded";
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext: {
    readonly statusCode: 200;
    readonly executedVersion: "$LATEST";
    readonly functionError?: "Unhandled";
  };
  readonly responsePayload: unknown;
}

/** The message attributes AWS puts on an event it sends to a function's dead-letter queue. */
export interface DeadLetterAttributes {
  readonly RequestID: string;
  /** The Invoke response's 3-digit status. */
  readonly ErrorCode: string;
  /** The first 1 KB of the error message. */
  readonly ErrorMessage: string;
}

export interface AsyncInvocationDeps {
  /** Queues one attempt; throws at once when it cannot be queued (429, closed). */
  run(name: string, job: Job): Promise<Completion>;
  /** True while the function's reserved concurrency is 0: events wait until it is raised. */
  throttled(name: string): boolean;
  config(name: string): EventInvokeConfig | undefined;
  deadLetterTarget(name: string): string | undefined;
  functionArn(name: string): string;
  /** Sends an invocation record to a destination ARN (SQS, Lambda or EventBridge). */
  send?: ((destinationArn: string, record: InvocationRecord) => Promise<void>) | undefined;
  /** Sends a failed event to the function's dead-letter queue. */
  sendDeadLetter?:
    | ((queueArn: string, event: string, attributes: DeadLetterAttributes) => Promise<void>)
    | undefined;
  /** How fast the retry delays and event ages run: 1 is AWS's; tests lower it. */
  readonly timeScale: number;
}

interface PendingEvent {
  readonly name: string;
  readonly job: Job;
  readonly acceptedAt: number;
  attempts: number;
}

/**
 * `InvocationType: Event` as AWS runs it: a failed attempt (error, crash, timeout) is tried again after
 * about 1 and then 2 minutes, up to the function's MaximumRetryAttempts (default 2), unless the event
 * would be older than MaximumEventAgeInSeconds (default 6 hours) by then; the invocation record goes to
 * the OnSuccess or OnFailure destination, and a failed event to the function's dead-letter queue too.
 * What the function returns is otherwise dropped.
 */
export class AsyncInvocations {
  readonly #deps: AsyncInvocationDeps;
  readonly #held = new Map<string, PendingEvent[]>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(deps: AsyncInvocationDeps) {
    this.#deps = deps;
  }

  /** The first attempt's refusal (429, closed) throws to the caller, as Invoke answers it. */
  accept(name: string, job: Job): void {
    this.#attempt({ name, job, acceptedAt: Date.now(), attempts: 0 });
  }

  /** The function's reserved concurrency was raised from 0: the events it held run now. */
  release(name: string): void {
    const waiting = this.#held.get(name) ?? [];
    this.#held.delete(name);
    for (const event of waiting) this.#retry(event);
  }

  /** Pending retries and held events are dropped. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#held.clear();
  }

  #attempt(event: PendingEvent): void {
    if (this.#deps.throttled(event.name)) {
      this.#held.set(event.name, [...(this.#held.get(event.name) ?? []), event]);
      return;
    }
    const done = this.#deps.run(event.name, event.job);
    event.attempts++;
    done.then(
      (completion) => this.#settle(event, completion),
      () => {}, // closed: dropped
    );
  }

  #retry(event: PendingEvent): void {
    try {
      this.#attempt(event);
    } catch {
      // Closed or full: the event is dropped, as AWS drops events it cannot deliver.
    }
  }

  #settle(event: PendingEvent, completion: Completion): void {
    const config = this.#deps.config(event.name);
    if (completion.ok) {
      this.#send(config?.onSuccess, event, "Success", completion);
      return;
    }
    if (event.attempts > (config?.maximumRetryAttempts ?? DEFAULT_RETRIES)) {
      this.#fail(config, event, "RetriesExhausted", completion);
      return;
    }
    const scale = this.#deps.timeScale;
    const delay = (RETRY_DELAYS_MS[event.attempts - 1] ?? RETRY_DELAYS_MS[1]) * scale;
    const maxAge = (config?.maximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000 * scale;
    const ageLeft = event.acceptedAt + maxAge - Date.now();
    if (ageLeft < delay)
      this.#later(ageLeft, () => this.#fail(config, event, "EventAgeExceeded", completion));
    else this.#later(delay, () => this.#retry(event));
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        fn();
      },
      Math.max(0, ms),
    );
    this.#timers.add(timer);
  }

  #fail(
    config: EventInvokeConfig | undefined,
    event: PendingEvent,
    condition: "RetriesExhausted" | "EventAgeExceeded",
    completion: Completion,
  ): void {
    this.#send(config?.onFailure, event, condition, completion);
    const queue = this.#deps.deadLetterTarget(event.name);
    const send = this.#deps.sendDeadLetter;
    if (queue === undefined || send === undefined) return;
    const error = jsonOrText(completion.body) as { errorMessage?: unknown } | null;
    const message = String(error?.errorMessage ?? completion.body);
    send(queue, event.job.event, {
      RequestID: event.job.requestId,
      ErrorCode: "200",
      ErrorMessage: Buffer.from(message).subarray(0, 1024).toString("utf8"),
    }).catch(() => {});
  }

  #send(
    destination: string | undefined,
    event: PendingEvent,
    condition: InvocationRecord["requestContext"]["condition"],
    completion: Completion,
  ): void {
    const send = this.#deps.send;
    if (destination === undefined || send === undefined) return;
    const record: InvocationRecord = {
      version: "1.0",
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: event.job.requestId,
        functionArn: `${this.#deps.functionArn(event.name)}:$LATEST`,
        condition,
        approximateInvokeCount: event.attempts,
      },
      requestPayload: jsonOrText(event.job.event),
      responseContext: {
        statusCode: 200,
        executedVersion: "$LATEST",
        ...(completion.ok ? {} : { functionError: "Unhandled" as const }),
      },
      responsePayload: jsonOrText(completion.body),
    };
    // A record that cannot be sent is lost (AWS counts it in DestinationDeliveryFailures).
    send(destination, record).catch(() => {});
  }
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text === "" ? null : text;
  }
}
