import { createInbox, type Msg } from "@nats-io/nats-core";
import type { ClientContext } from "../client/context.ts";
import { type OutgoingOptions, prepareOutgoing } from "../client/outgoing.ts";
import { serviceErrorOf } from "../client/service-error.ts";
import { CancelledError, NoRespondersError, RequestTimeoutError } from "../errors/index.ts";
import type { MessageIdentity } from "../identity/index.ts";
import { checkNumber } from "../resilience/errors.ts";
import { StreamInactiveError } from "./errors.ts";
import { isNoResponders, isTerminator } from "./protocol.ts";

export interface RequestStreamOptions extends OutgoingOptions {
  /** Longest silence between two chunks before `StreamInactiveError` (an `ERR_TIMEOUT`). Default 30 s. */
  readonly inactivityMs?: number;
  /** Cap on the whole stream, however lively, before `RequestTimeoutError`. Default 5 min. */
  readonly deadlineMs?: number;
  /** Aborting ends the stream with `CancelledError` and drops interest (the responder sees it). */
  readonly signal?: AbortSignal;
}

/** The decoded chunks of a streamed reply. Leaving the loop early cancels the stream. */
export interface ReplyStream<T> extends AsyncIterable<T> {
  /** The request's identity: chunks carry its correlation id, and its id as causation id. */
  readonly identity: MessageIdentity;
}

/**
 * Sends a request and yields its streamed reply (docs/protocol.md, "Streamed replies"). Nothing is sent
 * until iteration starts; a payload the codec refuses throws `CodecError` here, at once.
 *
 * Built on its own inbox subscription rather than nats.js `requestMany`: its `stall` strategy has no
 * overall cap and `sentinel` hands the terminator to the caller.
 */
export function requestStream<T = unknown>(
  ctx: ClientContext,
  subject: string,
  data?: unknown,
  options: RequestStreamOptions = {},
): ReplyStream<T> {
  const inactivityMs = options.inactivityMs ?? 30_000;
  const deadlineMs = options.deadlineMs ?? 300_000;
  checkNumber("inactivityMs", inactivityMs, 1);
  checkNumber("deadlineMs", deadlineMs, 1);
  const out = prepareOutgoing(ctx, data, options);
  const codec = options.codec ?? ctx.codec;
  const { signal } = options;

  async function* chunks(): AsyncGenerator<T, void, undefined> {
    if (signal?.aborted) throw new CancelledError("cancelled", { cause: signal.reason });
    const pending: Msg[] = [];
    let head = 0;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const fail = (err: Error) => {
      failure ??= err;
      notify();
    };
    const inactivity = setTimeout(() => fail(new StreamInactiveError(subject, inactivityMs)), inactivityMs);
    const deadline = setTimeout(() => fail(new RequestTimeoutError(subject, deadlineMs)), deadlineMs);
    const onAbort = () => fail(new CancelledError("cancelled", { cause: signal?.reason }));
    signal?.addEventListener("abort", onAbort, { once: true });

    let done = false;
    const sub = ctx.nc.subscribe(createInbox(), {
      callback: (err, msg) => {
        if (err) return fail(err);
        inactivity.refresh();
        pending.push(msg);
        notify();
      },
    });
    // The connection closing under us (not our own unsubscribe) ends the stream at once.
    void sub.closed.then((err) => {
      if (!done) fail(new CancelledError("the connection closed before the stream ended", { cause: err }));
    });

    const observation = ctx.telemetry.startSend({
      operation: "stream",
      subject,
      identity: out.identity,
      headers: out.headers,
    });
    let outcome: unknown;
    try {
      observation.run(() =>
        ctx.nc.publish(subject, out.payload, { reply: sub.getSubject(), headers: out.headers }),
      );
      for (;;) {
        if (failure !== undefined) throw failure;
        const msg = pending[head];
        if (msg === undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          continue;
        }
        // Drop consumed messages in batches so a long stream does not keep them all alive.
        head++;
        if (head === 256) {
          pending.splice(0, head);
          head = 0;
        }
        if (isTerminator(msg)) return;
        if (isNoResponders(msg)) throw new NoRespondersError(subject);
        const serviceError = serviceErrorOf(msg);
        if (serviceError !== undefined) throw serviceError;
        yield codec.decode(msg.data) as T;
      }
    } catch (err) {
      outcome = err;
      throw err;
    } finally {
      done = true;
      clearTimeout(inactivity);
      clearTimeout(deadline);
      signal?.removeEventListener("abort", onAbort);
      // Unsubscribing is the cancellation signal: the responder's next chunk finds no interest.
      if (!sub.isClosed()) sub.unsubscribe();
      observation.end(outcome);
    }
  }

  return Object.assign(chunks(), { identity: out.identity });
}
