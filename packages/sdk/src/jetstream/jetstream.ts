import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  type StreamInfo,
} from "@nats-io/jetstream";
import type { ClientContext } from "../client/context.ts";
import type { Codec } from "../codecs/index.ts";
import { jsonCodec } from "../codecs/index.ts";
import { toJetStreamError } from "../errors/jetstream.ts";
import { type KvBucket, openKv } from "../kv/kv.ts";
import {
  type DurableOutcome,
  type DurableRequestOptions,
  durableHandler,
  durableRequest,
  idempotencyScope,
  type OutcomeRecord,
  storeDeadOutcome,
  toOutcome,
} from "./durable.ts";
import type { Job } from "./job.ts";
import {
  type PartitionGroup,
  type PartitionGroupOptions,
  type ServePartition,
  startPartitionGroup,
} from "./partitions/group.ts";
import { type PartitionedWorkerOptions, startPartitionedWorker } from "./partitions/worker.ts";
import { createAckPipeline, type JetStreamPublishOptions, type PublishAck } from "./publisher.ts";
import { ensureStream, type StreamSpec } from "./streams.ts";
import { type JobHandler, startWorker, type Worker, type WorkerOptions } from "./worker.ts";

export interface JetStreamOptions {
  /** Default wait for a publish ack (5 s). */
  readonly timeoutMs?: number;
  /** Most acks outstanding at once; further publishes wait for a slot (default 1024). */
  readonly window?: number;
  /** KV bucket of durable request outcomes (default `JUNCTION_OUTCOMES`, kept 24 h). */
  readonly outcomes?: { readonly bucket?: string; readonly ttlMs?: number };
}

/** JetStream with Junction identity: dedup publish, streams, durable workers, durable request/reply. */
export interface JunctionJetStream {
  /** The nats.js JetStream client, for what this wrapper does not cover. */
  readonly js: JetStreamClient;
  manager(): Promise<JetStreamManager>;
  /**
   * Publishes into a stream and waits for its ack. The message id (`options.id` or a fresh one) is
   * `Nats-Msg-Id`: republishing the same id within the duplicate window stores nothing new
   * (`duplicate: true`). Fails with `NoStreamError`, `RequestTimeoutError` (retry with the same id)
   * or `JetStreamError`.
   */
  publish(subject: string, data?: unknown, options?: JetStreamPublishOptions): Promise<PublishAck>;
  /** Creates the stream or (unless `update: false`) updates it to this config; idempotent. */
  ensureStream(spec: StreamSpec, options?: { readonly update?: boolean }): Promise<StreamInfo>;
  /** Starts a durable pull worker (creating or updating its consumer). Stop it, or `client.drain()`. */
  worker<T = unknown>(
    stream: string,
    durable: string,
    handler: JobHandler<T>,
    options?: WorkerOptions<T>,
  ): Promise<Worker>;
  /**
   * Joins a partitioned consumer group (docs/scaling.md): `serve` is called for each partition this
   * member comes to own, with the partition's consumer and a signal that ends it. The building block
   * of `partitionedWorker` and of the bridge's ordered routes.
   */
  partitionGroup(options: PartitionGroupOptions, serve: ServePartition): Promise<PartitionGroup>;
  /** A worker that keeps each key's messages in order across every member of `group` (docs/scaling.md). */
  partitionedWorker<T = unknown>(
    stream: string,
    group: string,
    handler: JobHandler<T>,
    options: PartitionedWorkerOptions<T>,
  ): Promise<PartitionGroup>;
  /**
   * Sends a command that runs once per subject and idempotency key and waits for its outcome (see
   * durable.ts). The same key with another payload on the same subject fails with
   * `IdempotencyKeyReusedError`.
   */
  durableRequest<R = unknown>(subject: string, data: unknown, options: DurableRequestOptions): Promise<R>;
  /** A worker whose handler's return value (or `ServiceError`) is the stored outcome of the command. */
  durableResponder<T = unknown, R = unknown>(
    stream: string,
    durable: string,
    handler: (job: Job<T>) => R | Promise<R>,
    options?: WorkerOptions<T>,
  ): Promise<Worker>;
  /** The stored outcome of the durable command sent to `subject` with this key, or undefined while it has none. */
  outcome<R = unknown>(
    subject: string,
    idempotencyKey: string,
    options?: { readonly codec?: Codec<unknown> },
  ): Promise<DurableOutcome<R> | undefined>;
}

/**
 * One handle per use site: create it once and reuse it (each holds an ack subscription). Its pending
 * publishes are waited for by `client.drain()`.
 */
export function createJetStream(ctx: ClientContext, options: JetStreamOptions = {}): JunctionJetStream {
  const timeoutMs = options.timeoutMs ?? 5000;
  const js = jetstream(ctx.nc, { timeout: timeoutMs });
  const pipeline = createAckPipeline(ctx, { timeoutMs, window: options.window ?? 1024 });
  ctx.running.add({ stop: () => pipeline.idle() });

  let jsm: Promise<JetStreamManager> | undefined;
  const manager = () => {
    jsm ??= jetstreamManager(ctx.nc, { timeout: timeoutMs }).catch((err: unknown) => {
      jsm = undefined;
      throw toJetStreamError(err, "JetStream");
    });
    return jsm;
  };
  let outcomes: Promise<KvBucket<OutcomeRecord>> | undefined;
  const outcomeBucket = () => {
    outcomes ??= openKv<OutcomeRecord>(ctx, options.outcomes?.bucket ?? "JUNCTION_OUTCOMES", {
      codec: jsonCodec() as Codec<OutcomeRecord>,
      ttlMs: options.outcomes?.ttlMs ?? 24 * 3600_000,
    }).catch((err: unknown) => {
      outcomes = undefined;
      throw err;
    });
    return outcomes;
  };
  const deps = { ctx, js, jsm: manager, publish: pipeline.publish };

  return {
    js,
    manager,
    publish: pipeline.publish,
    ensureStream: async (spec, opts) => ensureStream(await manager(), spec, opts),
    worker: (stream, durable, handler, opts) => startWorker(deps, stream, durable, handler, opts),
    partitionGroup: (opts, serve) => startPartitionGroup(deps, opts, serve),
    partitionedWorker: (stream, group, handler, opts) =>
      startPartitionedWorker(deps, stream, group, handler, opts),
    durableRequest: async (subject, data, opts) =>
      durableRequest(ctx, await outcomeBucket(), pipeline.publishPrepared, subject, data, opts),
    async durableResponder(stream, durable, handler, opts = {}) {
      const kv = await outcomeBucket();
      // Outcomes are encoded with the client's codec, as replies of `request()` are.
      return startWorker(deps, stream, durable, durableHandler(ctx, kv, handler, ctx.codec), {
        ...opts,
        onDeadLetter: async (letter) => {
          await storeDeadOutcome(ctx, kv, letter);
          await opts.onDeadLetter?.(letter);
        },
      });
    },
    async outcome(subject, idempotencyKey, opts = {}) {
      const entry = await (await outcomeBucket()).get(idempotencyScope(subject, idempotencyKey));
      return entry && toOutcome(entry.value, opts.codec ?? ctx.codec);
    },
  };
}
