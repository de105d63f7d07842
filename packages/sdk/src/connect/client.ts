import type { NatsConnection, Status } from "@nats-io/nats-core";
import type { ClientContext } from "../client/context.ts";
import type { ReceivedMessage } from "../client/message.ts";
import type { OutgoingOptions } from "../client/outgoing.ts";
import { publish } from "../client/publish.ts";
import type { ExpectedReply } from "../client/reply-mux.ts";
import { createReplyMux } from "../client/reply-mux.ts";
import { type RequestOptions, request } from "../client/request.ts";
import { type ServeOptions, type Service, type ServiceHandler, serve } from "../client/serve.ts";
import { type Codec, jsonCodec } from "../codecs/index.ts";
import type { MessageIdentity } from "../identity/index.ts";
import { createJetStream, type JetStreamOptions, type JunctionJetStream } from "../jetstream/index.ts";
import { type KvBucket, type KvBucketOptions, openKv } from "../kv/index.ts";
import { BreakerRegistry } from "../resilience/registry.ts";
import {
  type ReplyStream,
  type RequestStreamOptions,
  requestStream,
  type ServeStreamOptions,
  type StreamHandler,
  type StreamService,
  serveStream,
} from "../streaming/index.ts";
import { noopTelemetry, type Telemetry } from "../telemetry/index.ts";
import { connectFailure } from "./errors.ts";
import { type ConnectOptions, natsOptions } from "./options.ts";
import { connectNats } from "./transport.ts";

export interface ClientOptions extends ConnectOptions {
  /** Default payload codec (JSON). */
  readonly codec?: Codec<unknown>;
  /** Tracing and metrics; default none. See `createTelemetry()`. */
  readonly telemetry?: Telemetry;
}

// The facade sits here, above client/, jetstream/, kv/ and streaming/, because it composes them all:
// those folders build on client/'s primitives and never import the facade back.
/** A NATS connection that speaks Junction's wire protocol (docs/protocol.md). */
export interface JunctionClient extends AsyncDisposable {
  /** The nats.js connection underneath, for anything not wrapped here. */
  readonly nc: NatsConnection;
  /** Core publish (at most once). Returns the identity it sent. */
  publish(subject: string, data?: unknown, options?: OutgoingOptions): MessageIdentity;
  /** Request/reply with one deadline, safe retries and a per-subject circuit breaker. */
  request<T = unknown>(
    subject: string,
    data?: unknown,
    options?: RequestOptions,
  ): Promise<ReceivedMessage<T>>;
  /** Serves `pattern` (captures allowed) in a queue group, with bounded concurrency. */
  serve<T = unknown>(pattern: string, handler: ServiceHandler<T>, options?: ServeOptions): Promise<Service>;
  /** Request with a streamed reply: iterate the decoded chunks (docs/protocol.md, "Streamed replies"). */
  requestStream<T = unknown>(subject: string, data?: unknown, options?: RequestStreamOptions): ReplyStream<T>;
  /** Serves streamed replies on `pattern` (captures allowed) in a queue group, with bounded concurrency. */
  serveStream<T = unknown, C = unknown>(
    pattern: string,
    handler: StreamHandler<T, C>,
    options?: ServeStreamOptions,
  ): Promise<StreamService>;
  /**
   * A reply subject to name in a header (`Junction-Reply-To`) when the NATS reply subject is taken, as
   * by a JetStream publish: the first message on it, or `ERR_TIMEOUT` after `waitMs`. Shares the
   * client's one reply subscription.
   */
  expectReply(subject: string, waitMs: number): ExpectedReply;
  /** JetStream: dedup publish, streams, durable workers, durable request/reply. Without options, one shared handle. */
  jetstream(options?: JetStreamOptions): JunctionJetStream;
  /** A typed KV bucket, created if missing (unless `bindOnly`). */
  kv<T = unknown>(bucket: string, options?: KvBucketOptions<T>): Promise<KvBucket<T>>;
  /** Connection events: disconnect, reconnect, ldm, error … */
  status(): AsyncIterable<Status>;
  /** Stops services and workers (letting in-flight work finish), then drains and closes the connection. */
  drain(): Promise<void>;
  /** Resolves when the connection is closed, with the error that closed it, if any. */
  closed(): Promise<Error | undefined>;
}

/**
 * Connects to NATS: `connect("nats://127.0.0.1:4222")`, `connect("nats://user:pass@host")` or
 * `connect({ servers, credsFile, … })`. Refused credentials throw `NatsAuthError`, an unreachable
 * server `NatsConnectError`, unusable options `ConnectOptionsError`.
 */
export async function connect(target: string | ClientOptions = {}): Promise<JunctionClient> {
  const options: ClientOptions = typeof target === "string" ? { servers: target } : target;
  const { options: nats, onReconnected, servers, credentials } = natsOptions(options);
  const nc = await connectNats(nats).catch((err: unknown) => {
    throw connectFailure(err, servers, credentials);
  });
  void (async () => {
    for await (const s of nc.status()) if (s.type === "reconnect") onReconnected();
  })();
  return createClient(nc, options);
}

/** Wraps an existing nats.js connection. */
export function createClient(
  nc: NatsConnection,
  options: Pick<ClientOptions, "codec" | "telemetry"> = {},
): JunctionClient {
  const ctx: ClientContext = {
    nc,
    codec: options.codec ?? jsonCodec(),
    telemetry: options.telemetry ?? noopTelemetry,
    running: new Set(),
    replies: createReplyMux(nc),
    breakers: new BreakerRegistry({
      onStateChange: (subject, state) => ctx.telemetry.breakerState(subject, state),
    }),
  };
  let defaultJetStream: JunctionJetStream | undefined;
  const drain = async () => {
    await Promise.all([...ctx.running].map((r) => r.stop()));
    if (!nc.isClosed() && !nc.isDraining()) await nc.drain();
  };
  return {
    nc,
    publish: (subject, data, opts) => publish(ctx, subject, data, opts),
    request: (subject, data, opts) => request(ctx, subject, data, opts),
    serve: (pattern, handler, opts) => serve(ctx, pattern, handler, opts),
    requestStream: (subject, data, opts) => requestStream(ctx, subject, data, opts),
    serveStream: (pattern, handler, opts) => serveStream(ctx, pattern, handler, opts),
    expectReply: (subject, waitMs) => ctx.replies.expect(subject, waitMs),
    // Each handle holds an ack subscription: callers without options all share one.
    jetstream: (opts) => {
      if (opts !== undefined) return createJetStream(ctx, opts);
      defaultJetStream ??= createJetStream(ctx);
      return defaultJetStream;
    },
    kv: (bucket, opts) => openKv(ctx, bucket, opts),
    status: () => nc.status(),
    drain,
    closed: async () => (await nc.closed()) ?? undefined,
    [Symbol.asyncDispose]: drain,
  };
}
