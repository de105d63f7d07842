import {
  ClosedConnectionError,
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from "@nats-io/nats-core";
import { cancelled } from "../resilience/deadline.ts";
import { NoRespondersError, RequestTimeoutError } from "./errors.ts";

/** One request waiting for its reply. */
interface Waiting {
  readonly subject: string;
  readonly timer: NodeJS.Timeout;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  readonly resolve: (msg: Msg) => void;
  readonly reject: (err: unknown) => void;
}

export interface ReplyRequest {
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly headers: MsgHdrs;
  /** How long to wait for the reply. */
  readonly waitMs: number;
  /** The timeout a `RequestTimeoutError` reports (the whole call's, when this wait used up its rest). */
  readonly reportMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** Replies of all of a client's requests, matched by token. */
export interface ReplyMux {
  request(req: ReplyRequest): Promise<Msg>;
}

/**
 * Request/reply over one wildcard inbox subscription (`_INBOX.<nuid>.*`), replies matched by token.
 * nats.js's own request builds several promises and an Error (with a captured stack, even on success)
 * per call, and cannot cancel a pending request. Here a request costs a map entry and a timer, a
 * cancelled one is forgotten at once, and failures are already Junction's typed errors.
 */
export function createReplyMux(nc: NatsConnection): ReplyMux {
  const waiting = new Map<string, Waiting>();
  let prefix = "";
  let sub: Subscription | undefined;
  let next = 0;

  const settle = (token: string): Waiting | undefined => {
    const w = waiting.get(token);
    if (w === undefined) return undefined;
    waiting.delete(token);
    clearTimeout(w.timer);
    w.signal?.removeEventListener("abort", w.onAbort);
    return w;
  };

  const subscribe = (): void => {
    prefix = `${createInbox()}.`;
    sub = nc.subscribe(`${prefix}*`, {
      callback: (_err, msg) => {
        const w = settle(msg.subject.slice(prefix.length));
        if (w === undefined) return; // late reply to a request that timed out or was cancelled
        // The server answers a request nobody listens to with an empty 503 status message.
        if (msg.data.length === 0 && msg.headers?.code === 503) w.reject(new NoRespondersError(w.subject));
        else w.resolve(msg);
      },
    });
    void sub.closed.then(() => {
      sub = undefined;
      for (const token of [...waiting.keys()]) settle(token)?.reject(new ClosedConnectionError());
    });
  };

  return {
    request(req) {
      return new Promise<Msg>((resolve, reject) => {
        if (req.signal?.aborted) return reject(cancelled(req.signal));
        if (sub === undefined) subscribe();
        const token = (next++).toString(36);
        const timer = setTimeout(
          () => settle(token)?.reject(new RequestTimeoutError(req.subject, req.reportMs)),
          req.waitMs,
        );
        const onAbort = () => settle(token)?.reject(cancelled(req.signal as AbortSignal));
        waiting.set(token, { subject: req.subject, timer, signal: req.signal, onAbort, resolve, reject });
        req.signal?.addEventListener("abort", onAbort, { once: true });
        try {
          nc.publish(req.subject, req.payload, { reply: `${prefix}${token}`, headers: req.headers });
        } catch (err) {
          settle(token);
          reject(err);
        }
      });
    },
  };
}
