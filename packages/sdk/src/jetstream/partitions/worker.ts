import type { JsMsg } from "@nats-io/jetstream";
import type { Codec } from "../../codecs/index.ts";
import { CodecError, JetStreamErrorCode, JunctionError, PoisonMessageError } from "../../errors/index.ts";
import { sleep } from "../../resilience/sleep.ts";
import { createDlq, type DlqOptions } from "../dlq.ts";
import { type Backoff, backoffDelay, createJob, type JobState, streamIdentity } from "../job.ts";
import type { JobHandler, WorkerDeps } from "../worker-options.ts";
import { consumePartition, type Settle } from "./consume.ts";
import { type PartitionGroup, type PartitionGroupOptions, startPartitionGroup } from "./group.ts";
import { createLanes } from "./lanes.ts";

export interface PartitionedWorkerOptions<T> extends Omit<PartitionGroupOptions, "stream" | "group"> {
  /** The ordering key of a message, e.g. `(m) => m.subject.split(".")[1]` or a header. */
  readonly key: (m: Pick<JsMsg, "subject" | "headers" | "data">) => string;
  /** Handlers running at once per partition, different keys only (default 64). */
  readonly concurrency?: number;
  /** Attempts before a message goes to the DLQ (default 5); retries stay in process, in the key's lane. */
  readonly maxDeliver?: number;
  /** Delay before each retry (default 1 s, 2 s, 4 s … ≤ 30 s). */
  readonly backoff?: Backoff;
  readonly codec?: Codec<T>;
  /** Where dead letters go (default `JUNCTION_DLQ`); `false` drops them after the last attempt. */
  readonly dlq?: DlqOptions | false;
}

/**
 * A durable worker whose messages are partitioned by key across the members of `group` (any number
 * of processes): every key's messages are handled one after another, in stream order, by one member
 * at a time, also across joins, leaves, crashes and reconnects. A failure is retried in process (a nak
 * would let the key's later messages overtake it), then dead-lettered and acked.
 */
export async function startPartitionedWorker<T>(
  deps: WorkerDeps,
  stream: string,
  group: string,
  handler: JobHandler<T>,
  options: PartitionedWorkerOptions<T>,
): Promise<PartitionGroup> {
  const { ctx } = deps;
  const codec = options.codec ?? (ctx.codec as Codec<T>);
  const maxDeliver = Math.max(1, options.maxDeliver ?? 5);
  const concurrency = Math.max(1, options.concurrency ?? 64);
  const dlq = options.dlq === false ? undefined : createDlq(deps.jsm, deps.publish, options.dlq);
  const report = (error: unknown) => options.onEvent?.({ type: "error", error });
  const lanes = createLanes();

  const handle = async (m: JsMsg, settle: Settle, signal: AbortSignal, consumer: string) => {
    for (let attempt = m.info.deliveryCount; ; attempt++) {
      const state: JobState = { termReason: undefined };
      let error: unknown;
      try {
        await handler(createJob(ctx, deps.publish, m, consumer, codec, streamIdentity(m), state));
      } catch (err) {
        error = err;
      }
      const poison =
        state.termReason !== undefined || error instanceof PoisonMessageError || error instanceof CodecError;
      if (error === undefined && !poison) return settle.ack();
      if (poison || attempt >= maxDeliver) {
        const message = state.termReason ?? (error instanceof Error ? error.message : String(error));
        await dlq?.send({
          reason: poison ? "rejected" : "exhausted",
          error: {
            message,
            code:
              error instanceof JunctionError
                ? error.code
                : error === undefined
                  ? JetStreamErrorCode.Poison
                  : "ERR_HANDLER",
          },
          subject: m.subject,
          stream,
          streamSequence: m.info.streamSequence,
          durable: consumer,
          deliveryCount: attempt,
          headers: m.headers,
          data: m.data,
        });
        return settle.ack();
      }
      // Handed back in order: the lane holds the key's later messages until this one settles.
      if (signal.aborted) return settle.nak();
      await sleep(backoffDelay(options.backoff, attempt), signal);
    }
  };

  return startPartitionGroup(deps, { ...options, stream, group }, (lease) =>
    consumePartition({
      js: deps.js,
      stream,
      consumer: lease.consumer,
      partition: lease.partition,
      partitions: lease.partitions,
      lanes,
      lanePrefix: group,
      keyOf: options.key,
      handle: (m, _key, settle) => handle(m, settle, lease.signal, lease.consumer),
      concurrency,
      fetchBatch: concurrency,
      ackWaitMs: options.ackWaitMs ?? 30_000,
      signal: lease.signal,
      confirmed: lease.confirmed,
      onError: report,
    }),
  );
}
