import {
  ClosedConnectionError,
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from "@nats-io/nats-core";
import { NoRespondersError, RequestTimeoutError } from "../errors/index.ts";
import { cancelled } from "../resilience/deadline.ts";

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

/** A reply subject waited on, for a message that names it some other way (a header). */
export interface ExpectedReply {
  /** The subject to name as the reply-to. */
  readonly inbox: string;
  /** The first message on it; a `RequestTimeoutError` after `waitMs`. */
  readonly reply: Promise<Msg>;
  /** Stops waiting (the reply, if it comes, is dropped). */
  cancel(): void;
}

/** Replies of all of a client's requests, matched by token. */
export interface ReplyMux {
  request(req: ReplyRequest): Promise<Msg>;
  /** A reply subject under the same wildcard subscription, for `subject`'s reply named elsewhere. */
  expect(subject: string, waitMs: number): ExpectedReply;
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

  /** Registers a token; answers its reply subject. */
  const register = (
    subject: string,
    waitMs: number,
    reportMs: number,
    signal: AbortSignal | undefined,
    resolve: (msg: Msg) => void,
    reject: (err: unknown) => void,
  ): string => {
    if (sub === undefined) subscribe();
    const token = (next++).toString(36);
    const timer = setTimeout(() => settle(token)?.reject(new RequestTimeoutError(subject, reportMs)), waitMs);
    const onAbort = () => settle(token)?.reject(cancelled(signal as AbortSignal));
    waiting.set(token, { subject, timer, signal, onAbort, resolve, reject });
    signal?.addEventListener("abort", onAbort, { once: true });
    return token;
  };

  return {
    request(req) {
      return new Promise<Msg>((resolve, reject) => {
        if (req.signal?.aborted) return reject(cancelled(req.signal));
        const token = register(req.subject, req.waitMs, req.reportMs, req.signal, resolve, reject);
        try {
          nc.publish(req.subject, req.payload, { reply: `${prefix}${token}`, headers: req.headers });
        } catch (err) {
          settle(token);
          reject(err);
        }
      });
    },
    expect(subject, waitMs) {
      let token = "";
      const reply = new Promise<Msg>((resolve, reject) => {
        token = register(subject, waitMs, waitMs, undefined, resolve, reject);
      });
      return { inbox: `${prefix}${token}`, reply, cancel: () => void settle(token) };
    },
  };
}
