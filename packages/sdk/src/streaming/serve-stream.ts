import { createInbox, type Msg } from "@nats-io/nats-core";
import type { ClientContext, Stoppable } from "../client/context.ts";
import { type ReceivedMessage, receivedMessage } from "../client/message.ts";
import { DEFAULT_QUEUE } from "../client/serve.ts";
import type { Codec } from "../codecs/index.ts";
import { CancelledError, ServiceError } from "../errors/index.ts";
import type { MessageIdentity } from "../identity/index.ts";
import { checkInteger } from "../resilience/errors.ts";
import { matchPattern, parsePattern } from "../subjects/index.ts";
import { isNoResponders } from "./protocol.ts";
import { createStreamWriter, type StreamWriter, type StreamWriterControl } from "./writer.ts";

export interface ServeStreamOptions {
  /** Queue group, as `serve()`: default `"junction"`; `false`: none (every instance would answer). */
  readonly queue?: string | false;
  /** Streams handled at once. Default 64. */
  readonly concurrency?: number;
  /** Requests waiting for a free handler; beyond this they are answered 429 at once. Default 1024. */
  readonly maxQueued?: number;
  /** Codec of requests and chunks; default the client's (JSON). */
  readonly codec?: Codec<unknown>;
  /**
   * Send chunks with a reply subject so the server reports (503) when the caller stopped listening;
   * `write()` then returns false and `signal` aborts. Default true.
   */
  readonly probeInterest?: boolean;
  /**
   * How long `stop()` (and so `drain()`) lets streams in progress finish; then they are ended with a
   * 503 service error and their signal aborts. Default 30 s.
   */
  readonly stopGraceMs?: number;
}

/** What a stream handler gets: the request and a writer for its reply. */
export interface StreamContext<T = unknown, C = unknown> {
  readonly subject: string;
  /** The decoded request payload. */
  readonly data: T;
  readonly identity: MessageIdentity;
  /** `{name}` captures of the served pattern. */
  readonly captures: Readonly<Record<string, string>>;
  readonly message: ReceivedMessage<T>;
  readonly writer: StreamWriter<C>;
  /** Aborts when the caller goes away; stop producing then. */
  readonly signal: AbortSignal;
}

export type StreamHandler<T = unknown, C = unknown> = (ctx: StreamContext<T, C>) => void | Promise<void>;

export interface StreamService extends Stoppable {
  /** The pattern served. */
  readonly pattern: string;
  /** Streams in progress now. */
  readonly inFlight: number;
}

/**
 * Answers requests on `pattern` with streamed replies: the handler writes chunks, and the stream ends
 * with the terminator when it returns; a thrown error is sent as a service error (500, or the
 * `ServiceError`'s code) before the terminator. Resolves once the subscription is registered.
 */
export async function serveStream<T = unknown, C = unknown>(
  ctx: ClientContext,
  pattern: string,
  handler: StreamHandler<T, C>,
  options: ServeStreamOptions = {},
): Promise<StreamService> {
  const compiled = parsePattern(pattern);
  const queue = options.queue === undefined ? DEFAULT_QUEUE : options.queue;
  const concurrency = options.concurrency ?? 64;
  const maxQueued = options.maxQueued ?? 1024;
  checkInteger("concurrency", concurrency, 1);
  checkInteger("maxQueued", maxQueued, 0);
  const stopGraceMs = options.stopGraceMs ?? 30_000;
  checkInteger("stopGraceMs", stopGraceMs, 0);
  const codec = options.codec ?? ctx.codec;
  const { nc, telemetry } = ctx;

  const streams = new Map<number, { writer: StreamWriterControl<C>; controller: AbortController }>();
  const waiting: Msg[] = [];
  let active = 0;
  let seq = 0;
  let idle: (() => void) | undefined;

  // One wildcard subscription hears every stream's interest probe; its last token names the stream.
  const probePrefix = options.probeInterest === false ? undefined : createInbox();
  const probes =
    probePrefix === undefined
      ? undefined
      : nc.subscribe(`${probePrefix}.*`, {
          callback: (_err, msg) => {
            if (!isNoResponders(msg)) return;
            streams.get(Number(msg.subject.slice(probePrefix.length + 1)))?.writer.gone();
          },
        });

  const run = async (msg: Msg, reply: string): Promise<void> => {
    const id = ++seq;
    const controller = new AbortController();
    const message = receivedMessage(msg, codec as Codec<T>);
    const writer = createStreamWriter<C>({
      nc,
      reply,
      request: message.identity,
      codec,
      probe: probePrefix === undefined ? undefined : `${probePrefix}.${id}`,
      onGone: () => controller.abort(writer.failure),
    });
    streams.set(id, { writer, controller });
    const observation = telemetry.startProcess({
      operation: "stream",
      destination: pattern,
      subject: msg.subject,
      identity: message.identity,
      headers: msg.headers,
      group: queue === false ? undefined : queue,
    });
    let outcome: unknown;
    let data: T;
    try {
      data = message.decode();
    } catch (err) {
      writer.error(400, err instanceof Error ? err.message : String(err));
      streams.delete(id);
      observation.end(err);
      return;
    }
    try {
      await observation.run(() =>
        handler({
          subject: msg.subject,
          data,
          identity: message.identity,
          captures: matchPattern(compiled, msg.subject) ?? {},
          message,
          writer,
          signal: controller.signal,
        }),
      );
      writer.end();
    } catch (err) {
      outcome = err;
      const [code, text] = errorReply(err);
      writer.error(code, text);
    } finally {
      streams.delete(id);
      observation.end(outcome ?? writer.failure);
    }
  };

  const start = (msg: Msg, reply: string) => {
    active++;
    void run(msg, reply).finally(() => {
      active--;
      const next = waiting.shift();
      if (next !== undefined) start(next, next.reply as string);
      else if (active === 0) idle?.();
    });
  };

  const sub = nc.subscribe(compiled.natsSubject, {
    ...(queue === false ? {} : { queue }),
    callback: (_err, msg) => {
      // Without a reply subject there is nowhere to stream to.
      if (!msg.reply) return;
      if (active < concurrency) start(msg, msg.reply);
      else if (waiting.length < maxQueued) waiting.push(msg);
      else refuse(ctx, msg, codec, 429, "overloaded: too many streams in progress");
    },
  });

  // True when every stream (queued ones included) finished within `ms`.
  const finishWithin = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      idle = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });

  let stopping: Promise<void> | undefined;
  const service: StreamService = {
    pattern,
    get inFlight() {
      return active;
    },
    stop() {
      stopping ??= (async () => {
        // Stop taking requests, then let the streams in progress (and those already queued) finish.
        if (!sub.isClosed()) await sub.drain().catch(() => {});
        if (active > 0 && !(await finishWithin(stopGraceMs))) {
          // Grace is over: end every stream still open so its caller is not left waiting.
          for (const msg of waiting.splice(0)) refuse(ctx, msg, codec, 503, "the service is stopping");
          for (const { writer, controller } of streams.values()) {
            writer.error(503, "the service is stopping");
            controller.abort(new CancelledError("the service is stopping"));
          }
        }
        if (probes !== undefined && !probes.isClosed()) probes.unsubscribe();
        ctx.running.delete(service);
      })();
      return stopping;
    },
  };
  ctx.running.add(service);
  try {
    await nc.flush();
  } catch (err) {
    await service.stop();
    throw err;
  }
  return service;
}

/** The service error a thrown error becomes: a `ServiceError` keeps its code, anything else is 500. */
function errorReply(err: unknown): [number, string] {
  if (err instanceof ServiceError) return [err.serviceCode, err.serviceMessage];
  return [500, err instanceof Error ? err.message : String(err)];
}

/** Ends a request's stream at once with a service error, so its caller backs off instead of timing out. */
function refuse(ctx: ClientContext, msg: Msg, codec: Codec<unknown>, code: number, message: string): void {
  const writer = createStreamWriter({
    nc: ctx.nc,
    reply: msg.reply as string,
    request: receivedMessage(msg, codec).identity,
    codec,
    probe: undefined,
    onGone: () => {},
  });
  writer.error(code, message);
}
