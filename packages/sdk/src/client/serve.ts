import type { Msg } from "@nats-io/nats-core";
import type { Codec } from "../codecs/index.ts";
import { CancelledError, CodecError, ServiceError } from "../errors/index.ts";
import { checkInteger } from "../resilience/errors.ts";
import { capturePlan, extractCaptures } from "../subjects/captures.ts";
import { parsePattern } from "../subjects/parse.ts";
import type { ClientContext, Stoppable } from "./context.ts";
import { type ReceivedMessage, receivedMessage } from "./message.ts";
import { createServiceContext, type ServiceContext, sendError } from "./service-context.ts";

/** Default queue group (the same one the bridge uses): instances of a service share the load. */
export const DEFAULT_QUEUE = "junction";

export interface ServeOptions {
  /** Queue group; default `"junction"`. `false`: no group, every instance gets every message (fan-out). */
  readonly queue?: string | false;
  /** Handlers running at once; default 64. */
  readonly concurrency?: number;
  /**
   * Messages waiting for a free handler; default 1024. When full, a request is answered at once with
   * service error 429 `overloaded`, and a plain publish (nobody to tell) is dropped and counted.
   */
  readonly maxQueued?: number;
  /** Decodes requests; default the client's codec. */
  readonly codec?: Codec<unknown>;
  /** Encodes replies (e.g. another protobuf schema); default `codec`, then the client's codec. */
  readonly replyCodec?: Codec<unknown>;
}

/**
 * Handles one message. Returning a value (without having replied) makes it the reply; throwing answers
 * with a service error: a `ServiceError` keeps its code, an undecodable request is 400, anything else 500.
 */
export type ServiceHandler<T = unknown> = (ctx: ServiceContext<T>) => unknown;

export interface Service extends Stoppable {
  readonly pattern: string;
  /** Messages whose handler has finished, successfully or not. */
  readonly processed: number;
  /** Handlers that threw. */
  readonly failed: number;
  /** Requests answered 429 because the queue was full. */
  readonly rejected: number;
  /** Plain publishes dropped because the queue was full. */
  readonly dropped: number;
  readonly inFlight: number;
  /** Stops taking messages, waits for in-flight and queued ones, resolves. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Serves `pattern` (`orders.{id}.get`) with bounded concurrency. A callback subscription feeds the
 * handlers, so one slow message never holds up the next (no head-of-line blocking as in `for await`).
 * Resolves once the server knows the subscription, so a request sent next finds a responder.
 */
export async function serve<T = unknown>(
  ctx: ClientContext,
  pattern: string,
  handler: ServiceHandler<T>,
  options: ServeOptions = {},
): Promise<Service> {
  const compiled = parsePattern(pattern);
  const plan = capturePlan(compiled);
  const concurrency = options.concurrency ?? 64;
  const maxQueued = options.maxQueued ?? 1024;
  checkInteger("concurrency", concurrency, 1);
  checkInteger("maxQueued", maxQueued, 0);
  const queue = options.queue === undefined ? DEFAULT_QUEUE : options.queue;
  const codec = (options.codec ?? ctx.codec) as Codec<T>;
  const replyCodec = options.replyCodec ?? options.codec ?? ctx.codec;

  const abort = new AbortController();
  const backlog: Msg[] = [];
  let inFlight = 0;
  let processed = 0;
  let failed = 0;
  let rejected = 0;
  let dropped = 0;
  let onIdle: (() => void) | undefined;
  let stopping: Promise<void> | undefined;

  const accept = (msg: Msg) => {
    if (inFlight < concurrency) start(msg);
    else if (backlog.length < maxQueued) backlog.push(msg);
    else if (msg.reply) {
      rejected++;
      try {
        sendError(ctx, msg, receivedMessage(msg, codec).identity, 429, "overloaded");
      } catch {
        // The connection is closing: the caller will time out instead.
      }
    } else dropped++;
  };

  const start = (msg: Msg) => {
    inFlight++;
    // `handle` answers every handler failure itself; this only catches a throwing telemetry hook.
    void handle(msg)
      .catch(() => {
        failed++;
      })
      .finally(() => {
        inFlight--;
        processed++;
        const next = backlog.shift();
        if (next !== undefined) start(next);
        else if (inFlight === 0) onIdle?.();
      });
  };

  const handle = async (msg: Msg) => {
    const message = receivedMessage<T>(msg, codec);
    const observation = ctx.telemetry.startProcess({
      operation: "serve",
      destination: pattern,
      subject: msg.subject,
      identity: message.identity,
      headers: msg.headers,
      group: queue === false ? undefined : queue,
    });
    const sc = createServiceContext(ctx, {
      msg,
      message,
      captures: extractCaptures(plan, msg.subject),
      signal: abort.signal,
      replyCodec,
    });
    try {
      const result = await observation.run(() => handler(sc));
      if (!sc.replied) sc.reply(result);
      observation.end();
    } catch (err) {
      failed++;
      observation.end(err);
      if (!sc.replied) {
        const [code, text] = errorReply(err, message);
        try {
          sc.respondError(code, text);
        } catch {
          // Nothing left to tell the caller through (connection closing); it will time out.
        }
      }
    }
  };

  const sub = ctx.nc.subscribe(compiled.natsSubject, {
    ...(queue === false ? {} : { queue }),
    // Subscription-level errors (e.g. permissions) carry no message to answer; nothing to do here.
    callback: (err, msg) => {
      if (err === null) accept(msg);
    },
  });

  const service: Service = {
    pattern,
    get processed() {
      return processed;
    },
    get failed() {
      return failed;
    },
    get rejected() {
      return rejected;
    },
    get dropped() {
      return dropped;
    },
    get inFlight() {
      return inFlight;
    },
    stop() {
      stopping ??= (async () => {
        abort.abort(new CancelledError("service stopping"));
        if (!ctx.nc.isClosed()) {
          try {
            await sub.drain(); // messages already received are still delivered to the callback
          } catch {
            // The connection is draining or closed: the subscription is going away anyway.
          }
        }
        if (inFlight > 0 || backlog.length > 0) await new Promise<void>((resolve) => (onIdle = resolve));
        ctx.running.delete(service);
      })();
      return stopping;
    },
  };
  ctx.running.add(service);
  try {
    await ctx.nc.flush();
  } catch (err) {
    await service.stop();
    throw err;
  }
  return service;
}

/** The service error a handler's exception becomes. */
function errorReply(err: unknown, message: ReceivedMessage<unknown>): [number, string] {
  if (err instanceof ServiceError) return [err.serviceCode, err.serviceMessage];
  const text = err instanceof Error ? err.message : String(err);
  if (err instanceof CodecError && !decodes(message)) return [400, text];
  return [500, text];
}

/** Whether the request payload itself decodes (a `CodecError` from elsewhere is the service's fault). */
function decodes(message: ReceivedMessage<unknown>): boolean {
  try {
    message.decode();
    return true;
  } catch {
    return false;
  }
}
