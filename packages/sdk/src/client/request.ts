import type { Msg } from "@nats-io/nats-core";
import type { Codec } from "../codecs/index.ts";
import { CodecError, NoRespondersError, RequestTimeoutError, ServiceError } from "../errors/index.ts";
import type { BreakerOptions, BreakerOutcome, CircuitBreaker } from "../resilience/breaker.ts";
import { deadline, throwIfAborted } from "../resilience/deadline.ts";
import { checkNumber } from "../resilience/errors.ts";
import { type RetryOptions, retryPolicy, runWithRetry } from "../resilience/retry.ts";
import type { ClientContext } from "./context.ts";
import { type ReceivedMessage, receivedMessage } from "./message.ts";
import { type Outgoing, type OutgoingOptions, prepareOutgoing } from "./outgoing.ts";
import { serviceErrorOf } from "./service-error.ts";

export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

export interface RequestRetryOptions extends Partial<RetryOptions> {
  /**
   * Cap on one attempt's wait; default: all the time left. Only a shorter cap leaves room to retry a
   * timed-out attempt (which needs an idempotency key) within the overall deadline.
   */
  readonly attemptTimeoutMs?: number;
}

export interface RequestOptions extends OutgoingOptions {
  /** One deadline for the whole call: every attempt and every backoff. Default 5000. */
  readonly timeoutMs?: number;
  /**
   * Retries with jittered backoff (default: 3 attempts, 50 ms base, 1 s cap). No-responders is always
   * retried; a timeout only with an `idempotencyKey`; a service or codec error never. `false`: one attempt.
   */
  readonly retry?: RequestRetryOptions | false;
  /** This subject's circuit breaker (default: opens after 5 failures, half-opens after 5 s); `false`: none. */
  readonly breaker?: Partial<BreakerOptions> | false;
  /** Aborting rejects with `CancelledError`, also during a backoff; the pending request is abandoned. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Request/reply with one overall deadline, safe retries and a per-subject circuit breaker. Every attempt
 * sends the same message (same id and identity headers), so a deduplicating responder sees one request.
 * Rejects only with the taxonomy of `errors.ts` (or a connection error from nats.js, unchanged).
 */
export async function request<T = unknown>(
  ctx: ClientContext,
  subject: string,
  data?: unknown,
  options: RequestOptions = {},
): Promise<ReceivedMessage<T>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  checkNumber("timeoutMs", timeoutMs, 1);
  const retry = options.retry === false ? undefined : options.retry;
  const policy = options.retry === false ? undefined : retryPolicy(retry);
  const attemptCap = retry?.attemptTimeoutMs;
  if (attemptCap !== undefined) checkNumber("retry.attemptTimeoutMs", attemptCap, 1);
  const breaker = options.breaker === false ? undefined : ctx.breakers.get(subject, options.breaker);
  const { signal } = options;
  throwIfAborted(signal);

  const out = prepareOutgoing(ctx, data, options);
  const codec = (options.codec ?? ctx.codec) as Codec<T>;
  const idempotent = options.idempotencyKey !== undefined;
  const observation = ctx.telemetry.startSend({
    operation: "request",
    subject,
    identity: out.identity,
    headers: out.headers,
  });
  try {
    const reply = await runWithRetry(
      (_n, remainingMs) => {
        const attemptMs = Math.max(1, Math.ceil(Math.min(remainingMs, attemptCap ?? remainingMs)));
        // A timeout that used up the rest of the deadline reports the whole budget.
        const reportMs = attemptMs < remainingMs ? attemptMs : timeoutMs;
        return attempt<T>(ctx, { subject, out, codec, attemptMs, reportMs, breaker, signal });
      },
      {
        policy,
        deadline: deadline(timeoutMs),
        signal,
        retryable: (e) => e instanceof NoRespondersError || (idempotent && e instanceof RequestTimeoutError),
        onDeadline: (last) =>
          new RequestTimeoutError(subject, timeoutMs, last === undefined ? undefined : { cause: last }),
      },
    );
    observation.end();
    return reply;
  } catch (err) {
    observation.end(err);
    throw err;
  }
}

interface Attempt<T> {
  readonly subject: string;
  readonly out: Outgoing;
  readonly codec: Codec<T>;
  readonly attemptMs: number;
  readonly reportMs: number;
  readonly breaker: CircuitBreaker | undefined;
  readonly signal: AbortSignal | undefined;
}

async function attempt<T>(ctx: ClientContext, a: Attempt<T>): Promise<ReceivedMessage<T>> {
  const permit = a.breaker?.acquire();
  let msg: Msg;
  try {
    msg = await ctx.replies.request({
      subject: a.subject,
      payload: a.out.payload,
      headers: a.out.headers,
      waitMs: a.attemptMs,
      reportMs: a.reportMs,
      signal: a.signal,
    });
  } catch (err) {
    permit?.settle(breakerOutcome(err));
    throw err;
  }
  const failure = serviceErrorOf(msg);
  // The responder answered: only a 5xx says it is unwell. A reply we cannot decode is our problem.
  permit?.settle(failure !== undefined && failure.serviceCode >= 500 ? "failure" : "success");
  if (failure !== undefined) throw failure;
  const reply = receivedMessage(msg, a.codec);
  reply.decode(); // decode now, so an undecodable reply rejects the call with ERR_CODEC
  return reply;
}

/** Whether an error says the responder is unhealthy (for the breaker). */
export function breakerOutcome(err: unknown): BreakerOutcome {
  if (err instanceof NoRespondersError || err instanceof RequestTimeoutError) return "failure";
  if (err instanceof ServiceError) return err.serviceCode >= 500 ? "failure" : "success";
  if (err instanceof CodecError) return "success";
  return "ignore";
}
