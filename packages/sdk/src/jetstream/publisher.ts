import { type ApiError, JetStreamApiError, type PubAck, PubHeaders } from "@nats-io/jetstream";
import { createInbox, type Msg, type MsgHdrs, type Subscription } from "@nats-io/nats-core";
import type { ClientContext } from "../client/context.ts";
import { type Outgoing, type OutgoingOptions, prepareOutgoing } from "../client/outgoing.ts";
import { RequestTimeoutError } from "../errors/index.ts";
import { JetStreamError, NoStreamError, toJetStreamError } from "../errors/jetstream.ts";
import type { MessageIdentity } from "../identity/index.ts";
import type { Observation } from "../telemetry/index.ts";

/** What the stream said about a published message. */
export interface PublishAck {
  readonly stream: string;
  /** Stream sequence; for a duplicate, the sequence of the message stored first. */
  readonly seq: number;
  /** The stream already had a message with this id (within its duplicate window): nothing was added. */
  readonly duplicate: boolean;
  readonly identity: MessageIdentity;
}

export interface JetStreamPublishOptions extends OutgoingOptions {
  /** How long to wait for the stream's ack; default the JetStream handle's (5 s). */
  readonly timeoutMs?: number;
  /** Optimistic concurrency: the stream rejects the message unless these hold. */
  readonly expect?: {
    readonly stream?: string;
    readonly lastSequence?: number;
    readonly lastSubjectSequence?: number;
    readonly lastMsgId?: string;
  };
}

interface Pending {
  readonly subject: string;
  readonly identity: MessageIdentity;
  readonly timeoutMs: number;
  readonly deadline: number;
  readonly observation: Observation;
  readonly resolve: (ack: PublishAck) => void;
  readonly reject: (err: Error) => void;
}

export interface AckPipeline {
  publish(subject: string, data?: unknown, options?: JetStreamPublishOptions): Promise<PublishAck>;
  /** Publishes a message already prepared (`prepareOutgoing`), for callers that need its bytes first. */
  publishPrepared(subject: string, out: Outgoing, timeoutMs?: number): Promise<PublishAck>;
  /** Resolves once no publish is waiting for its ack (new ones may still start). */
  idle(): Promise<void>;
}

/**
 * JetStream publish without a request per message. `js.publish()` is a core request: a promise, a
 * timer and a mux entry per message, and callers usually await each ack before sending the next.
 * Here every message is a plain publish whose reply subject is `<inbox>.<token>` under one wildcard
 * subscription; acks are matched by token, and one sweeper timer (running only while acks are
 * outstanding) fails the late ones. At most `window` acks are outstanding; further publishes wait for
 * a slot, so a fast producer cannot flood the server or this process.
 */
export function createAckPipeline(ctx: ClientContext, defaults: { timeoutMs: number; window: number }) {
  const pending = new Map<string, Pending>();
  const waiters: Array<() => void> = [];
  const idlers: Array<() => void> = [];
  let inflight = 0;
  let next = 0;
  let prefix = "";
  let sub: Subscription | undefined;
  let sweeper: ReturnType<typeof setInterval> | undefined;

  const release = () => {
    const waiter = waiters.shift();
    if (waiter) return waiter(); // hand the slot over: inflight stays the same
    inflight--;
    if (inflight === 0) for (const resolve of idlers.splice(0)) resolve();
  };
  const settle = (token: string, p: Pending, err: Error | undefined, ack?: PublishAck) => {
    pending.delete(token);
    release();
    p.observation.end(err);
    if (err) p.reject(err);
    else if (ack) p.resolve(ack);
  };
  const sweep = () => {
    const now = Date.now();
    for (const [token, p] of pending) {
      if (p.deadline <= now) settle(token, p, new RequestTimeoutError(p.subject, p.timeoutMs));
    }
    if (pending.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };
  const onAck = (msg: Msg) => {
    const token = msg.subject.slice(prefix.length + 1);
    const p = pending.get(token);
    if (!p) return; // timed out already
    const result = parseAck(msg, p.subject);
    if (result instanceof Error) settle(token, p, result);
    else settle(token, p, undefined, { ...result, identity: p.identity });
  };
  const subscribe = () => {
    prefix = createInbox();
    const s = ctx.nc.subscribe(`${prefix}.*`, { callback: (_err, msg) => onAck(msg) });
    sub = s;
    // Closed or drained connection: no ack can come any more.
    void s.closed.then(() => {
      if (sub === s) sub = undefined;
      for (const [token, p] of pending)
        settle(token, p, new JetStreamError("connection closed before the ack"));
    });
  };

  const send = (subject: string, out: Outgoing, timeoutMs: number) =>
    new Promise<PublishAck>((resolve, reject) => {
      const observation = ctx.telemetry.startSend({
        operation: "jetstream.publish",
        subject,
        identity: out.identity,
        headers: out.headers,
      });
      const token = (next++).toString(36);
      const deadline = Date.now() + timeoutMs;
      const p: Pending = {
        subject,
        identity: out.identity,
        timeoutMs,
        deadline,
        observation,
        resolve,
        reject,
      };
      pending.set(token, p);
      // One sweep every 50 ms walks at most `window` entries: cheaper than a timer per message.
      sweeper ??= setInterval(sweep, 50);
      try {
        if (!sub) subscribe();
        ctx.nc.publish(subject, out.payload, { headers: out.headers, reply: `${prefix}.${token}` });
      } catch (err) {
        settle(token, p, toJetStreamError(err, subject)); // closed connection, invalid subject …
      }
    });

  const publishPrepared = (subject: string, out: Outgoing, timeoutMs = defaults.timeoutMs) => {
    if (inflight < defaults.window) {
      inflight++;
      return send(subject, out, timeoutMs);
    }
    return new Promise<void>((resolve) => waiters.push(resolve)).then(() => send(subject, out, timeoutMs));
  };

  const publish = (subject: string, data?: unknown, options: JetStreamPublishOptions = {}) => {
    let out: Outgoing;
    try {
      out = prepareOutgoing(ctx, data, options);
      if (options.expect) writeExpect(out.headers, options.expect);
    } catch (err) {
      return Promise.reject(err);
    }
    return publishPrepared(subject, out, options.timeoutMs);
  };

  const idle = () =>
    inflight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idlers.push(resolve));

  return { publish, publishPrepared, idle } satisfies AckPipeline;
}

function writeExpect(h: MsgHdrs, expect: NonNullable<JetStreamPublishOptions["expect"]>): void {
  if (expect.stream !== undefined) h.set(PubHeaders.ExpectedStreamHdr, expect.stream);
  if (expect.lastSequence !== undefined) h.set(PubHeaders.ExpectedLastSeqHdr, `${expect.lastSequence}`);
  if (expect.lastSubjectSequence !== undefined) {
    h.set(PubHeaders.ExpectedLastSubjectSequenceHdr, `${expect.lastSubjectSequence}`);
  }
  if (expect.lastMsgId !== undefined) h.set(PubHeaders.ExpectedLastMsgIdHdr, expect.lastMsgId);
}

/** A PubAck, or the typed error it carries (503 status: no stream; `error` body: API error). */
function parseAck(msg: Msg, subject: string): { stream: string; seq: number; duplicate: boolean } | Error {
  const status = msg.headers?.code ?? 0;
  if (status === 503) return new NoStreamError(subject);
  if (msg.data.length === 0) {
    return new JetStreamError(`unexpected status ${status} for the ack of "${subject}"`, { status });
  }
  let body: Partial<PubAck> & { error?: ApiError };
  try {
    body = msg.json();
  } catch (err) {
    return new JetStreamError(`unreadable ack for "${subject}"`, {}, { cause: err });
  }
  if (body.error) return toJetStreamError(new JetStreamApiError(body.error), subject);
  if (!body.stream || typeof body.seq !== "number") {
    return new JetStreamError(`invalid ack for "${subject}"`);
  }
  return { stream: body.stream, seq: body.seq, duplicate: body.duplicate === true };
}
